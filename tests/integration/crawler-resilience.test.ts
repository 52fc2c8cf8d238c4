/**
 * The crawler against a misbehaving local site: every bad URL ends with its recorded reason, the crawl
 * carries on, and the run ends with a summary (fetched, not modified, skipped by robots, failed by reason).
 * Also politeness against real sockets: robots.txt answers (2xx, 4xx, 5xx, unreachable, Crawl-delay), one
 * request at a time per host, and the global cap on open sockets across hosts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Archive } from '../../core/archive.ts';
import { freePort } from '../../core/meilisearch.ts';
import { crawl, type SourceSummary, USER_AGENT } from '../../crawler/crawl.ts';
import { Fetcher } from '../../crawler/fetcher.ts';
import { NetworkPolicy } from '../../crawler/network-policy.ts';
import { testSources } from '../helpers/crawl-sources.ts';
import { LIMITS, type MisbehavingSite, startMisbehavingSite } from '../helpers/misbehaving-site.ts';
import { html, type Route, type Site, startSite } from '../helpers/site.ts';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'countrycite-resilience-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

const FAST = {
  fetcher: { ...LIMITS, totalTimeoutMs: 10_000 },
  retry: { maxRetries: 2, baseDelayMs: 20, maxDelayMs: 100 },
};

describe('a crawl of a misbehaving site', () => {
  let bad: MisbehavingSite;
  let dataDir: string;
  let first: SourceSummary;
  let second: SourceSummary;
  let sources: ReturnType<typeof testSources>;
  let hitsAfterFirst: Map<string, number[]>;
  const hits = (p: string) => hitsAfterFirst.get(p) ?? [];

  beforeAll(async () => {
    bad = await startMisbehavingSite();
    dataDir = path.join(work, 'misbehaving');
    const origin = bad.site.origin;
    sources = testSources({
      hosts: [bad.site.host, bad.silentTlsHost],
      seeds: [{ url: `${origin}/{edition}/index.html`, editions: [2024] }],
      follow: [
        { match: `${origin}/docs/*.pdf`, role: 'document', format: 'pdf' },
        { match: `${origin}/docs/*.html`, role: 'document', format: 'html' },
        { match: `https://${bad.silentTlsHost}/docs/*.html`, role: 'document', format: 'html' },
        { match: `${origin}/private/*.html`, role: 'document', format: 'html' },
      ],
    });
    [first] = (await crawl({ archive: new Archive(dataDir), sources, dataDir, ...FAST })).summaries as [
      SourceSummary,
    ];
    hitsAfterFirst = new Map(bad.site.requests.map((r) => [r.path, bad.hits(r.path)]));
    [second] = (await crawl({ archive: new Archive(dataDir), sources, dataDir, ...FAST })).summaries as [
      SourceSummary,
    ];
  });
  afterAll(() => bad?.close());

  it('ends every bad URL with its reason and captures every good one', async () => {
    const failures = new Map(first.failures.map((f) => [new URL(f.url).pathname, f]));
    const captured = new Set(
      (await new Archive(dataDir).captures())
        .filter((c) => c.role === 'document')
        .map((c) => new URL(c.url).pathname),
    );
    for (const c of bad.cases) {
      if (c.expect.outcome === 'captured') {
        expect(captured, c.path).toContain(c.path);
        expect(failures.get(c.path), c.path).toBeUndefined();
      } else if (c.expect.outcome === 'robots') {
        expect(captured, c.path).not.toContain(c.path);
        expect(failures.get(c.path), c.path).toBeUndefined();
      } else {
        const failure = failures.get(c.path);
        expect(failure?.reason, c.path).toBe(c.expect.reason);
        if (c.expect.message) expect(failure?.message, c.path).toMatch(c.expect.message);
      }
    }
    // The link inside the tag soup was followed.
    expect(captured).toContain('/docs/found-in-soup.html');
  });

  it('ends the run with a summary by outcome and by reason', () => {
    const expectedFailures = bad.cases.filter((c) => c.expect.outcome === 'failed');
    const byReason: Record<string, number> = {};
    for (const c of expectedFailures)
      byReason[c.expect.reason as string] = (byReason[c.expect.reason as string] ?? 0) + 1;
    expect(first.failed).toEqual(byReason);
    // The silent TLS port never answers robots.txt either: per RFC 9309 nothing there is fetched.
    expect(first.skippedByRobots).toBe(2);
    expect(first.unreachable.join(' ')).toMatch(new RegExp(`${bad.silentTlsHost}.*connect`, 'i'));
    expect(first.pages).toBe(bad.cases.length + 3); // + the index, the page found in the soup, the secret
    const good = bad.cases.filter((c) => c.expect.outcome === 'captured').length + 1; // + found in the soup
    expect(first.newCaptures).toBe(good + 1); // the documents and the index
    // A response came back for the captures and for the three pages refused for their content.
    expect(first.fetched).toBe(first.newCaptures + 3);
    expect(bad.hits('/private/secret.html')).toEqual([]);
  });

  it('retries 5xx with backoff, and waits out 429/503 Retry-After without spending retries', () => {
    const flaky = hits('/docs/flaky.html');
    expect(flaky).toHaveLength(3);
    // Backoff is base × 2^attempt with jitter: at least half of 40 ms, then of 80 ms.
    expect((flaky[1] ?? 0) - (flaky[0] ?? 0)).toBeGreaterThanOrEqual(19);
    expect((flaky[2] ?? 0) - (flaky[1] ?? 0)).toBeGreaterThanOrEqual(39);
    // Four answers with maxRetries 2: the three 429s did not count as retries.
    const throttled = hits('/docs/throttled.html');
    expect(throttled).toHaveLength(4);
    expect((throttled[1] ?? 0) - (throttled[0] ?? 0)).toBeGreaterThanOrEqual(990);
    const unavailable = hits('/docs/unavailable.html');
    expect((unavailable[1] ?? 0) - (unavailable[0] ?? 0)).toBeGreaterThanOrEqual(990);
    // Non-retryable answers are asked once; retryable ones 1 + maxRetries times.
    expect(hits('/docs/missing.html')).toHaveLength(1);
    expect(hits('/docs/always-500.html')).toHaveLength(3);
    expect(hits('/docs/to-metadata.html')).toHaveLength(1);
  });

  it('times out a connection that never completes its handshake', async () => {
    const fetcher = new Fetcher({
      policy: new NetworkPolicy([bad.silentTlsHost]),
      userAgent: USER_AGENT,
      ...LIMITS,
    });
    try {
      await expect(fetcher.fetch({ url: `https://${bad.silentTlsHost}/robots.txt` })).rejects.toMatchObject({
        kind: 'retryable',
        reason: 'timeout',
        message: expect.stringMatching(/connect/i),
      });
    } finally {
      await fetcher.close();
    }
  });

  it('sends the validators of the last capture, and a 304 or an unchanged body makes no new capture', async () => {
    expect(second.notModified).toBe(2);
    const etagRequests = bad.site.requests.filter((r) => r.path === '/docs/etag.html');
    expect(etagRequests.at(-1)?.headers['if-none-match']).toBe('"v1"');
    expect(
      bad.site.requests.filter((r) => r.path === '/docs/last-modified.html').at(-1)?.headers[
        'if-modified-since'
      ],
    ).toBe('Mon, 01 Dec 2025 00:00:00 GMT');
    expect(second.newCaptures).toBe(0);
    expect(second.unchanged).toBe(first.newCaptures - 2);
    const captures = await new Archive(dataDir).captures();
    expect(new Set(captures.map((c) => c.url)).size).toBe(captures.length);
  });
});

describe('robots.txt and politeness', () => {
  const sites: Site[] = [];
  afterAll(async () => {
    for (const s of sites) await s.close();
  });

  async function siteWith(robots: Route | null, pages = 3): Promise<Site> {
    const routes: Record<string, Route> = {
      '/2024/': html(
        Array.from({ length: pages }, (_, i) => `<a href="/2024/honduras-${i}.html">Honduras ${i}</a>`).join(
          '',
        ),
      ),
    };
    for (let i = 0; i < pages; i++) routes[`/2024/honduras-${i}.html`] = html(`<p>Page ${i}</p>`);
    if (robots) routes['/robots.txt'] = robots;
    const site = await startSite(routes);
    sites.push(site);
    return site;
  }

  const sourceFor = (id: string, site: { origin: string; host: string }, delaySeconds = 0) => ({
    id,
    hosts: [site.host],
    delaySeconds,
    seeds: [{ url: `${site.origin}/{edition}/`, editions: [2024] }],
    follow: [
      { match: `${site.origin}/{edition}/*.html`, role: 'document' as const, format: 'html' as const },
    ],
  });

  it('parses a 2xx, allows all on a 4xx, disallows all on a 5xx or no answer, and honours Crawl-delay', async () => {
    const parsed = await siteWith({
      type: 'text/plain',
      body: 'User-agent: CountryCiteBot\nDisallow: /2024/honduras-1\nCrawl-delay: 0.3\n',
    });
    const missing = await siteWith(null);
    const broken = await siteWith({ status: 503, type: 'text/plain', body: 'down' });
    const closed = { origin: `http://127.0.0.1:${await freePort()}`, host: '' };
    closed.host = closed.origin.slice('http://'.length);
    const dataDir = path.join(work, 'robots');
    const { summaries } = await crawl({
      archive: new Archive(dataDir),
      sources: testSources(
        sourceFor('parsed', parsed),
        sourceFor('missing', missing),
        sourceFor('broken', broken),
        sourceFor('closed', closed),
      ),
      dataDir,
      ...FAST,
    });
    const by = new Map(summaries.map((s) => [s.source, s]));
    expect(by.get('parsed')?.skippedByRobots).toBe(1);
    expect(by.get('parsed')?.newCaptures).toBe(3);
    expect(by.get('missing')?.newCaptures).toBe(4);
    expect(by.get('broken')?.skippedByRobots).toBe(1);
    expect(by.get('broken')?.newCaptures).toBe(0);
    expect(broken.requests.map((r) => r.path)).toEqual(['/robots.txt']);
    expect(by.get('broken')?.unreachable[0]).toMatch(
      /could not be reached: its robots.txt answered HTTP 503, so nothing was fetched from it \(HTTP 503\)/,
    );
    expect(by.get('closed')?.unreachable[0]).toMatch(/could not be reached: the connection was refused/);
    // Crawl-delay 0.3 s beats the configured 0: the gaps between requests to that host honour it.
    const at = parsed.requests.map((r) => r.at);
    for (let i = 1; i < at.length; i++) expect((at[i] ?? 0) - (at[i - 1] ?? 0)).toBeGreaterThanOrEqual(290);
    // robots.txt is asked once per origin, before anything else.
    expect(parsed.requests[0]?.path).toBe('/robots.txt');
    expect(parsed.requests.filter((r) => r.path === '/robots.txt')).toHaveLength(1);
  });

  it('never opens more sockets than the global cap, across many hosts, one request at a time per host', async () => {
    const connections = { open: 0, peak: 0 };
    const hosts: Site[] = [];
    const inFlight = new Map<string, number>();
    let maxPerHost = 0;
    for (let i = 2; i <= 7; i++) {
      const routes: Record<string, Route> = {
        '/2024/': html(
          Array.from({ length: 5 }, (_, n) => `<a href="/2024/honduras-${n}.html">Honduras</a>`).join(''),
        ),
      };
      for (let n = 0; n < 5; n++)
        routes[`/2024/honduras-${n}.html`] = (req, res) => {
          const host = String(req.headers.host);
          inFlight.set(host, (inFlight.get(host) ?? 0) + 1);
          maxPerHost = Math.max(maxPerHost, inFlight.get(host) ?? 0);
          setTimeout(() => {
            inFlight.set(host, (inFlight.get(host) ?? 1) - 1);
            res.writeHead(200, { 'content-type': 'text/html' }).end(`<p>${n}</p>`);
          }, 10);
        };
      const site = await startSite(routes, { address: `127.0.0.${i}`, connections });
      hosts.push(site);
      sites.push(site);
    }
    const dataDir = path.join(work, 'sockets');
    const { summaries, peakSockets } = await crawl({
      archive: new Archive(dataDir),
      sources: testSources(...hosts.map((h, i) => sourceFor(`host-${i}`, h))),
      dataDir,
      maxInFlight: 2,
      ...FAST,
    });
    expect(summaries.flatMap((s) => s.failures)).toEqual([]);
    expect(summaries.reduce((n, s) => n + s.newCaptures, 0)).toBe(6 * 6);
    // The crawler's own count, at the moment each socket opens.
    expect(peakSockets).toBe(2);
    // What the servers saw: the cap used, and at most one extra connection per socket the crawler was
    // closing to make room (its FIN can reach the server after the next SYN on a loaded machine). Without
    // the cap the six hosts would hold six sockets.
    expect(connections.peak).toBeGreaterThanOrEqual(2);
    expect(connections.peak).toBeLessThanOrEqual(4);
    expect(maxPerHost).toBe(1);
  });
});
