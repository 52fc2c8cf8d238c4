/**
 * Query planning on real reports: known multi-word terms (MS-13 ⇄ Mara Salvatrucha, "domestic violence")
 * are searched as units, and the response says what every result contains. Honduras 2023 (MS-13 by name,
 * domestic violence), Honduras 2024 (abridged: no passage on domestic violence, two on "domestic
 * service"), Haiti and El Salvador 2023 (many gang passages that "mara" alone, a synonym of "gang", finds).
 */

import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FacetValue, Hit, SearchResponse } from '../../server/schemas.ts';
import { escapeHtml } from '../../server/search.ts';
import { createWebApp } from '../../web/app.tsx';
import { describeWithCorpus } from '../helpers/corpus.ts';
import { type IndexedCorpusReports, indexCorpusReports } from '../helpers/indexed-fixtures.ts';

describeWithCorpus('known terms and what every result contains, on real reports', () => {
  let corpus: IndexedCorpusReports;
  let app: IndexedCorpusReports['app'];
  let web: ReturnType<typeof createWebApp>;

  beforeAll(async () => {
    corpus = await indexCorpusReports('terms', [
      ['2023', 'honduras.txt'],
      ['2024', 'honduras.txt'],
      ['2023', 'haiti.txt'],
      ['2023', 'el-salvador.txt'],
    ]);
    expect(corpus.report.failed).toBe(0);
    app = corpus.app;
    web = createWebApp({
      client: corpus.engine.client,
      indexes: corpus.engine.indexes,
      sources: corpus.sources,
    });
  });
  afterAll(() => corpus?.cleanup());

  async function search(params: Record<string, string>): Promise<SearchResponse> {
    const response = await app.request(`/api/search?${new URLSearchParams({ facets: 'false', ...params })}`);
    expect(response.status).toBe(200);
    return (await response.json()) as SearchResponse;
  }

  it.each(['Mara Salvatrucha', 'MS-13', '"Mara Salvatrucha"', 'Mara Salvatrucha gang killings'])(
    '%s puts the MS-13 passages first',
    async (q) => {
      const result = await search({ q, latest: 'false', limit: '5' });
      // The corpus names the gang twice, both times as MS-13 (Honduras 2023).
      expect(result.hits.slice(0, 2).map((h) => h.text)).toEqual([
        expect.stringContaining('MS-13'),
        expect.stringContaining('MS-13'),
      ]);
      expect(result.hits[0]?.highlighted).toContain('<mark>MS-13</mark>');
      if (q !== 'MS-13') {
        expect(result.rewrite?.terms).toEqual([{ term: 'Mara Salvatrucha', spellings: ['ms-13'] }]);
        expect(result.rewrite?.ignored).toEqual([]);
      }
    },
  );

  // "police" as Meilisearch matches it: in the text (with one typo, "policy" too) or in a heading.
  const mentionsPolice = (h: Hit) =>
    /<mark>polic/i.test(h.highlighted) || /polic/i.test(h.sectionPath.join(' '));

  it('falls back to the older editions for a term only they hold, with its synonyms', async () => {
    // Honduras 2024 names no gang as MS-13: by default the 2023 passages are shown, as historical.
    const result = await search({ q: 'Mara Salvatrucha', country: 'HN' });
    expect(result.editions.showingHistorical).toBe(true);
    expect(result.hits.map((h) => h.text)).toEqual([
      expect.stringContaining('MS-13'),
      expect.stringContaining('MS-13'),
    ]);
  });

  it('never splits "domestic violence" into "domestic", and says what the results contain', async () => {
    // The latest Honduras edition has no passage on domestic violence: the term is left out whole (not
    // searched as "domestic", which finds two passages on minimum wages in "domestic service").
    const latest = await search({ q: 'police inaction on domestic violence', country: 'HN' });
    expect(latest.rewrite).toMatchObject({
      searched: 'police',
      ignored: ['inaction', 'domestic violence'],
      olderOnly: ['domestic violence'],
      required: [['police']],
    });
    expect(latest.rewrite?.notice).toContain(
      'No passage of the latest editions contains “domestic violence”, but older editions do',
    );
    expect(latest.hits.length).toBeGreaterThan(0);
    expect(latest.hits.every(mentionsPolice)).toBe(true);
    expect(latest.hits.some((h) => /domestic service/i.test(h.text))).toBe(false);

    // With older editions, passages on domestic violence come first, then passages on the police.
    const all = await search({
      q: 'police inaction on domestic violence',
      country: 'HN',
      latest: 'false',
      limit: '50',
    });
    expect(all.rewrite).toMatchObject({
      ignored: ['inaction'],
      rare: ['domestic violence'],
      required: [['domestic violence'], ['police']],
    });
    expect(all.rewrite?.notice).toContain('results containing “domestic violence” come first');
    const onDomesticViolence = all.hits.findIndex((h) => !/domestic violence/i.test(h.text));
    expect(onDomesticViolence).toBeGreaterThan(2);
    expect(all.hits.slice(onDomesticViolence).every(mentionsPolice)).toBe(true);
    expect(all.hits.some((h) => /domestic service/i.test(h.text) && !mentionsPolice(h))).toBe(false);
  });

  it('keeps a selected facet value on the page, checked, however rare', async () => {
    const topics = (await search({ q: 'gang', latest: 'false', facets: 'true' })).facets?.topic ?? [];
    // The panel lists twelve values a facet; the rarest topic is past them.
    expect(topics.length).toBeGreaterThan(12);
    const rarest = topics.at(-1) as FacetValue;
    const html = await (await web.request(`/?q=gang&latest=false&topic=${rarest.value}`)).text();
    const topicPanel = html.match(/<h3>Topic<\/h3><ul>([\s\S]*?)<\/ul>/)?.[1] ?? '';
    const first = topicPanel.split('</li>')[0] ?? '';
    expect(first).toMatch(/^<li class="selected"><a href="[^"]*" aria-current="true"/);
    expect(first).toContain(`<span class="sr-only">Selected: </span>${escapeHtml(rarest.label)}</a>`);
    expect(topicPanel.match(/<li/g)).toHaveLength(12);
  });

  it('reads an unclosed quote as a phrase to the end and says so', async () => {
    const result = await search({ q: 'gang "prison conditions', latest: 'false' });
    expect(result.rewrite?.searched).toBe('gang "prison conditions"');
    expect(result.rewrite?.notice).toContain('The closing quotation mark was missing');
    expect(result.hits.length).toBeGreaterThan(0);
    expect(result.hits.every((h) => /prison conditions/i.test(h.text))).toBe(true);
  });
});
