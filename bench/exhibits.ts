/**
 * npm run bench:exhibits [-- --out packet.pdf] — how long a ~200-page exhibit packet takes to build, and
 * whether memory stays flat over repeated builds. Real reports from ../shared/corpus when present (the
 * Nicaragua and Japan PDFs whole, with highlighted passages, plus the Guatemala and Honduras text reports
 * typeset), otherwise the generated test PDF and the repository's text fixtures. Prints numbers and ratios;
 * asserts nothing.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PDFDocument } from 'pdf-lib';
import { Archive } from '../core/archive.ts';
import { connectSearchEngine } from '../core/meilisearch.ts';
import { indexNames } from '../core/search-index.ts';
import { loadSources, SourceRegistry } from '../core/sources.ts';
import { importFiles } from '../crawler/import.ts';
import { indexArchive } from '../indexer/indexer.ts';
import { createApp } from '../server/app.ts';
import type { SearchResponse } from '../server/schemas.ts';
import { CORPUS, FIXTURES, HAS_CORPUS } from '../tests/helpers/corpus.ts';
import { exhibitFolder } from '../tests/helpers/exhibit-fixtures.ts';

const RUNS = 5;
const out = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : undefined;

async function corpusFolder(): Promise<string> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'countrycite-bench-exhibits-'));
  const files = [
    '2023/nicaragua.pdf',
    '2023/japan.pdf',
    '2023/guatemala.txt',
    '2023/honduras.txt',
    '2023/el-salvador.txt',
    '2024/honduras.txt',
    '2024/guatemala.txt',
    '2024/nicaragua.txt',
  ];
  for (const file of files) {
    const from = path.join(CORPUS, 'us-dos-hrr', file);
    mkdirSync(path.dirname(path.join(folder, 'us-dos-hrr', file)), { recursive: true });
    if (existsSync(from)) copyFileSync(from, path.join(folder, 'us-dos-hrr', file));
  }
  return folder;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main() {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'countrycite-bench-data-'));
  const engine = await connectSearchEngine({ dataDir, stopOnExit: true });
  try {
    const folder = HAS_CORPUS ? await corpusFolder() : await exhibitFolder();
    console.log(
      HAS_CORPUS ? `reports: ${CORPUS}` : `reports: generated test PDF + ${FIXTURES} (corpus absent)`,
    );
    const archive = new Archive(dataDir);
    const sources = new SourceRegistry(loadSources());
    await importFiles(folder, archive, sources);
    const prefix = 'bench_';
    const indexed = await indexArchive({ client: engine.client, archive, sources, indexPrefix: prefix });
    console.log(
      `indexed ${indexed.indexed} documents, ${indexed.passages} passages in ${indexed.milliseconds} ms`,
    );
    const app = createApp({ client: engine.client, indexes: indexNames(prefix), sources, archive });

    const search = async (country: string, q: string, limit: number) => {
      const response = await app.request(
        `/api/search?q=${encodeURIComponent(q)}&country=${country}&limit=${limit}&latest=false`,
      );
      return ((await response.json()) as SearchResponse).hits;
    };
    const documents = await engine.client.index(indexNames(prefix).documents).getDocuments({ limit: 100 });
    const byCountry = new Map<string, string>();
    for (const doc of documents.results) byCountry.set(String(doc.id), String(doc.country));
    const exhibits = [];
    for (const [documentId, country] of byCountry) {
      const cited = [
        ...(await search(country, 'women violence', 10)),
        ...(await search(country, 'detention prison', 10)),
      ].filter((h) => h.documentId === documentId);
      // PDFs whole (original pages), text reports whole (typeset): together about 200 pages.
      exhibits.push({
        documents: [documentId],
        passages: [...new Set(cited.map((h) => h.id))],
        claimElement: 'Country conditions',
      });
    }
    const request = JSON.stringify({
      exhibits,
      certificateOfService: true,
      caption: { respondent: 'Bench Mark' },
    });
    const cited = exhibits.reduce((n, e) => n + e.passages.length, 0);

    let peakRss = 0;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 20);
    const times: number[] = [];
    const rssAfter: number[] = [];
    let bytes = new Uint8Array();
    let pages = 0;
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      const response = await app.request('/api/exhibits', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: request,
      });
      if (response.status !== 200)
        throw new Error(`packet failed: ${response.status} ${await response.text()}`);
      bytes = new Uint8Array(await response.arrayBuffer());
      times.push(performance.now() - started);
      pages = (await PDFDocument.load(bytes)).getPageCount();
      global.gc?.();
      rssAfter.push(process.memoryUsage().rss);
    }
    const indexTimes: Record<string, number> = {};
    for (const format of ['index-md', 'index-docx', 'index-pdf']) {
      const started = performance.now();
      const response = await app.request('/api/exhibits', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...JSON.parse(request), format }),
      });
      if (response.status !== 200) throw new Error(`${format} failed: ${response.status}`);
      await response.arrayBuffer();
      indexTimes[format] = performance.now() - started;
    }
    clearInterval(sampler);
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    console.log(
      `packet: ${exhibits.length} exhibits, ${cited} highlighted passages, ${pages} pages, ${mb(bytes.byteLength)}`,
    );
    console.log(
      `build times (ms): ${times.map((t) => t.toFixed(0)).join(', ')}; first ${times[0]?.toFixed(0)}, median ${median.toFixed(0)}`,
    );
    console.log(
      `ratio: ${(pages / (median / 1000)).toFixed(0)} pages/s, ${(median / pages).toFixed(1)} ms/page (median run)`,
    );
    console.log(
      `annotated index (ms): ${Object.entries(indexTimes)
        .map(([f, t]) => `${f} ${t.toFixed(0)}`)
        .join(', ')}`,
    );
    console.log(`memory: peak RSS ${mb(peakRss)}; RSS after each build ${rssAfter.map(mb).join(', ')}`);
    console.log(
      `ratio: RSS after last build / after first build = ${((rssAfter.at(-1) ?? 0) / (rssAfter[0] ?? 1)).toFixed(2)}`,
    );
    if (out) {
      writeFileSync(out, bytes);
      console.log(`packet written to ${out}`);
    }
  } finally {
    await engine.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
