/**
 * npm run bench:crawl — the crawler against a local site playing many hosts (bench/crawl-site.ts, in its
 * own process), measured against the politeness bound. Every host gets a small delay (default 100 ms), so
 * the most a polite crawler can fetch is hosts × (1 / delay) pages per second; the ratio of the measured
 * rate to that bound is the figure (goal ≥ 0.95). RSS and heap are sampled after 1k, 5k and 20k pages
 * (after a GC) — the goal is flat: nothing in the crawler grows with the number of pages.
 *
 * Environment: BENCH_HOSTS (default 20), BENCH_PAGES_PER_HOST (default 1000), BENCH_DELAY_MS (default 100).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Archive } from '../core/archive.ts';
import { SourcesFile } from '../core/sources.ts';
import { crawl } from '../crawler/crawl.ts';

const hosts = Number(process.env.BENCH_HOSTS ?? 20);
const pagesPerHost = Number(process.env.BENCH_PAGES_PER_HOST ?? 1000);
const delayMs = Number(process.env.BENCH_DELAY_MS ?? 100);
const checkpoints = [1000, 5000, 20_000].filter((n) => n <= hosts * pagesPerHost);

interface Stats {
  served: number;
  first: number;
  last: number;
  gapMs: { min: number; median: number; p90: number; p99: number };
}

function ask<T>(child: ChildProcess, message: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (reply) => resolve(reply as T));
    child.send(message);
  });
}

const gc = (globalThis as { gc?: () => void }).gc;
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

const site = fork(fileURLToPath(new URL('./crawl-site.ts', import.meta.url)), {
  env: { ...process.env, BENCH_HOSTS: String(hosts), BENCH_PAGES_PER_HOST: String(pagesPerHost) },
  execArgv: ['--import', 'tsx'],
});
const { hosts: siteHosts } = await new Promise<{ port: number; hosts: string[] }>((resolve) =>
  site.once('message', (m) => resolve(m as { port: number; hosts: string[] })),
);
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'countrycite-bench-crawl-'));
try {
  const sources = SourcesFile.parse({
    sources: siteHosts.map((host, i) => ({
      id: `bench-host-${i + 1}`,
      name: `Benchmark host ${i + 1}`,
      publisher: 'Benchmark',
      series: 'Reports',
      homepage: `http://${host}/`,
      cadence: 'annual',
      license: { id: 'pd', name: 'Public domain', display: 'full-text', commercialUse: true },
      title: '{country} {edition}',
      citation: { author: 'Benchmark', short: '{edition} {country}' },
      crawl: {
        hosts: [host],
        delaySeconds: delayMs / 1000,
        maxPages: pagesPerHost + 100,
        seeds: [{ url: `http://${host}/{edition}/`, editions: [2024] }],
        follow: [
          { match: `http://${host}/{edition}/list-*.html`, role: 'listing' },
          { match: `http://${host}/{edition}/*.html`, role: 'document', format: 'html' },
        ],
      },
    })),
  }).sources;

  const samples: { pages: number; rssMb: number; heapMb: number }[] = [];
  let next = 0;
  let documents = 0;
  const started = Date.now();
  const cpuBefore = process.cpuUsage();
  process.stderr.write(
    `Crawling ${hosts} hosts × ${pagesPerHost} pages, ${delayMs} ms per host (bound ${Math.round((hosts * 1000) / delayMs)} requests/s)…\n`,
  );
  const report = await crawl({
    archive: new Archive(dataDir),
    sources,
    dataDir,
    maxInFlight: hosts,
    onProgress: (p) => {
      if (p.url.includes('/honduras-')) documents++;
      const checkpoint = checkpoints[next];
      if (checkpoint !== undefined && documents >= checkpoint) {
        next++;
        gc?.();
        const m = process.memoryUsage();
        samples.push({ pages: checkpoint, rssMb: mb(m.rss), heapMb: mb(m.heapUsed) });
        process.stderr.write(`  ${checkpoint} pages: RSS ${mb(m.rss)} MB, heap ${mb(m.heapUsed)} MB\n`);
      }
    },
  });
  const elapsed = (Date.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const stats = await ask<Stats>(site, 'stats');
  const serverSeconds = (stats.last - stats.first) / 1000;
  const rate = (stats.served - hosts) / serverSeconds; // requests after each host's first
  const bound = (hosts * 1000) / delayMs;
  const ratio = rate / bound;
  const captures = report.summaries.reduce((n, s) => n + s.newCaptures, 0);
  const failures = report.summaries.reduce((n, s) => n + s.failures.length, 0);
  const rss = samples.map((s) => s.rssMb);
  const growth = rss.length > 1 ? (rss[rss.length - 1] ?? 0) - (rss[0] ?? 0) : 0;
  const result = {
    hosts,
    pagesPerHost,
    delayMs,
    requests: stats.served,
    captures,
    failures,
    elapsedSeconds: Math.round(elapsed * 10) / 10,
    requestsPerSecond: Math.round(rate * 10) / 10,
    politenessBoundPerSecond: bound,
    ratio: Math.round(ratio * 1000) / 1000,
    peakSockets: report.peakSockets,
    gapBetweenRequestsToAHostMs: stats.gapMs,
    crawlerCpuMsPerRequest: Math.round(((cpu.user + cpu.system) / 1000 / stats.served) * 100) / 100,
    loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10),
    memory: samples,
    rssGrowthMb: Math.round(growth * 10) / 10,
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `throughput ÷ politeness bound = ${result.ratio} (goal ≥ 0.95: ${ratio >= 0.95 ? 'met' : 'missed'}); RSS ${samples
      .map((s) => `${s.rssMb} MB at ${s.pages}`)
      .join(
        ', ',
      )} (growth ${result.rssGrowthMb} MB${gc ? '' : '; run with --expose-gc for steadier figures'})`,
  );
} finally {
  site.send('stop');
  await rm(dataDir, { recursive: true, force: true });
}
