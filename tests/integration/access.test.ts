/**
 * API keys, rate limits and CORS through app.request(), against the real Meilisearch; and the promise that
 * the Meilisearch key never leaves the server, whatever is asked and whatever goes wrong.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceRegistry } from '../../core/sources.ts';
import { awaitTask } from '../../indexer/indexer.ts';
import { type AccessPolicy, WEB_PAGE_PER_MINUTE } from '../../server/access.ts';
import { type AppDeps, createApp } from '../../server/app.ts';
import { KeyStore } from '../../server/keys.ts';
import type { SearchResponse } from '../../server/schemas.ts';
import { createWebApp } from '../../web/app.tsx';
import { type TestEngine, testEngine } from '../helpers/engine.ts';
import { fixtureTaxonomy, indexPassages, passagesOf, unreachableClient } from '../helpers/passage-index.ts';

let engine: TestEngine;
let sources: SourceRegistry;
let keys: KeyStore;
let deps: AppDeps;

const PASSAGES = passagesOf([
  { country: 'GT', edition: 2024, text: 'Police failed to investigate threats against journalists.' },
  { country: 'HN', edition: 2024, text: 'Police rarely responded to reports of domestic violence.' },
]);

beforeAll(async () => {
  engine = testEngine();
  ({ sources } = await indexPassages(engine, PASSAGES));
  keys = KeyStore.inDataDir(await mkdtemp(path.join(os.tmpdir(), 'countrycite-keys-')));
  deps = { client: engine.client, indexes: engine.indexes, sources, taxonomy: fixtureTaxonomy };
});
afterAll(() => engine.cleanup());

function appWith(policy: Partial<AccessPolicy>, extra: Partial<AppDeps> = {}) {
  return createApp({
    ...deps,
    access: { keys, anonymousPerMinute: 60, keyPerMinute: 600, trustProxy: false, ...policy },
    ...extra,
  });
}

const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

async function problemOf(response: Response) {
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await response.json()) as { status: number; title: string; detail: string };
}

describe('API keys', () => {
  it('are required when anonymous calls are off, and the 401 says how to get one', async () => {
    const app = appWith({ anonymousPerMinute: 0 });
    const response = await app.request('/api/search?q=police');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const problem = await problemOf(response);
    expect(problem.title).toBe('API key required');
    expect(problem.detail).toMatch(/Authorization: Bearer <key>.*countrycite keys create/);
  });

  it('let a keyed client in, by Authorization or X-API-Key, with rate-limit headers', async () => {
    const app = appWith({ anonymousPerMinute: 0 });
    const { key } = await keys.create({ name: 'Clinic' });
    const response = await app.request('/api/search?q=police', bearer(key));
    expect(response.status).toBe(200);
    expect(((await response.json()) as SearchResponse).hits.length).toBe(2);
    expect(response.headers.get('ratelimit-limit')).toBe('600');
    expect(response.headers.get('ratelimit-remaining')).toBe('599');
    expect(Number(response.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    expect((await app.request('/api/sources', { headers: { 'x-api-key': key } })).status).toBe(200);
  });

  it('refuse an unknown key instead of treating the caller as anonymous', async () => {
    const app = appWith({ anonymousPerMinute: 60 });
    const response = await app.request('/api/search?q=police', bearer('cck_not-a-key-we-issued'));
    expect(response.status).toBe(401);
    expect((await problemOf(response)).title).toBe('Invalid API key');
  });

  it('stop working as soon as they are revoked, while the server runs', async () => {
    const app = appWith({ anonymousPerMinute: 0 });
    const { key, record } = await keys.create({ name: 'Former partner' });
    expect((await app.request('/api/countries', bearer(key))).status).toBe(200);
    await keys.revoke(record.id);
    const response = await app.request('/api/countries', bearer(key));
    expect(response.status).toBe(401);
    const problem = await problemOf(response);
    expect(problem.title).toBe('API key revoked');
    expect(problem.detail).toContain(record.shown);
  });

  it('answer 503, not a stack trace, when the keys file is damaged', async () => {
    const damaged = new KeyStore(path.join(os.tmpdir(), `countrycite-damaged-${process.pid}.json`));
    await writeFile(damaged.file, '{ not json');
    const response = await appWith({ keys: damaged }).request('/api/search?q=police', bearer('cck_x'));
    expect(response.status).toBe(503);
    expect((await problemOf(response)).detail).toMatch(/cannot read its API keys/);
    await rm(damaged.file, { force: true });
  });

  it('let the web UI’s own scripts in without a key, at the web page rate', async () => {
    const app = appWith({ anonymousPerMinute: 0 });
    const page = { headers: { 'sec-fetch-site': 'same-origin' } };
    const response = await app.request('/api/search?q=police', page);
    expect(response.status).toBe(200);
    expect(response.headers.get('ratelimit-limit')).toBe(String(WEB_PAGE_PER_MINUTE));
    const elsewhere = await app.request('/api/search?q=police', {
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(elsewhere.status).toBe(401);
  });

  it('leave the same-origin web UI, the health check and the API description open', async () => {
    const web = createWebApp({
      ...deps,
      access: { keys, anonymousPerMinute: 0, keyPerMinute: 600, trustProxy: false },
    });
    const page = await web.request('/?q=police');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<mark>Police</mark>');
    expect((await web.request('/openapi.json')).status).toBe(200);
    expect((await web.request('/health')).status).toBe(200);
    expect((await web.request('/docs')).status).toBe(200);
    expect((await web.request('/api/search?q=police')).status).toBe(401);
  });
});

describe('rate limits', () => {
  it('answer 429 with Retry-After once a key has used its rate', async () => {
    const app = appWith({});
    const { key } = await keys.create({ name: 'Small', ratePerMinute: 3 });
    for (let i = 0; i < 3; i++)
      expect((await app.request('/api/search?q=police', bearer(key))).status).toBe(200);
    const response = await app.request('/api/search?q=police', bearer(key));
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(response.headers.get('ratelimit-remaining')).toBe('0');
    const problem = await problemOf(response);
    expect(problem.status).toBe(429);
    expect(problem.detail).toMatch(/may make 3 requests a minute\. Try again in \d+ s/);
  });

  it('count each key on its own', async () => {
    const app = appWith({ keyPerMinute: 2 });
    const first = (await keys.create({ name: 'First' })).key;
    const second = (await keys.create({ name: 'Second' })).key;
    await app.request('/api/countries', bearer(first));
    await app.request('/api/countries', bearer(first));
    expect((await app.request('/api/countries', bearer(first))).status).toBe(429);
    expect((await app.request('/api/countries', bearer(second))).status).toBe(200);
  });

  it('hold anonymous callers to a lower rate per address, and say a key lifts it', async () => {
    const app = appWith({ anonymousPerMinute: 2, trustProxy: true });
    const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });
    expect((await app.request('/api/search?q=police', from('203.0.113.7'))).status).toBe(200);
    expect((await app.request('/api/search?q=police', from('203.0.113.7'))).status).toBe(200);
    const limited = await app.request('/api/search?q=police', from('203.0.113.7'));
    expect(limited.status).toBe(429);
    expect((await problemOf(limited)).detail).toMatch(/without an API key are limited to 2 a minute/);
    expect((await app.request('/api/search?q=police', from('198.51.100.1'))).status).toBe(200);
  });

  it('apply to the API only', async () => {
    const app = appWith({ anonymousPerMinute: 1 });
    await app.request('/api/countries');
    expect((await app.request('/api/countries')).status).toBe(429);
    expect((await app.request('/openapi.json')).status).toBe(200);
  });
});

describe('CORS', () => {
  const origin = 'https://clinic.example';

  it('is off unless configured', async () => {
    const response = await appWith({}).request('/api/search?q=police', { headers: { origin } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets configured origins embed the API, with the key header and the limit headers', async () => {
    const app = appWith({ anonymousPerMinute: 1 }, { corsOrigins: [origin] });
    const preflight = await app.request('/api/search?q=police', {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/i);
    const ok = await app.request('/api/search?q=police', { headers: { origin } });
    expect(ok.headers.get('access-control-allow-origin')).toBe(origin);
    expect(ok.headers.get('access-control-expose-headers')).toMatch(/Retry-After/);
    const limited = await app.request('/api/search?q=police', { headers: { origin } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('access-control-allow-origin')).toBe(origin);
    const stranger = await app.request('/api/search?q=police', {
      headers: { origin: 'https://elsewhere.example' },
    });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('accepts any origin with "*"', async () => {
    const response = await appWith({}, { corsOrigins: ['*'] }).request('/api/countries', {
      headers: { origin: 'https://anyone.example' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('the Meilisearch key', () => {
  async function everything(app: ReturnType<typeof createApp>, id: string): Promise<string[]> {
    const paths = [
      '/api/search?q=police',
      '/api/search?q=police&country=GT&latest=false&facets=true',
      '/api/search?q=x&country=XX',
      `/api/passages/${id}`,
      '/api/passages/nope',
      '/api/sources',
      '/api/sources/us-dos-hrr',
      '/api/countries',
      '/health',
      '/openapi.json',
      '/docs',
      '/docs/assets/init.js',
      '/nothing-here',
    ];
    const seen: string[] = [];
    for (const p of paths) {
      const response = await app.request(p);
      seen.push(`${p} ${response.status} ${JSON.stringify([...response.headers])} ${await response.text()}`);
    }
    return seen;
  }

  it('never appears in any answer, including errors', async () => {
    const id = PASSAGES[0]?.id ?? '';
    const answers = [
      ...(await everything(createApp(deps), id)),
      // Meilisearch down: 503s that explain, without the key.
      ...(await everything(createApp({ ...deps, client: unreachableClient(engine.key) }), id)),
    ];
    // Meilisearch rejecting a request (an index without our settings): a 502 quoting Meilisearch's message.
    const bare = `${engine.prefix}bare`;
    await awaitTask(
      engine.client,
      engine.client.index(bare).addDocuments([PASSAGES[0] ?? {}], { primaryKey: 'id' }),
      'bare index',
    );
    const rejected = await createApp({ ...deps, indexes: { passages: bare, documents: bare } }).request(
      '/api/search?q=police&country=GT',
    );
    expect(rejected.status).toBe(502);
    answers.push(await rejected.text());
    expect(answers.some((a) => a.includes(' 503 '))).toBe(true);
    for (const answer of answers) expect(answer).not.toContain(engine.key);
    await engine.client.deleteIndexIfExists(bare);
  });
});
