/**
 * /api/search beyond the first contract — query syntax, synonyms, every filter, facets, sort, hit fields —
 * and /api/sources, /api/countries, /docs, through app.request() against the real Meilisearch, on a small
 * index of hand-written passages whose countries, sources, editions and tags are known exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceRegistry } from '../../core/sources.ts';
import { loadTaxonomy } from '../../core/taxonomy.ts';
import { createApp } from '../../server/app.ts';
import type { CountrySummary, FacetValue, Hit, SearchResponse, SourceProfile } from '../../server/schemas.ts';
import { createWebApp } from '../../web/app.tsx';
import { type TestEngine, testEngine } from '../helpers/engine.ts';
import { fixtureTaxonomy, indexPassages, passagesOf } from '../helpers/passage-index.ts';

const LONG_HRW = Array.from(
  { length: 8 },
  (_, i) =>
    `Sentence ${i + 1} of a long Human Rights Watch passage about journalists who faced criminal complaints after reporting on ${i === 6 ? 'a curfew' : 'corruption'} in the capital.`,
).join(' ');

const PASSAGES = passagesOf([
  {
    country: 'GT',
    edition: 2024,
    text: 'Gangs such as MS-13 forcibly recruited children outside schools, and police failed to investigate most complaints.',
    sectionPath: ['Section 1. Life', 'Gang Violence'],
    topics: ['gangs'],
    elements: ['state-protection'],
    grounds: ['particular-social-group'],
  },
  {
    country: 'GT',
    edition: 2024,
    text: 'Domestic violence remained widespread; police rarely responded to calls from women in rural areas.',
    sectionPath: ['Section 6. Discrimination and Societal Abuses', 'Women'],
    topics: ['domestic-violence'],
    elements: ['state-protection'],
    grounds: ['particular-social-group'],
  },
  {
    country: 'GT',
    edition: 2024,
    text: 'Women fleeing abuse could relocate to shelters in the capital, but the shelters were full and few.',
    sectionPath: ['Section 6. Discrimination and Societal Abuses', 'Women'],
    topics: ['domestic-violence'],
    elements: ['internal-relocation'],
    page: 41,
    pageEnd: 41,
  },
  {
    country: 'GT',
    edition: 2024,
    text: 'LGBTI persons reported harassment by police in Guatemala City. Case No. 48213 was closed without charges.',
    sectionPath: ['Section 6. Discrimination and Societal Abuses', 'LGBTQI+ Persons'],
  },
  {
    country: 'GT',
    edition: 2023,
    latest: false,
    supersededBy: 2024,
    text: 'Members of the Mara Salvatrucha recruited children and extorted bus drivers.',
    sectionPath: ['Section 1. Life', 'Gang Violence'],
    topics: ['gangs'],
  },
  {
    country: 'GT',
    edition: 2023,
    latest: false,
    supersededBy: 2024,
    text: 'Women’s shelters reported that state protection for survivors of sexual violence was weak.',
    sectionPath: ['Section 6. Discrimination and Societal Abuses', 'Women'],
  },
  {
    country: 'HN',
    edition: 2024,
    text: 'Guatemalan migrants returned through Honduras faced extortion at the border, and police demanded bribes.',
    sectionPath: ['Section 2. Liberty', 'Migrants'],
    mentions: ['GT'],
  },
  {
    country: 'SV',
    edition: 2024,
    text: 'Intimate partner violence was the most common crime reported by women, and police failed to investigate many reports.',
    sectionPath: ['Section 6. Discrimination and Societal Abuses', 'Women'],
    elements: ['state-protection'],
  },
  {
    country: 'SO',
    edition: 2023,
    text: 'FGM/C remained nearly universal, and authorities rarely prosecuted those who performed it.',
    sectionPath: ['Section 6. Discrimination and Societal Abuses', 'Women'],
  },
  {
    source: 'hrw-wr',
    country: 'GT',
    edition: 2024,
    title: 'World Report 2024: Guatemala',
    publisher: 'Human Rights Watch',
    series: 'World Report',
    license: 'hrw-copyright',
    text: LONG_HRW,
    sectionPath: ['Freedom of Expression'],
  },
  {
    source: 'amnesty-ar',
    country: 'GT',
    edition: 2024,
    title: 'Guatemala 2024',
    publisher: 'Amnesty International',
    series: 'The State of the World’s Human Rights',
    license: 'cc-by-nc-nd-4.0',
    text: 'Human rights defenders in Guatemala faced unfounded criminal proceedings and police surveillance.',
    sectionPath: ['Human rights defenders'],
  },
]);

let engine: TestEngine;
let sources: SourceRegistry;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  engine = testEngine();
  ({ sources } = await indexPassages(engine, PASSAGES));
  app = createApp({
    client: engine.client,
    indexes: engine.indexes,
    sources,
    taxonomy: fixtureTaxonomy,
    version: 'test',
  });
});
afterAll(() => engine.cleanup());

async function search(query: string): Promise<SearchResponse> {
  const response = await app.request(`/api/search?${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as SearchResponse;
}

async function problem(query: string, status = 400) {
  const response = await app.request(`/api/search?${query}`);
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await response.json()) as { detail: string; errors?: { parameter: string }[] };
}

const texts = (r: SearchResponse) => r.hits.map((h) => h.text);

/** Every filter of /api/search, as documented and as the search page offers them. */
const FILTERS = [
  'country',
  'countryScope',
  'ground',
  'topic',
  'element',
  'source',
  'excludeSource',
  'edition',
  'editionFrom',
  'editionTo',
  'latest',
  'sort',
];
const facet = (values: FacetValue[] | undefined, value: string) =>
  values?.find((v) => v.value === value)?.count;

