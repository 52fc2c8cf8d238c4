/**
 * Exhibit packets and annotated indexes through the API, against the real Meilisearch, on the repository's
 * own fixtures (a generated State Department-style PDF and the Honduras text reports). The produced PDFs
 * are read back with pdf.js: page count, index text, a page number on every page, highlight marks on the
 * cited page.
 */
import { writeFileSync } from 'node:fs';
import JSZip from 'jszip';
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
    if (process.env.COUNTRYCITE_KEEP_PACKET) writeFileSync(process.env.COUNTRYCITE_KEEP_PACKET, bytes);
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

  it('includes a whole document when asked, with its cited passage still highlighted', async () => {
    const passage = await find('femicide indigenous communities', '&country=GT');
    const response = await post({ exhibits: [{ documents: [passage.documentId], passages: [passage.id] }] });
    expect(response.status).toBe(200);
    const { pages } = await readBack(new Uint8Array(await response.arrayBuffer()));
    const marked = pages.filter((p) => p.highlights.length > 0);
    expect(marked).toHaveLength(1);
    expect(marked[0]?.text).toContain('Femicide remained a serious problem');
    // cover + index + divider + every page of the original report
    expect(pages.length).toBeGreaterThan(3 + (passage.page ?? 0));
  });
});

describe('the annotated exhibit index', () => {
  async function request(format: string) {
    const pdfPassage = await find('femicide indigenous communities', '&country=GT');
    const textPassage = await find('femicide remained widespread', '&country=HN&edition=2023');
    const body = {
      format,
      caption: { respondent: 'Jane Doe', aNumber: 'A012345678' },
      exhibits: [
        {
          passages: [pdfPassage.id],
          claimElement: 'Failure of state protection',
          summary: 'Police fail to investigate femicide.',
        },
        { passages: [textPassage.id], claimElement: 'Nexus' },
        { passages: [textPassage.id] },
      ],
    };
    return { response: await post(body), pdfPassage, textPassage, body };
  }

  it('pins every cited passage to its packet page as "Exh. A at 5", grouped by claim element (Markdown)', async () => {
    const { response, pdfPassage } = await request('index-md');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/markdown/);
    const text = await response.text();
    expect(text).toContain('# Annotated Index of Exhibits');
    expect(text).toContain('In the Matter of Jane Doe (A012345678)');
    expect(text).toContain('## Failure of state protection');
    expect(text).toContain('## Nexus');
    expect(text).toContain('## Country conditions');
    // The PDF's cited page is the second original page copied: packet page 5 (cover, index, tab, title page).
    expect(text).toContain(
      `| A | 3–5 | *Guatemala 2023 Human Rights Report*: Police fail to investigate femicide. | Exh. A at 5 (2023 Guatemala HRR § 6 (“Women”), at ${pdfPassage.page}) |`,
    );
    expect(text).toMatch(
      /\| B \| 6–7 \| \*Honduras 2023 Human Rights Report\*: “Rape and Domestic Violence: The law criminalized rape and domestic violence\.” \| Exh\. B at 7 /,
    );

    // The same request as a packet: page 5 is the one with the highlight.
    const { body } = await request('pdf');
    const packet = await readBack(
      new Uint8Array(await (await post({ ...body, format: 'pdf' })).arrayBuffer()),
    );
    expect(packet.pages[4]?.highlights.length).toBeGreaterThan(0);
    expect(packet.pages[4]?.text).toContain('Exh. A · Page 5 of');
  });

  it('writes an editable Word document', async () => {
    const { response } = await request('index-docx');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    const zip = await JSZip.loadAsync(await response.arrayBuffer());
    const xml = (await zip.file('word/document.xml')?.async('string')) ?? '';
    const text = xml.replace(/<[^>]+>/g, '');
    expect(text).toContain('Annotated Index of Exhibits');
    expect(text).toContain('Failure of state protection');
    expect(text).toContain('Exh. A at 5');
    expect(text).toContain('Exh. B at 7');
  });

  it('writes a PDF with the same pin cites and page numbers', async () => {
    const { response } = await request('index-pdf');
    expect(response.status).toBe(200);
    const { pages } = await readBack(new Uint8Array(await response.arrayBuffer()));
    expect(pages).toHaveLength(1);
    expect(pages[0]?.text).toContain('ANNOTATED INDEX OF EXHIBITS');
    expect(pages[0]?.text).toContain('Exh. A at 5');
    expect(pages[0]?.text).toContain('Page 1 of 1');
  });
});

