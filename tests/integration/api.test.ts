/**
 * The HTTP API through app.request(), against the real Meilisearch, on the repository's own fixture
 * reports (a 2023 and a 2024 edition for the same country).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awaitTask } from '../../indexer/indexer.ts';
import { passageSettings } from '../../indexer/settings.ts';
import { createApp } from '../../server/app.ts';
import type { Hit, PassageResponse, SearchResponse } from '../../server/schemas.ts';
import { createWebApp } from '../../web/app.tsx';
import { FIXTURES } from '../helpers/corpus.ts';
import { type TestEngine, testEngine } from '../helpers/engine.ts';
import { type IndexedFixtures, importAndIndex } from '../helpers/indexed-fixtures.ts';
import { unreachableClient } from '../helpers/passage-index.ts';

let engine: TestEngine;
let fixtures: IndexedFixtures;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  engine = testEngine();
  fixtures = await importAndIndex(engine, path.join(FIXTURES, 'reports'));
  app = createApp({
    client: engine.client,
    indexes: engine.indexes,
    sources: fixtures.sources,
    version: 'test',
  });
});
afterAll(() => engine.cleanup());

async function search(query: string): Promise<SearchResponse> {
  const response = await app.request(`/api/search?${query}`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return (await response.json()) as SearchResponse;
}

describe('indexing the fixtures', () => {
  it('indexed both editions', () => {
    expect(fixtures.report.indexed).toBe(2);
    expect(fixtures.report.failed).toBe(0);
    expect(fixtures.report.passages).toBeGreaterThan(15);
  });
});

describe('GET /api/search', () => {
  it('returns passages with the contract fields, a section path and a citation', async () => {
    const result = await search('q=femicide&country=HN&latest=false');
    expect(result.hits.length).toBeGreaterThan(0);
    expect(result).toMatchObject({ limit: 20, offset: 0, query: 'femicide' });
    const hit = result.hits.find((h) => h.sectionPath.includes('Women')) as Hit;
    expect(hit).toBeDefined();
    expect(hit.country).toBe('HN');
    expect(hit.edition).toBe(2023);
    expect(hit.source).toBe('us-dos-hrr');
    expect(hit.title).toBe('Honduras 2023 Human Rights Report');
    expect(hit.sectionPath).toEqual([
      'Section 6. Discrimination and Societal Abuses',
      'Women',
      'Rape and Domestic Violence',
    ]);
    expect(hit.paragraph).toBe(1);
    expect(hit.page).toBeNull();
    expect(hit.url).toBe(
      'https://www.state.gov/reports/2023-country-reports-on-human-rights-practices/honduras/',
    );
    expect(hit.grounds).toContain('particular-social-group');
    expect(hit.highlighted).toContain('<mark>femicide</mark>');
    expect(hit.citation.full).toMatch(
      /^U\.S\. Dep't of State, Bureau of Democracy, Human Rights, and Labor, Honduras 2023 Human Rights Report § 6 \(“Women: Rape and Domestic Violence”\) \(2024\), https:\/\/www\.state\.gov\/reports\/2023-country-reports-on-human-rights-practices\/honduras\/ \(last visited \w+\.? \d+, \d{4}\)$/,
    );
    expect(hit.citation.short).toBe('2023 Honduras HRR § 6 (“Women: Rape and Domestic Violence”)');
    expect(hit.permalink).toBe(`http://localhost/passages/${hit.id}`);
  });

  it('escapes crawled text: only our <mark> tags are HTML', async () => {
    const result = await search('q=detainee+cell+marked&country=HN&latest=false');
    const hit = result.hits.find((h) => h.text.includes('<script>'));
    expect(hit?.highlighted).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp;');
    expect(hit?.highlighted).not.toContain('<script>');
    expect(hit?.highlighted.replace(/<\/?mark>/g, '')).not.toMatch(/<[a-z/]/i);
  });

  it('searches the latest edition by default and says when only older editions match', async () => {
    const latest = await search('q=journalists&country=HN');
    expect(latest.editions.mode).toBe('latest');
    expect(latest.hits.every((h) => h.edition === 2024 && h.latest)).toBe(true);
    expect(latest.editions.olderEditionHits).toBeGreaterThan(0);
    expect(latest.editions.notice).toMatch(/older, superseded editions/);

    const onlyOlder = await search('q=femicide&country=HN');
    expect(onlyOlder.editions.showingHistorical).toBe(true);
    expect(onlyOlder.hits.length).toBeGreaterThan(0);
    expect(onlyOlder.hits.every((h) => h.edition === 2023 && !h.latest && h.supersededBy === 2024)).toBe(
      true,
    );
    expect(onlyOlder.editions.notice).toMatch(/No passage in the latest editions matches/);
  });

  it('filters by edition, ground, source, and several countries', async () => {
    const edition = await search('q=journalists&edition=2023');
    expect(edition.editions.mode).toBe('edition');
    expect(edition.hits.every((h) => h.edition === 2023)).toBe(true);
    const ground = await search('country=HN&ground=race&latest=false');
    expect(ground.hits.length).toBeGreaterThan(0);
    expect(ground.hits.every((h) => h.grounds.includes('race'))).toBe(true);
    const repeated = await search('q=journalists&country=HN&country=GT&source=us-dos-hrr&latest=false');
    expect(repeated.hits.every((h) => h.country === 'HN')).toBe(true);
    expect((await search('q=journalists&country=GT,SV')).hits).toEqual([]);
    expect((await search('q=journalists&country=Honduras&latest=false')).hits.length).toBeGreaterThan(0);
  });

  it('does not tag a presidential race as race', async () => {
    const result = await search('q=presidential+race&country=HN&latest=false');
    const hit = result.hits.find((h) => h.text.includes('presidential race'));
    expect(hit).toBeDefined();
    expect(hit?.grounds).not.toContain('race');
  });

  it('pages with limit and offset', async () => {
    const first = await search('country=HN&latest=false&limit=3');
    const second = await search('country=HN&latest=false&limit=3&offset=3');
    expect(first.hits).toHaveLength(3);
    expect(second.hits).toHaveLength(3);
    expect(first.hits.map((h) => h.id)).not.toEqual(expect.arrayContaining(second.hits.map((h) => h.id)));
    // Without words, passages come in report order.
    expect(first.hits.map((h) => h.sectionPath[0])).toContain('Executive Summary');
  });

  it.each([
    ['country=XX', 'country', /"XX" is not a country/],
    ['ground=gender', 'ground', /expected one of race, religion/],
    ['limit=500', 'limit', /from 1 to 100/],
    ['offset=-1', 'offset', /from 0 to 1000/],
    ['edition=twenty', 'edition', /a year such as 2023/],
    ['latest=maybe', 'latest', /true or false/],
    ['source=nope', 'source', /Unknown source "nope"/],
  ])('answers %s with a 400 problem naming %s', async (query, parameter, detail) => {
    const response = await app.request(`/api/search?q=x&${query}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as {
      status: number;
      title: string;
      detail: string;
      errors: { parameter: string }[];
    };
    expect(problem.status).toBe(400);
    expect(problem.title).toBe('Invalid request');
    expect(problem.detail).toMatch(detail);
    expect(problem.errors.map((e) => e.parameter)).toContain(parameter);
  });

  it('cannot be talked into another filter by a crafted value', async () => {
    const response = await app.request(
      `/api/search?q=x&country=${encodeURIComponent('HN" OR country != "XX')}`,
    );
    expect(response.status).toBe(400);
  });
});

describe('GET /api/passages/:id', () => {
  it('returns the passage with its neighbours in report order', async () => {
    const hit = (await search('q=femicide+remained+widespread&country=HN&latest=false')).hits[0] as Hit;
    const response = await app.request(`/api/passages/${hit.id}`);
    expect(response.status).toBe(200);
    const passage = (await response.json()) as PassageResponse;
    expect(passage.id).toBe(hit.id);
    expect(passage.text).toBe(hit.text);
    expect(passage.previous).not.toBeNull();
    expect(passage.next).not.toBeNull();
    const next = (await (await app.request(`/api/passages/${passage.next}`)).json()) as PassageResponse;
    expect(next.previous).toBe(passage.id);
    expect(next.text.startsWith('Shelters')).toBe(true);
  });

  it('has no previous passage at the start of a document', async () => {
    const first = (await search('country=HN&edition=2023&limit=1')).hits[0] as Hit;
    const passage = (await (await app.request(`/api/passages/${first.id}`)).json()) as PassageResponse;
    expect(passage.previous).toBeNull();
  });

  it('answers an unknown id with 404 and a malformed one with 400', async () => {
    const missing = await app.request('/api/passages/us-dos-hrr_hn_2023_doesnotexist');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { detail: string }).detail).toMatch(/No passage has the id/);
    expect((await app.request('/api/passages/bad%20id')).status).toBe(400);
  });
});

describe('other routes', () => {
  it('reports health with document counts', async () => {
    const response = await app.request('/health');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; passages: number; documents: number };
    expect(body).toMatchObject({ status: 'ok', meilisearch: 'available', documents: 2 });
    expect(body.passages).toBe(fixtures.report.passages);
  });

  it('serves an OpenAPI 3.1 document generated from the schemas', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/search', '/api/passages/{id}', '/health']),
    );
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Hit', 'SearchResponse', 'Problem']),
    );
  });

  it('answers unknown paths with a problem', async () => {
    const response = await app.request('/api/nothing-here');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('answers 503 with a plain explanation when nothing is indexed', async () => {
    const empty = createApp({
      client: engine.client,
      indexes: { passages: `${engine.prefix}none`, documents: `${engine.prefix}none_docs` },
      sources: fixtures.sources,
    });
    const response = await empty.request('/api/search?q=x');
    expect(response.status).toBe(503);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/Nothing has been indexed yet/);
  });

  it('answers 503 without the engine address when Meilisearch does not answer', async () => {
    const cut = createApp({
      client: unreachableClient('unused'),
      indexes: engine.indexes,
      sources: fixtures.sources,
    });
    const response = await cut.request('/api/search?q=x');
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const { detail } = (await response.json()) as { detail: string };
    expect(detail).toMatch(/^Meilisearch did not answer\. Try again shortly/);
    expect(detail).not.toContain('127.0.0.1:9');
  });

  it('says on the search page that nothing is indexed yet, rather than that nothing matches', async () => {
    const empty = { passages: `${engine.prefix}empty`, documents: `${engine.prefix}empty_docs` };
    // As the indexer leaves it before the first report is in: created, settings applied, no passage.
    const { client } = engine;
    await awaitTask(client, client.createIndex(empty.passages, { primaryKey: 'id' }), 'Creating');
    await awaitTask(client, client.index(empty.passages).updateSettings(passageSettings()), 'Settings');
    const web = createWebApp({ client: engine.client, indexes: empty, sources: fixtures.sources });
    for (const page of ['/', '/?q=femicide']) {
      const html = await (await web.request(page)).text();
      expect(html, page).toContain('Nothing is indexed yet.');
      expect(html, page).not.toContain('No passage matches');
    }
  });
});