describe('query syntax', () => {
  it('matches a "quoted phrase" only word for word', async () => {
    const result = await search(`q=${encodeURIComponent('"failed to investigate"')}&latest=false`);
    expect(result.hits.length).toBe(2);
    expect(result.hits.every((h) => h.text.includes('failed to investigate'))).toBe(true);
    expect(result.hits[0]?.highlighted).toContain('<mark>failed to investigate</mark>');
  });

  it('leaves out passages with a -word or a -"phrase"', async () => {
    const all = await search('q=police&latest=false');
    expect(all.hits.some((h) => h.text.includes('Domestic violence'))).toBe(true);
    const without = await search(`q=${encodeURIComponent('police -domestic')}&latest=false`);
    expect(without.hits.length).toBe(all.hits.length - 1);
    expect(without.hits.some((h) => /domestic/i.test(h.text))).toBe(false);
    const withoutPhrase = await search(
      `q=${encodeURIComponent('police -"failed to investigate"')}&latest=false`,
    );
    expect(withoutPhrase.hits.some((h) => h.text.includes('failed to investigate'))).toBe(false);
    expect(withoutPhrase.hits.length).toBe(all.hits.length - 2);
  });

  it.each([
    ['FGM', 'FGM/C remained nearly universal'],
    ['female genital mutilation', 'FGM/C remained nearly universal'],
    ['Mara Salvatrucha', 'MS-13 forcibly recruited'],
    ['MS-13', 'Mara Salvatrucha recruited'],
    ['LGBTQI+', 'LGBTI persons reported'],
    ['intimate partner violence', 'Domestic violence remained widespread'],
  ])('applies the taxonomy synonyms: %s finds "%s"', async (q, expected) => {
    const result = await search(`q=${encodeURIComponent(q)}&latest=false`);
    expect(texts(result).some((t) => t.includes(expected))).toBe(true);
  });

  it('searches a term in every spelling the passages use, merged by rank, and counts both', async () => {
    const result = await search(
      `q=${encodeURIComponent('Mara Salvatrucha recruited children')}&latest=false`,
    );
    expect(result.rewrite?.terms).toEqual([
      { term: 'Mara Salvatrucha', spellings: ['mara salvatrucha', 'ms-13'] },
    ]);
    expect(result.rewrite?.searched).toBe(
      '"mara salvatrucha" recruited children | "ms-13" recruited children',
    );
    expect(texts(result).slice(0, 2).sort()).toEqual([
      expect.stringContaining('MS-13 forcibly recruited children'),
      expect.stringContaining('Mara Salvatrucha recruited children'),
    ]);
    expect(result.estimatedTotalHits).toBe(result.hits.length);
    expect(result.facets?.country.map((f) => [f.value, f.count])).toEqual([['GT', 2]]);
  });

  it('leaves out a word no passage contains, and says so', async () => {
    const result = await search('q=police+inaction&latest=false');
    expect(result.rewrite).toMatchObject({ searched: 'police', ignored: ['inaction'], replaced: [] });
    expect(result.hits.length).toBeGreaterThan(3);
    expect((await search('q=police&latest=false')).rewrite).toBeNull();
  });

  it('searches a missing word in the form the passages use', async () => {
    const result = await search('q=recruitment+children&latest=false');
    expect(result.rewrite?.replaced).toEqual([{ word: 'recruitment', with: 'recruited' }]);
    expect(result.hits.map((h) => h.text)).toEqual(
      expect.arrayContaining([expect.stringContaining('recruited children')]),
    );
    expect(result.hits[0]?.highlighted).toContain('<mark>recruited</mark>');
  });

  it('ranks the few passages with a rare word first, then the passages without it', async () => {
    const result = await search('q=police+curfew&latest=false&limit=50');
    expect(result.rewrite?.rare).toEqual(['curfew']);
    expect(result.hits[0]?.text).toContain('curfew');
    const police = result.hits.slice(1);
    expect(police.length).toBeGreaterThan(3);
    expect(police.every((h) => /police/i.test(h.text))).toBe(true);
    expect(result.estimatedTotalHits).toBe(result.hits.length);
    // Paging walks through the same merged list.
    const second = await search('q=police+curfew&latest=false&limit=2&offset=1');
    expect(second.hits.map((h) => h.id)).toEqual(result.hits.slice(1, 3).map((h) => h.id));
  });

  it('counts only the words Meilisearch reads, however long the query', async () => {
    const words = Array.from({ length: 150 }, (_, i) => `zq${i.toString(36)}x`);
    const result = await search(`q=${encodeURIComponent(['police', ...words].join(' '))}&latest=false`);
    // The first ten words are counted (nine unknown ones left out); the rest are searched as typed.
    expect(result.rewrite?.ignored).toHaveLength(9);
  });

  it('allows no typo in a number', async () => {
    expect((await search('q=48213&latest=false')).hits).toHaveLength(1);
    expect((await search('q=48218&latest=false')).hits).toHaveLength(0);
  });
});