describe('bad exhibit requests', () => {
  async function problem(response: Response, status: number) {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    return (await response.json()) as {
      title: string;
      detail: string;
      errors?: { parameter: string; message: string }[];
    };
  }

  it('names every unknown passage and document id', async () => {
    const known = await find('femicide remained widespread', '&country=HN&edition=2023');
    const body = await problem(
      await post({
        exhibits: [
          { passages: [known.id, 'us-dos-hrr_hn_2023_nosuchpassage00'], documents: ['us-dos-hrr_xx_1999'] },
        ],
      }),
      422,
    );
    expect(body.errors).toEqual([
      {
        parameter: 'exhibits[0].passages[1]',
        message: 'no passage has the id "us-dos-hrr_hn_2023_nosuchpassage00"',
      },
      { parameter: 'exhibits[0].documents[0]', message: 'no document has the id "us-dos-hrr_xx_1999"' },
    ]);
    expect(body.detail).toContain('search again');
  });

  it('refuses an empty packet and an empty exhibit', async () => {
    expect((await problem(await post({ exhibits: [] }), 400)).detail).toContain('at least one exhibit');
    expect((await problem(await post({ exhibits: [{ passages: [] }] }), 400)).detail).toContain(
      'at least one passage or document',
    );
    expect((await problem(await post({}), 400)).errors?.[0]?.parameter).toBe('exhibits');
  });

  it('refuses an oversized request', async () => {
    const ids = Array.from({ length: 6000 }, (_, i) => `us-dos-hrr_hn_2023_${String(i).padStart(40, '0')}`);
    const body = await problem(await post({ exhibits: [{ passages: ids }] }), 413);
    expect(body.detail).toMatch(/over 256 KiB/);
    const many = Array.from({ length: 301 }, (_, i) => `p${i}`);
    expect((await problem(await post({ exhibits: [{ passages: many }] }), 400)).detail).toContain(
      'at most 300 passages per exhibit',
    );
  });

  it('refuses malformed JSON and bad caption fields with the field named', async () => {
    const response = await app.request('/api/exhibits', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"exhibits": [',
    });
    expect(response.status).toBe(400);
    const body = await problem(
      await post({
        exhibits: [{ documents: ['us-dos-hrr_hn_2023'] }],
        caption: { aNumber: 'twelve', nextHearing: 'soon' },
      }),
      400,
    );
    expect(body.detail).toContain('A-number');
    expect(body.detail).toContain('YYYY-MM-DD');
  });
});

describe('GET /api/passages/{id}/citation', () => {
  it('gives the citation forms, CSL-JSON and RIS', async () => {
    const passage = await find('femicide indigenous communities', '&country=GT');
    const text = (await (await app.request(`/api/passages/${passage.id}/citation`)).json()) as {
      short: string;
      lastVisited: string;
    };
    expect(text.short).toBe(`2023 Guatemala HRR § 6 (“Women”), at ${passage.page}`);
    const csl = await app.request(`/api/passages/${passage.id}/citation?format=csl-json`);
    expect(csl.headers.get('content-type')).toMatch(/^application\/vnd\.citationstyles\.csl\+json/);
    const [item] = (await csl.json()) as { id: string; type: string; page: string }[];
    expect(item).toMatchObject({ id: passage.id, type: 'report', page: String(passage.page) });
    const risResponse = await app.request(`/api/passages/${passage.id}/citation?format=ris`);
    expect(risResponse.headers.get('content-type')).toMatch(/^application\/x-research-info-systems/);
    expect(await risResponse.text()).toMatch(/^TY {2}- RPRT\r\n/);
    expect((await app.request('/api/passages/nosuch/citation')).status).toBe(404);
    expect((await app.request(`/api/passages/${passage.id}/citation?format=bibtex`)).status).toBe(400);
  });

  it('is documented in the OpenAPI document with the exhibit route', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/exhibits', '/api/passages/{id}/citation']),
    );
  });
});

describe('a source PDF that cannot be opened', () => {
  it('still builds the packet, with a text rendering of the cited section and a note saying why', async () => {
    const passage = await find('femicide indigenous communities', '&country=GT');
    writeFileSync(fixtures.archive.blobPath(passage.capture.sha256), '%PDF-1.7\nthis file was damaged');
    const response = await post({ exhibits: [{ passages: [passage.id] }] });
    expect(response.status).toBe(200);
    const { pages } = await readBack(new Uint8Array(await response.arrayBuffer()));
    const [, , divider, rendering] = pages;
    expect(divider?.text).toContain('The original pages could not be included');
    expect(rendering?.text).toContain('Femicide remained a serious problem');
    expect(rendering?.text).toContain(`[p. ${passage.page}]`);
    expect(rendering?.highlights.length).toBeGreaterThan(0);
    pages.forEach((page, i) => {
      expect(page.text).toContain(`Page ${i + 1} of ${pages.length}`);
    });
  });
});
