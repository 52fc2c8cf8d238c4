/**
 * Documents and edition diffs through the HTTP API, on real reports: the 2023 Nicaragua PDF and the 2024
 * Nicaragua text (the 2024 edition's shortened outline dropped Section 6's subsections).
 */

import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DiffResponse, DocumentResponse } from '../../server/documents.ts';
import { describeWithCorpus } from '../helpers/corpus.ts';
import { type IndexedCorpusReports, indexCorpusReports } from '../helpers/indexed-fixtures.ts';

describeWithCorpus('documents and edition diffs on the Nicaragua 2023 PDF and 2024 text', () => {
  let fixtures: IndexedCorpusReports;
  let app: IndexedCorpusReports['app'];

  beforeAll(async () => {
    // A <source>/<edition>/<country> tree (temporary copies), as `countrycite import` reads it.
    fixtures = await indexCorpusReports('ni', [
      ['2023', 'nicaragua.pdf'],
      ['2024', 'nicaragua.txt'],
    ]);
    app = fixtures.app;
  });
  afterAll(() => fixtures?.cleanup());

  async function get<T>(url: string, status = 200): Promise<T> {
    const response = await app.request(url);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(
      status === 200 ? /^application\/json/ : /^application\/problem\+json/,
    );
    return (await response.json()) as T;
  }

  it('gives a document its metadata, outline, editions and the edition that supersedes it', async () => {
    expect(fixtures.report.failed).toBe(0);
    const older = await get<DocumentResponse>('/api/documents/us-dos-hrr_ni_2023');
    expect(older).toMatchObject({
      id: 'us-dos-hrr_ni_2023',
      country: 'NI',
      edition: 2023,
      latest: false,
      supersededBy: 2024,
      format: 'pdf',
      pages: 59,
    });
    expect(older.editions.map((e) => [e.edition, e.latest])).toEqual([
      [2024, true],
      [2023, false],
    ]);
    const women = older.outline.find(
      (o) => o.sectionPath.join(' > ') === 'Section 6. Discrimination and Societal Abuses > Women',
    );
    expect(women?.page).toBe(40);
    expect(women?.passages).toBeGreaterThan(5);
    const newer = await get<DocumentResponse>('/api/documents/us-dos-hrr_ni_2024');
    expect(newer).toMatchObject({
      edition: 2024,
      latest: true,
      supersededBy: null,
      format: 'text',
      pages: null,
    });
    expect(newer.outline.map((o) => o.sectionPath[0])).toContain('Section 3. Security of the Person');
  });

  it('lists what the 2024 edition dropped, added and changed', async () => {
    const diff = await get<DiffResponse>('/api/documents/us-dos-hrr_ni_2024/diff?against=2023');
    expect(diff.from.id).toBe('us-dos-hrr_ni_2023');
    expect(diff.to.id).toBe('us-dos-hrr_ni_2024');
    const removed = diff.sections.removed.map((s) => s.sectionPath.join(' > '));
    for (const dropped of [
      'Section 6. Discrimination and Societal Abuses',
      'Section 6. Discrimination and Societal Abuses > Women',
      'Section 6. Discrimination and Societal Abuses > Acts of Violence, Criminalization, and Other Abuses Based on Sexual Orientation, Gender Identity or Expression, or Sex Characteristics',
      'Section 6. Discrimination and Societal Abuses > Systemic Racial or Ethnic Violence and Discrimination',
    ])
      expect(removed).toContain(dropped);
    expect(diff.sections.added.map((s) => s.sectionPath.join(' > '))).toContain('Section 1. Life');
    // The Executive Summary is in both outlines and its text was revised.
    expect(diff.sections.changed.map((s) => s.sectionPath.join(' > '))).toContain('Executive Summary');
    expect(diff.summary.passages.removed).toBeGreaterThan(diff.summary.passages.added);
    expect(diff.summary.passages.removed).toBe(diff.passages.removed.length);
    const parapolice = diff.passages.changed.find((c) => c.to.text.startsWith('Parapolice'));
    expect(parapolice?.from.sectionPath).toEqual(['Executive Summary']);
    expect(parapolice?.similarity).toBeGreaterThan(0.8);
    expect(parapolice?.textChanged).toBe(true);
    const femicide = diff.passages.removed.find((p) => /femicide/i.test(p.text));
    expect(femicide?.page).toBeGreaterThan(0);
    expect(femicide?.permalink).toMatch(/^http:\/\/localhost\/passages\/us-dos-hrr_ni_2023_/);
  });

  it('reads the diff the other way round too', async () => {
    const forward = await get<DiffResponse>('/api/documents/us-dos-hrr_ni_2024/diff?against=2023');
    const backward = await get<DiffResponse>('/api/documents/us-dos-hrr_ni_2023/diff?against=2024');
    expect(backward.summary.passages.added).toBe(forward.summary.passages.removed);
    expect(backward.summary.passages.removed).toBe(forward.summary.passages.added);
  });

  it('answers bad requests with problem+json that says how to fix them', async () => {
    const same = await get<{ detail: string }>('/api/documents/us-dos-hrr_ni_2024/diff?against=2024', 400);
    expect(same.detail).toMatch(/itself the 2024 edition/);
    const missing = await get<{ detail: string }>('/api/documents/us-dos-hrr_ni_2024/diff?against=2019', 404);
    expect(missing.detail).toMatch(/editions held: 2024, 2023/);
    const notYear = await get<{ errors: { parameter: string }[] }>(
      '/api/documents/us-dos-hrr_ni_2024/diff?against=last',
      400,
    );
    expect(notYear.errors[0]?.parameter).toBe('against');
    const absent = await get<{ errors: { parameter: string }[] }>(
      '/api/documents/us-dos-hrr_ni_2024/diff',
      400,
    );
    expect(absent.errors[0]?.parameter).toBe('against');
    const unknown = await get<{ detail: string }>('/api/documents/us-dos-hrr_xx_2024', 404);
    expect(unknown.detail).toMatch(/No document has the id/);
    await get('/api/documents/bad%20id', 400);
  });

  it('documents both routes in the OpenAPI description', async () => {
    const spec = await get<{ paths: Record<string, unknown> }>('/openapi.json');
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/documents/{id}', '/api/documents/{id}/diff']),
    );
  });
});
