/**
 * Typo tolerance in query planning, on real reports: a word the reports spell so elsewhere but that the
 * searched universe lacks is left out with a notice, not matched to another word by typos ("Protestant"
 * finds only "protesting" in the China report); a real misspelling keeps its typo matches. China 2023 (no
 * "Protestant", many "protesting"), Venezuela 2023 ("Protestant" churches).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SearchResponse } from '../../server/schemas.ts';
import { describeWithCorpus } from '../helpers/corpus.ts';
import { type IndexedCorpusReports, indexCorpusReports } from '../helpers/indexed-fixtures.ts';

describeWithCorpus('typo matches in query planning, on real reports', () => {
  let corpus: IndexedCorpusReports;

  beforeAll(async () => {
    corpus = await indexCorpusReports('typos', [
      ['2023', 'china.txt'],
      ['2023', 'venezuela.txt'],
    ]);
    expect(corpus.report.failed).toBe(0);
  });
  afterAll(() => corpus?.cleanup());

  async function search(params: Record<string, string>): Promise<SearchResponse> {
    const response = await corpus.app.request(
      `/api/search?${new URLSearchParams({ facets: 'false', ...params })}`,
    );
    expect(response.status).toBe(200);
    return (await response.json()) as SearchResponse;
  }

  it('leaves out a word found only through another word’s typos, and says so', async () => {
    const result = await search({ q: 'Protestant church', country: 'CN' });
    expect(result.rewrite).toMatchObject({ searched: 'church', ignored: ['Protestant'] });
    expect(result.rewrite?.notice).toContain('No passage contains “Protestant”');
    expect(result.hits.length).toBeGreaterThan(0);
    for (const hit of result.hits) expect(hit.text).toMatch(/church/i);
  });

  it('keeps the word where the reports use it', async () => {
    const result = await search({ q: 'Protestant church', country: 'VE' });
    expect(result.rewrite?.ignored ?? []).toEqual([]);
    expect(result.hits[0]?.text).toMatch(/Protestant/);
  });

  it('keeps the typo matches of a misspelling no report uses', async () => {
    const result = await search({ q: 'extrajudical killings', country: 'VE' });
    expect(result.rewrite?.ignored ?? []).toEqual([]);
    expect(result.hits[0]?.text).toMatch(/extrajudicial/i);
  });
});