describe('filters', () => {
  it('by country: the reports about it, only passages about it alone, or passages elsewhere that name it', async () => {
    const subject = await search('country=GT&latest=false&limit=50');
    expect(subject.hits.every((h) => h.country === 'GT')).toBe(true);
    expect(subject.hits).toHaveLength(8);
    const mentioned = await search('country=GT&countryScope=mentioned&latest=false');
    expect(mentioned.hits.map((h) => h.country)).toEqual(['HN']);
    const either = await search('country=GT&countryScope=either&latest=false&limit=50');
    expect(either.hits).toHaveLength(9);
    const exclusive = await search('country=HN&countryScope=exclusive&latest=false');
    expect(exclusive.hits).toHaveLength(0);
    expect((await search('country=HN&latest=false')).hits).toHaveLength(1);
    const several = await search('country=SV,SO&latest=false');
    expect(new Set(several.hits.map((h) => h.country))).toEqual(new Set(['SV', 'SO']));
  });

  it('by source, included or excluded', async () => {
    const only = await search('country=GT&source=hrw-wr');
    expect(only.hits.map((h) => h.source)).toEqual(['hrw-wr']);
    const without = await search('country=GT&excludeSource=us-dos-hrr');
    expect(new Set(without.hits.map((h) => h.source))).toEqual(new Set(['hrw-wr', 'amnesty-ar']));
    const both = await search('country=GT&excludeSource=us-dos-hrr&excludeSource=hrw-wr');
    expect(both.hits.map((h) => h.source)).toEqual(['amnesty-ar']);
  });

  it('by ground, topic and legal element (any of the values given)', async () => {
    const topic = await search('topic=gangs&latest=false');
    expect(topic.hits).toHaveLength(2);
    const element = await search('element=state-protection');
    expect(new Set(element.hits.map((h) => h.country))).toEqual(new Set(['GT', 'SV']));
    const either = await search('element=state-protection,internal-relocation&country=GT');
    expect(either.hits).toHaveLength(3);
    const combined = await search('topic=domestic-violence&element=internal-relocation');
    expect(texts(combined)).toEqual([expect.stringContaining('relocate to shelters')]);
    const ground = await search('ground=particular-social-group&country=GT');
    expect(ground.hits).toHaveLength(2);
  });

  it('by edition: one, a range, or all editions', async () => {
    const range = await search('country=GT&editionFrom=2023&editionTo=2023');
    expect(range.editions.mode).toBe('edition');
    expect(range.hits.every((h) => h.edition === 2023)).toBe(true);
    expect(range.hits).toHaveLength(2);
    const from = await search('country=GT&editionFrom=2024&limit=50');
    expect(from.hits.every((h) => h.edition === 2024)).toBe(true);
    const latestOnly = await search('q=recruited+children&country=GT');
    expect(latestOnly.editions).toMatchObject({
      mode: 'latest',
      olderEditionHits: 1,
      showingHistorical: false,
    });
    expect(latestOnly.hits.map((h) => h.edition)).toEqual([2024]);
    const all = await search('q=recruited+children&country=GT&latest=false');
    expect(all.hits.map((h) => h.edition).sort()).toEqual([2023, 2024]);
  });

  it('explains a filter value it does not know, listing the known ones', async () => {
    expect((await problem('topic=weather')).detail).toMatch(
      /Unknown topic "weather"; known topics: gangs, domestic-violence/,
    );
    expect((await problem('element=nexus')).detail).toMatch(
      /Unknown legal element "nexus"; known legal elements: state-protection/,
    );
    expect((await problem('excludeSource=nope')).errors?.map((e) => e.parameter)).toEqual(['excludeSource']);
    expect((await problem('countryScope=nearby')).detail).toMatch(
      /countryScope: expected one of subject, exclusive, mentioned, either/,
    );
    expect((await problem('editionFrom=2024&editionTo=2023')).detail).toMatch(
      /after editionTo \(2023\); swap them/,
    );
    expect((await problem('sort=random')).detail).toMatch(/expected one of relevance, newest, oldest/);
  });

  it.each([
    ['country', 'GT" OR country != "XX'],
    ['country', 'GT] OR [country = HN'],
    ['source', 'us-dos-hrr" OR source != "x'],
    ['excludeSource', 'hrw-wr"] OR source IN ["us-dos-hrr'],
    ['topic', 'gangs" OR topics IS NOT EMPTY OR topics = "x'],
    ['element', 'state-protection OR latest = false'],
    ['ground', 'race" OR grounds IS EMPTY OR grounds = "x'],
    ['edition', '2023 OR edition > 0'],
    ['editionFrom', '2023 OR latest = true'],
    ['sort', 'edition:asc'],
  ])('cannot be talked into another filter through %s', async (parameter, value) => {
    const response = await app.request(`/api/search?q=police&${parameter}=${encodeURIComponent(value)}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { parameter: string }[] };
    expect(body.errors.map((e) => e.parameter)).toContain(parameter);
  });
});

describe('facets', () => {
  it('counts every filter, each ignoring its own filter but applying the others', async () => {
    const result = await search('country=GT&latest=false');
    const f = result.facets;
    expect(f).not.toBeNull();
    // The country facet ignores the country filter, so other countries show what choosing them gives.
    expect(facet(f?.country, 'GT')).toBe(8);
    expect(facet(f?.country, 'HN')).toBe(1);
    expect(facet(f?.source, 'us-dos-hrr')).toBe(6);
    expect(facet(f?.source, 'hrw-wr')).toBe(1);
    expect(facet(f?.topic, 'gangs')).toBe(2);
    expect(facet(f?.element, 'state-protection')).toBe(2);
    expect(facet(f?.ground, 'particular-social-group')).toBe(2);
    expect(facet(f?.edition, '2023')).toBe(2);
    expect(facet(f?.latest, 'false')).toBe(2);
    expect(f?.topic.find((v) => v.value === 'gangs')?.label).toBe('Gangs and organized crime');
    expect(f?.country.find((v) => v.value === 'HN')?.label).toBe('Honduras');
    // Most frequent first.
    expect(f?.country[0]?.value).toBe('GT');
  });

  it('counts editions and the latest flag across all editions when only the latest are searched', async () => {
    const result = await search('country=GT');
    expect(result.hits.every((h) => h.latest)).toBe(true);
    expect(facet(result.facets?.edition, '2023')).toBe(2);
    expect(facet(result.facets?.edition, '2024')).toBe(6);
    expect(facet(result.facets?.latest, 'false')).toBe(2);
    // Other facets count the searched universe: the latest editions.
    expect(facet(result.facets?.topic, 'gangs')).toBe(1);
  });

  it('counts other countries named in the passages', async () => {
    const result = await search('country=HN');
    expect(facet(result.facets?.mentions, 'GT')).toBe(1);
  });

  it('counts in the older editions when only they match', async () => {
    const result = await search('q=bus+drivers&country=GT');
    expect(result.editions.showingHistorical).toBe(true);
    expect(facet(result.facets?.topic, 'gangs')).toBe(1);
    expect(facet(result.facets?.country, 'GT')).toBe(1);
  });

  it('are left out on request', async () => {
    expect((await search('q=police&facets=false')).facets).toBeNull();
  });
});

describe('sort', () => {
  it('puts the newest or the oldest edition first', async () => {
    const newest = await search('q=children&latest=false&sort=newest');
    expect(newest.sort).toBe('newest');
    expect(newest.hits.map((h) => h.edition)).toEqual([2024, 2023]);
    const oldest = await search('q=children&latest=false&sort=oldest');
    expect(oldest.hits.map((h) => h.edition)).toEqual([2023, 2024]);
    const oldestFirstWithoutWords = await search('country=GT&latest=false&sort=oldest');
    expect(oldestFirstWithoutWords.hits[0]?.edition).toBe(2023);
  });
});

describe('hits', () => {
  it('carry a highlighted crop, section path, page, edition label, citations and a permalink', async () => {
    const result = await search('q=shelters+capital&country=GT');
    const hit = result.hits[0] as Hit;
    expect(hit.text).toContain('relocate to shelters');
    expect(hit.snippet).toContain('<mark>shelters</mark>');
    expect(hit.highlighted).toContain('<mark>capital</mark>');
    expect(hit.sectionPath).toEqual(['Section 6. Discrimination and Societal Abuses', 'Women']);
    expect(hit.page).toBe(41);
    expect(hit.editionLabel).toBe('2024 edition (latest)');
    expect(hit.citation.full).toContain('§ 6 (“Women”), at 41');
    expect(hit.citation.short).toBe('2024 Guatemala HRR § 6 (“Women”), at 41');
    expect(hit.permalink).toBe(`http://localhost/passages/${hit.id}`);
  });

  it('crop about 40 words around the best match', async () => {
    const result = await search('q=curfew&source=hrw-wr');
    const hit = result.hits[0] as Hit;
    const words = hit.snippet.replace(/<\/?mark>/g, '').split(/\s+/);
    expect(words.length).toBeLessThanOrEqual(42);
    expect(hit.snippet).toMatch(/^….*<mark>curfew<\/mark>.*…$/);
  });

  it('show only the snippet of a source whose licence allows no more', async () => {
    const hit = (await search('q=journalists+corruption&source=hrw-wr')).hits[0] as Hit;
    expect(hit.license.display).toBe('snippet');
    expect(hit.text.length).toBeLessThan(LONG_HRW.length / 2);
    expect(hit.highlighted).toBe(hit.snippet);
  });

  it('label historical editions', async () => {
    const hit = (await search('q=bus+drivers&country=GT')).hits[0] as Hit;
    expect(hit.editionLabel).toBe('2023 edition (historical; superseded by the 2024 edition)');
  });
});

describe('GET /api/sources', () => {
  it('lists every source profile with licence, legal weight, caveats and coverage', async () => {
    const response = await app.request('/api/sources');
    expect(response.status).toBe(200);
    const { sources: list } = (await response.json()) as { sources: SourceProfile[] };
    expect(list.map((s) => s.id)).toEqual(sources.sources.map((s) => s.id));
    const hrr = list.find((s) => s.id === 'us-dos-hrr') as SourceProfile;
    expect(hrr).toMatchObject({ publisher: 'U.S. Department of State', cadence: 'annual' });
    expect(hrr.legalWeight).toMatch(/H-L-H-/);
    expect(hrr.caveats.join(' ')).toMatch(/not evidence that abuse is absent/);
    expect(hrr.license.display).toBe('full-text');
    expect(hrr.coverage).toEqual({
      documents: 5,
      passages: 9,
      countries: ['GT', 'HN', 'SO', 'SV'],
      editions: [2024, 2023],
    });
    expect(list.find((s) => s.id === 'hrw-wr')?.license.display).toBe('snippet');
    expect(list.find((s) => s.id === 'uk-cpin')?.coverage).toEqual({
      documents: 0,
      passages: 0,
      countries: [],
      editions: [],
    });
  });

  it('answers one source, or a 404 naming the known ones', async () => {
    const one = await app.request('/api/sources/hrw-wr');
    expect(((await one.json()) as SourceProfile).coverage?.passages).toBe(1);
    const missing = await app.request('/api/sources/nope');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { detail: string }).detail).toMatch(/Known sources: us-dos-hrr/);
    expect((await app.request('/api/sources/Bad%20Id')).status).toBe(400);
  });

  it('still lists the profiles when nothing is indexed', async () => {
    const empty = createApp({
      client: engine.client,
      indexes: { passages: `${engine.prefix}none`, documents: `${engine.prefix}none_docs` },
      sources,
    });
    const response = await empty.request('/api/sources');
    expect(response.status).toBe(200);
    const { sources: list } = (await response.json()) as { sources: SourceProfile[] };
    expect(list[0]?.coverage).toBeNull();
  });
});

