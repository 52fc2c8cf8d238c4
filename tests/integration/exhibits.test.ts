/**
 * Exhibit packets and annotated indexes through the API, against the real Meilisearch, on the repository's
 * own fixtures (a generated State Department-style PDF and the Honduras text reports). The produced PDFs
 * are read back with pdf.js: page count, index text, a page number on every page, highlight marks on the
 * cited page.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Passage } from '../../core/contract.ts';
import { createApp } from '../../server/app.ts';
import type { SearchResponse } from '../../server/schemas.ts';
import { type TestEngine, testEngine } from '../helpers/engine.ts';
import { exhibitFolder, readBack } from '../helpers/exhibit-fixtures.ts';
import { type IndexedFixtures, importAndIndex } from '../helpers/indexed-fixtures.ts';

let engine: TestEngine;
let fixtures: IndexedFixtures;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  engine = testEngine();
  fixtures = await importAndIndex(engine, await exhibitFolder());
  app = createApp({
    client: engine.client,
    indexes: engine.indexes,
    sources: fixtures.sources,
    archive: fixtures.archive,
  });
});
afterAll(() => engine.cleanup());

async function find(q: string, filters = ''): Promise<Passage & { citation: { short: string } }> {
  const response = await app.request(`/api/search?q=${encodeURIComponent(q)}&latest=false${filters}`);
  const hit = ((await response.json()) as SearchResponse).hits[0];
  if (!hit) throw new Error(`no passage for ${q}`);
  return hit as unknown as Passage & { citation: { short: string } };
}

async function post(body: unknown): Promise<Response> {
  return app.request('/api/exhibits', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('POST /api/exhibits', () => {
  it('indexed the fixture PDF and the text reports', () => {
    expect(fixtures.report.failed).toBe(0);
    expect(fixtures.report.indexed).toBe(3);
  });

  it('builds one PDF: cover, index, tab dividers, highlighted original pages, typeset sections, certificate, numbered pages', async () => {
    const femicidePdf = await find('femicide indigenous communities', '&country=GT');
    expect(femicidePdf.page).toBeGreaterThan(1);
    const femicideText = await find('femicide remained widespread', '&country=HN&edition=2023');
    const response = await post({
      exhibits: [
        { passages: [femicidePdf.id], claimElement: 'Government unable or unwilling to protect' },
        {
          passages: [femicideText.id],
          claimElement: 'Government unable or unwilling to protect',
          summary: 'Police fail to investigate femicide.',
        },
      ],
      caption: {
        respondent: 'Jane Doe',
        aNumber: 'A012-345-678',
        court: 'San Francisco, California',
        judge: 'Hon. A. Judge',
        nextHearing: '2026-05-04',
        detained: false,
        filer: {
          name: 'Pat Attorney',
          firm: 'Legal Aid',
          address: '1 Main St\nSan Francisco, CA',
          eoirId: 'AB123456',
        },
      },
      certificateOfService: { date: '2026-04-01', method: 'ECAS electronic service' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await response.arrayBuffer());
    writeFileSync('/tmp/ex/packet.pdf', bytes);
    const { pages, title } = await readBack(bytes);
    expect(title).toBe("Respondent's Submission of Country Conditions Evidence");
    // cover, index, tab A, the PDF's title page and the cited page, tab B, the typeset section, certificate
    expect(pages).toHaveLength(8);
    pages.forEach((page, i) => {
      expect(page.text).toContain(`Page ${i + 1} of 8`);
    });
    const [cover, index, tabA, titlePage, citedPage, tabB, typeset, certificate] = pages as typeof pages;
    expect(cover?.text).toContain('EXECUTIVE OFFICE FOR IMMIGRATION REVIEW');
    expect(cover?.text).toContain('JANE DOE');
    expect(cover?.text).toContain('A012-345-678');
    expect(index?.text).toContain('INDEX OF EXHIBITS');
    expect(index?.text).toContain('Guatemala 2023 Human Rights Report');
    expect(index?.text).toContain('Honduras 2023 Human Rights Report');
    expect(index?.text).toMatch(/4–5/);
    expect(tabA?.text).toContain('TAB A');
    expect(titlePage?.text).toContain('Guatemala 2023 Human Rights Report');
    expect(titlePage?.highlights).toHaveLength(0);
    expect(citedPage?.text).toContain('Femicide remained a serious problem');
    expect(citedPage?.highlights.length).toBe(3);
    expect(tabB?.text).toContain('TAB B');
    expect(typeset?.text).toContain('femicide remained widespread');
    expect(typeset?.text).toContain(
      'Source: https://www.state.gov/reports/2023-country-reports-on-human-rights-practices/honduras/',
    );
    expect(typeset?.text).toMatch(/Captured \w+\.? \d+, \d{4}/);
    expect(typeset?.highlights.length).toBeGreaterThan(0);
    expect(certificate?.text).toContain('CERTIFICATE OF SERVICE');
    expect(certificate?.text).toContain('April 1, 2026');
  });
});
