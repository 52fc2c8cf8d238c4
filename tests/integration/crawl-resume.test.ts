/**
 * Crash safety with a real crawl process: `countrycite crawl` is killed with SIGKILL at several points
 * (before a response, in the middle of a body, just after a response while the page is being stored) and
 * started again each time. The finished crawl has every page exactly once: no duplicate captures, no lost
 * ones, and done pages are not fetched again. Then the narrowest window, a capture written to the archive
 * whose step never reached the crawl state, is closed deterministically.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Archive } from '../../core/archive.ts';
import { crawl } from '../../crawler/crawl.ts';
import { REPO_ROOT } from '../helpers/corpus.ts';
import { type TestCrawl, testSources, writeTestSources } from '../helpers/crawl-sources.ts';
import { html, type Route, type Site, startSite } from '../helpers/site.ts';

const BIN = path.join(REPO_ROOT, 'bin', 'countrycite.js');
const PAGES = 30;
const pagePath = (i: number) => `/2024/honduras-${i}.html`;
const pageBody = (i: number) =>
  `<html><body><h1>Honduras ${i}</h1><p>${'Country conditions. '.repeat(40)}</p></body></html>`;

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'countrycite-resume-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

function siteRoutes(
  onPage: (i: number, req: IncomingMessage, res: ServerResponse) => void,
): Record<string, Route> {
  const routes: Record<string, Route> = {
    '/robots.txt': { type: 'text/plain', body: 'User-agent: *\nAllow: /\n' },
    '/2024/': html(
      Array.from({ length: PAGES }, (_, i) => `<a href="${pagePath(i)}">Honduras ${i}</a>`).join(''),
    ),
  };
  for (let i = 0; i < PAGES; i++) routes[pagePath(i)] = (req, res) => onPage(i, req, res);
  return routes;
}

const crawlOf = (site: Site): TestCrawl => ({
  hosts: [site.host],
  seeds: [{ url: `${site.origin}/{edition}/`, editions: [2024] }],
  follow: [{ match: `${site.origin}/{edition}/*.html`, role: 'document', format: 'html' }],
});

describe('a crawl killed with SIGKILL at any point', () => {
  let site: Site;
  let child: ChildProcess | undefined;
  const dataDir = () => path.join(work, 'killed');
  let served = 0;
  const kills: string[] = [];

  /** Kill points, by the number of page requests served so far. */
  const killAt: Record<number, 'before-response' | 'mid-body' | 'after-response'> = {
    1: 'before-response',
    9: 'mid-body',
    17: 'after-response',
    24: 'mid-body',
  };

  const kill = (why: string) => {
    if (!child || child.exitCode !== null) return;
    kills.push(why);
    child.kill('SIGKILL');
  };

  beforeAll(async () => {
    site = await startSite(
      siteRoutes((i, _req, res) => {
        served++;
        const point = killAt[served];
        const body = pageBody(i);
        res.writeHead(200, {
          'content-type': 'text/html',
          'content-length': String(Buffer.byteLength(body)),
        });
        if (point === 'before-response') return kill(point);
        if (point === 'mid-body') {
          res.write(body.slice(0, 100));
          return kill(point);
        }
        res.end(body, () => {
          if (point === 'after-response') setTimeout(() => kill(point), 3);
        });
      }),
    );
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await site?.close();
  });

  function run(sourcesFile: string): Promise<{ code: number | null; signal: string | null; output: string }> {
    return new Promise((resolve) => {
      const output: string[] = [];
      child = spawn(
        process.execPath,
        [BIN, '--data', dataDir(), '--sources', sourcesFile, 'crawl', '--no-index'],
        {
          cwd: REPO_ROOT,
          env: { ...process.env, LOG_LEVEL: 'silent' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      child.stdout?.on('data', (d) => output.push(String(d)));
      child.stderr?.on('data', (d) => output.push(String(d)));
      child.once('exit', (code, signal) => resolve({ code, signal, output: output.join('') }));
    });
  }

  it('resumes where it stopped, with every page captured exactly once', async () => {
    const sourcesFile = writeTestSources(path.join(work, 'killed.yaml'), crawlOf(site));
    const results = [];
    for (let attempt = 0; attempt < 8; attempt++) {
      const result = await run(sourcesFile);
      results.push(result);
      if (result.code === 0) break;
      expect(result.signal).toBe('SIGKILL');
    }
    const last = results.at(-1);
    expect(kills).toEqual(['before-response', 'mid-body', 'after-response', 'mid-body']);
    expect(last?.code, last?.output).toBe(0);
    expect(last?.output).toMatch(/Resuming the interrupted crawl: \d+ of \d+ URLs were already done/);
    expect(last?.output).toMatch(/resumed an interrupted crawl/);

    const captures = (await new Archive(dataDir()).captures()).filter((c) => c.role === 'document');
    const urls = captures.map((c) => new URL(c.url).pathname);
    expect(new Set(urls).size).toBe(urls.length);
    expect(urls.sort()).toEqual(Array.from({ length: PAGES }, (_, i) => pagePath(i)).sort());
    // Resumed, not restarted: each kill costs at most the one page that was in flight.
    expect(served).toBeLessThanOrEqual(PAGES + kills.length);
  }, 120_000);
});

describe('a capture stored just before a crash, whose step was not recorded', () => {
  it('is found in the archive on the next crawl, which makes no second capture', async () => {
    const site = await startSite(
      siteRoutes((i, _req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(pageBody(i))),
    );
    try {
      const dataDir = path.join(work, 'window');
      const archive = new Archive(dataDir);
      // What a crawl killed between storing a capture and committing its step leaves behind.
      await archive.put(Buffer.from(pageBody(3)), {
        url: `${site.origin}${pagePath(3)}`,
        fetchedAt: new Date().toISOString(),
        status: 200,
        contentType: 'text/html',
        etag: null,
        lastModified: null,
        source: 'test-source',
        edition: 2024,
        country: 'HN',
        role: 'document',
        format: 'html',
        origin: 'crawl',
        importedFrom: null,
      });
      const { summaries } = await crawl({
        archive: new Archive(dataDir),
        sources: testSources(crawlOf(site)),
        dataDir,
      });
      expect(summaries[0]?.unchanged).toBe(1);
      expect(summaries[0]?.newCaptures).toBe(PAGES); // the other pages and the listing
      const captures = await new Archive(dataDir).captures();
      expect(captures.filter((c) => c.url.endsWith(pagePath(3)))).toHaveLength(1);
    } finally {
      await site.close();
    }
  });
});
