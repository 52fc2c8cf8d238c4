/**
 * `npm run bench:search`: what our /api/search costs next to asking Meilisearch directly, on the real
 * reports in ../shared/corpus (indexed by the real pipeline) and the eval's 45 attorney queries.
 *
 *  - direct: one Meilisearch search with the same words, country filter, crop and highlight, as a client
 *    holding the Meilisearch key would send it (HTTP, keep-alive, undici);
 *  - /api/search?facets=false and /api/search: our server over HTTP on a local port, doing everything it
 *    does for a reader: the word counts that plan the query, the latest-edition search and the older-
 *    edition count, and (by default) facet counts for every filter.
 *
 * Prints latency percentiles one request at a time and under concurrency, the ratio to direct, and how many
 * Meilisearch searches one /api/search makes. Figures depend on the machine; the ratios are the point.
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { serve } from '@hono/node-server';
import { Meilisearch } from 'meilisearch';
import { Agent, request } from 'undici';
import { z } from 'zod';
import { meilisearchHttpClient } from '../core/meilisearch-http.ts';
import { HIGHLIGHT_POST, HIGHLIGHT_PRE } from '../core/search-index.ts';
import { parseYamlFile } from '../core/yaml-file.ts';
import { indexCorpus } from '../eval/corpus-index.ts';
import { createApp } from '../server/app.ts';

const Queries = z.object({
  queries: z.array(z.object({ q: z.string(), country: z.array(z.string()).optional() }).passthrough()),
});
const { queries } = parseYamlFile(
  new URL('../eval/search-judgments.yaml', import.meta.url).pathname,
  Queries,
);

const SEQUENTIAL_ROUNDS = 4;
const CONCURRENCY = 8;
const CONCURRENT_REQUESTS = 720;

const agent = new Agent({ connections: CONCURRENCY * 2, keepAliveTimeout: 30_000 });
const out = (line = '') => process.stdout.write(`${line}\n`);

interface Stats {
  p50: number;
  p95: number;
  p99: number;
  perSecond: number;
}

function stats(samples: number[], wallMs: number): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  return { p50: at(50), p95: at(95), p99: at(99), perSecond: (samples.length / wallMs) * 1000 };
}

type Call = (i: number) => Promise<void>;

async function sequential(call: Call): Promise<Stats> {
  const samples: number[] = [];
  const started = performance.now();
  for (let round = 0; round < SEQUENTIAL_ROUNDS; round++) {
    for (let i = 0; i < queries.length; i++) {
      const t = performance.now();
      await call(i);
      samples.push(performance.now() - t);
    }
  }
  return stats(samples, performance.now() - started);
}

async function concurrent(call: Call): Promise<Stats> {
  const samples: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CONCURRENT_REQUESTS) {
        const i = next++;
        const t = performance.now();
        await call(i % queries.length);
        samples.push(performance.now() - t);
      }
    }),
  );
  return stats(samples, performance.now() - started);
}

async function main() {
  const corpus = await indexCorpus();
  // Count the Meilisearch searches one /api/search makes, through the same HTTP client the server uses.
  let meiliRequests = 0;
  let searches = 0;
  const countingClient = new Meilisearch({
    host: corpus.engine.url,
    apiKey: corpus.engine.masterKey,
    httpClient: async (input, init) => {
      meiliRequests++;
      const body = typeof init?.body === 'string' ? init.body : '';
      const multi = /"queries":\[/.test(body)
        ? (JSON.parse(body) as { queries: unknown[] }).queries.length
        : 1;
      searches += multi;
      return meilisearchHttpClient(input, init);
    },
  });
  const app = createApp({ client: countingClient, indexes: corpus.indexes, sources: corpus.sources });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const get = async (url: string, headers: Record<string, string> = {}, body?: string) => {
    const response = await request(url, {
      method: body ? 'POST' : 'GET',
      headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
      body,
      dispatcher: agent,
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}: ${text}`);
  };
  const apiUrl = (i: number, extra = '') => {
    const query = queries[i] as (typeof queries)[number];
    const params = new URLSearchParams({ q: query.q });
    for (const c of query.country ?? []) params.append('country', c);
    return `${base}/api/search?${params}${extra}`;
  };
  const direct: Call = (i) => {
    const query = queries[i] as (typeof queries)[number];
    return get(
      `${corpus.engine.url}/indexes/${corpus.indexes.passages}/search`,
      { authorization: `Bearer ${corpus.engine.masterKey}` },
      JSON.stringify({
        q: query.q,
        filter: query.country?.length
          ? [`country IN [${query.country.map((c) => `"${c}"`).join(', ')}]`, 'latest = true']
          : ['latest = true'],
        limit: 20,
        attributesToHighlight: ['text'],
        attributesToCrop: ['text'],
        cropLength: 40,
        highlightPreTag: HIGHLIGHT_PRE,
        highlightPostTag: HIGHLIGHT_POST,
      }),
    );
  };
  const variants: [string, Call][] = [
    ['Meilisearch direct (1 search)', direct],
    ['/api/search?facets=false', (i) => get(apiUrl(i, '&facets=false'))],
    ['/api/search (with facets)', (i) => get(apiUrl(i))],
  ];

  try {
    // Warm up every path (and Meilisearch's caches) once.
    for (const [, call] of variants) for (let i = 0; i < queries.length; i++) await call(i);
    meiliRequests = 0;
    searches = 0;
    for (let i = 0; i < queries.length; i++) await get(apiUrl(i));
    const perCall = { requests: meiliRequests / queries.length, searches: searches / queries.length };

    const rows: { name: string; seq: Stats; conc: Stats }[] = [];
    for (const [name, call] of variants)
      rows.push({ name, seq: await sequential(call), conc: await concurrent(call) });

    const ms = (n: number) => `${n.toFixed(1)} ms`;
    const pad = (s: string, n: number) => s.padStart(n);
    const directRow = rows[0] as (typeof rows)[number];
    out();
    out(
      `${corpus.passages.length} passages, ${queries.length} queries (eval/search-judgments.yaml), latest editions.`,
    );
    out();
    out(`One request at a time (${SEQUENTIAL_ROUNDS} rounds):`);
    out(`${'path'.padEnd(32)}${pad('p50', 10)}${pad('p95', 10)}${pad('p99', 10)}${pad('p50 ratio', 12)}`);
    for (const r of rows) {
      out(
        `${r.name.padEnd(32)}${pad(ms(r.seq.p50), 10)}${pad(ms(r.seq.p95), 10)}${pad(ms(r.seq.p99), 10)}${pad(`${(r.seq.p50 / directRow.seq.p50).toFixed(2)}×`, 12)}`,
      );
    }
    out();
    out(`${CONCURRENCY} at a time (${CONCURRENT_REQUESTS} requests):`);
    out(`${'path'.padEnd(32)}${pad('req/s', 10)}${pad('p50', 10)}${pad('p95', 10)}${pad('req/s ratio', 13)}`);
    for (const r of rows) {
      out(
        `${r.name.padEnd(32)}${pad(r.conc.perSecond.toFixed(0), 10)}${pad(ms(r.conc.p50), 10)}${pad(ms(r.conc.p95), 10)}${pad(`${(r.conc.perSecond / directRow.conc.perSecond).toFixed(2)}×`, 13)}`,
      );
    }
    out();
    out(
      `One /api/search (with facets) = ${perCall.requests.toFixed(1)} HTTP requests to Meilisearch carrying ${perCall.searches.toFixed(1)} searches (word counts, word forms, hits, older-edition count, facet counts).`,
    );
  } finally {
    server.close();
    await agent.close();
    await corpus.stop();
  }
}

await main();