describe('GET /api/countries', () => {
  it('counts documents, passages, latest passages and mentions elsewhere', async () => {
    const response = await app.request('/api/countries');
    expect(response.status).toBe(200);
    const { countries } = (await response.json()) as { countries: CountrySummary[] };
    expect(countries.map((c) => c.code)).toEqual(['SV', 'GT', 'HN', 'SO']);
    expect(countries.find((c) => c.code === 'GT')).toEqual({
      code: 'GT',
      name: 'Guatemala',
      documents: 4,
      passages: 8,
      latestPassages: 6,
      mentionedIn: 1,
      editions: [2024, 2023],
      sources: ['amnesty-ar', 'hrw-wr', 'us-dos-hrr'],
    });
    expect(countries.find((c) => c.code === 'HN')?.mentionedIn).toBe(0);
  });
});

describe('OpenAPI and /docs', () => {
  it('describes every endpoint, parameter and the optional API key', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, { get: { parameters?: { name: string }[]; responses: Record<string, unknown> } }>;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/search',
        '/api/passages/{id}',
        '/api/sources',
        '/api/sources/{id}',
        '/api/countries',
      ]),
    );
    const params = doc.paths['/api/search']?.get.parameters?.map((p) => p.name);
    expect(params).toEqual(expect.arrayContaining(['q', ...FILTERS, 'facets', 'limit', 'offset']));
    expect(Object.keys(doc.paths['/api/search']?.get.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '401', '429', '503']),
    );
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Facets', 'FacetValue', 'SourceProfile', 'CountrySummary', 'Problem']),
    );
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('serves a browsable reference from local files only', async () => {
    const page = await app.request('/docs');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('/docs/assets/swagger-ui-bundle.js');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    for (const [asset, type] of [
      ['swagger-ui-bundle.js', /javascript/],
      ['swagger-ui.css', /css/],
      ['init.js', /javascript/],
    ] as const) {
      const response = await app.request(`/docs/assets/${asset}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(type);
    }
    expect(await (await app.request('/docs/assets/init.js')).text()).toContain("url: '/openapi.json'");
    expect((await app.request('/docs/assets/package.json')).status).toBe(404);
  });
});

describe('contract blemishes a client would trip over', () => {
  async function problem(response: Response, status: number) {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    return (await response.json()) as { detail: string; errors?: { parameter: string; message: string }[] };
  }

  it('emits only flag-free ECMA patterns, and examples of the right kind of id', async () => {
    const doc = await (await app.request('/openapi.json')).text();
    const patterns = [...doc.matchAll(/"pattern":("(?:[^"\\]|\\.)*")/g)].map((m) =>
      JSON.parse(m[1] as string),
    );
    expect(patterns.length).toBeGreaterThan(3);
    for (const pattern of patterns) {
      expect(pattern).not.toMatch(/\/[a-z]*$/);
      expect(() => new RegExp(pattern, 'u')).not.toThrow();
    }
    type Property = { pattern?: string; items?: { example?: string } };
    const { schemas } = (
      JSON.parse(doc) as { components: { schemas: Record<string, { properties: Record<string, Property> }> } }
    ).components;
    const property = (schema: string, name: string): Property => schemas[schema]?.properties[name] ?? {};
    const aNumber = new RegExp(property('Caption', 'aNumber').pattern ?? '');
    for (const valid of ['A012-345-678', 'a012345678', '012 345 67']) expect(aNumber.test(valid)).toBe(true);
    expect(aNumber.test('B012-345-678')).toBe(false);
    // A document id is <source>_<country>_<edition>; a passage id adds a hash.
    expect(property('ExhibitSpec', 'documents').items?.example).toBe('us-dos-hrr_ni_2023');
    expect(property('ExhibitSpec', 'passages').items?.example).toMatch(/^us-dos-hrr_[a-z]{2}_\d{4}_.+/);
  });

  it('answers a known path with the wrong method 405, naming the allowed ones', async () => {
    const post = await app.request('/api/search', { method: 'POST' });
    expect((await problem(post, 405)).detail).toContain('GET');
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const del = await app.request('/api/passages/abc', { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect((await app.request('/api/exhibits')).headers.get('allow')).toBe('POST');
    await problem(await app.request('/api/nothing-here', { method: 'POST' }), 404);
  });

  it('says in plain words which field is wrong and what it takes', async () => {
    const format = await problem(await app.request('/api/passages/x/citation?format=bibtex'), 400);
    expect(format.errors).toEqual([{ parameter: 'format', message: 'expected one of text, csl-json, ris' }]);
    const post = (body: unknown) =>
      app.request('/api/exhibits', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const empty = await problem(await post({}), 400);
    expect(empty.errors).toEqual([{ parameter: 'exhibits', message: 'is required (a list)' }]);
    const nested = await problem(await post({ exhibits: [{ passages: 'x' }] }), 400);
    expect(nested.errors?.[0]).toEqual({
      parameter: 'exhibits[0].passages',
      message: 'expected a list, not text',
    });
    for (const p of [format, empty, nested]) expect(p.detail).not.toMatch(/Invalid (option|input)|received/);
  });

  it('reads every boolean parameter the same strict way', async () => {
    for (const bad of ['facets=no', 'facets=1', 'latest=maybe', 'latest=yes']) {
      const [name] = bad.split('=');
      const body = await problem(await app.request(`/api/search?${bad}`), 400);
      expect(body.errors).toEqual([{ parameter: name, message: 'expected true or false' }]);
    }
    expect((await app.request('/api/search?facets=false&latest=true')).status).toBe(200);
  });

  it('gives topic and element ids from the taxonomy as examples', async () => {
    const taxonomy = loadTaxonomy();
    const topic = await problem(await app.request('/api/search?topic=Domestic'), 400);
    const example = topic.detail.match(/such as ([a-z0-9-]+)/)?.[1];
    expect(taxonomy.topics.map((t) => t.id)).toContain(example);
    const element = await problem(await app.request('/api/search?element=Nexus'), 400);
    expect(taxonomy.elements.map((t) => t.id)).toContain(element.detail.match(/such as ([a-z0-9-]+)/)?.[1]);
  });
});

describe('the search page', () => {
  it('offers every filter, counts for each, and says what was searched', async () => {
    const web = createWebApp({
      client: engine.client,
      indexes: engine.indexes,
      sources,
      taxonomy: fixtureTaxonomy,
    });
    const response = await web.request('/?q=police+inaction&country=GT&latest=false');
    expect(response.status).toBe(200);
    const html = await response.text();
    for (const name of FILTERS) {
      expect(html).toContain(`name="${name}"`);
    }
    expect(html).toContain('No passage contains “inaction”; searched without it.');
    expect(html).toMatch(/<aside class="facets"[\s\S]*Honduras<\/a> <span class="count">1<\/span>/);
    expect(html).toContain('href="/?q=police+inaction&amp;country=HN&amp;latest=false"');
    // Filters alone browse passages in report order.
    const browse = await (await web.request('/?topic=gangs&latest=false')).text();
    expect(browse).toContain('MS-13 forcibly recruited');
  });
});
