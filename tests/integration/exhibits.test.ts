/**
 * Exhibit packets and annotated indexes through the API, against the real Meilisearch, on the repository's
 * own fixtures (a generated State Department-style PDF and the Honduras text reports). The produced PDFs
 * are read back with pdf.js: page count, index text, a page number on every page, highlight marks on the
 * cited page.
 */
import { writeFileSync } from 'node:fs';
import JSZip from 'jszip';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Passage } from '../../core/contract.ts';
import { createApp } from '../../server/app.ts';
import type { SearchResponse } from '../../server/schemas.ts';
import { type TestEngine, testEngine } from '../helpers/engine.ts';
import {
  annotatedRows,
  exhibitFolder,
  pinProblems,
  readBack,
  stampedTabs,
  tabRanges,
} from '../helpers/exhibit-fixtures.ts';
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
    // Tab A runs from its divider (page 3) to its last original page.
    expect(index?.text).toMatch(/ 3–5 /);
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
    expect(certificate?.text.replace(/\s+/g, ' ')).toContain(
      "I, Pat Attorney, certify that on April 1, 2026, I served a complete copy of this Respondent's Submission of Country Conditions Evidence (Tabs A–B, pages 1–8, this certificate included) on DHS/ICE Office of the Principal Legal Advisor by ECAS electronic service.",
    );
    expect(certificate?.text).toContain('In the Matter of Jane Doe, File No. A012-345-678');
    expect(certificate?.text).not.toContain('any attached pages');
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

describe('page ranges and pin cites', () => {
  it('agree between the index of exhibits, the tab dividers, the annotated index and the pages themselves', async () => {
    const pdfPassage = await find('femicide indigenous communities', '&country=GT');
    const acrossPages = await find('Observers reported 11 incidents', '&country=GT');
    expect(acrossPages.pageEnd).toBeGreaterThan(acrossPages.page ?? 0);
    const rape = await find('rape domestic violence', '&country=HN&edition=2023');
    const shelters = await find('shelters survivors', '&country=HN&edition=2023');
    const unions = await find('union leaders threats employers', '&country=HN&edition=2023');
    const press = await find('journalists death threats', '&country=HN&edition=2024');
    const body = {
      exhibits: [
        { passages: [pdfPassage.id, acrossPages.id], claimElement: 'Persecution' },
        // Two passages of one section on one page: one pin cite.
        { passages: [rape.id, shelters.id], claimElement: 'Nexus' },
        { documents: [press.documentId], passages: [rape.id], claimElement: 'Persecution' },
        { passages: [press.id] },
        { documents: [rape.documentId], passages: [rape.id, unions.id], claimElement: 'Nexus' },
      ],
      certificateOfService: true,
    };
    const passagesOf: Record<string, Passage[]> = {
      A: [pdfPassage, acrossPages],
      B: [rape, shelters],
      C: [rape],
      D: [press],
      E: [rape, unions],
    };
    const packet = await readBack(new Uint8Array(await (await post(body)).arrayBuffer()));
    const total = packet.pages.length;
    const tabs = stampedTabs(packet.pages);
    // Each exhibit's pages, as printed on them: the divider first.
    const actual = tabRanges(tabs);
    expect([...actual.keys()]).toEqual(['A', 'B', 'C', 'D', 'E']);
    const span = (r: { first: number; last: number }) =>
      r.first === r.last ? `${r.first}` : `${r.first}–${r.last}`;
    expect(packet.pages[(actual.get('B')?.first ?? 0) - 1]?.text).toContain(
      'Historical edition: the 2023 edition, superseded by the 2024 edition.',
    );
    for (const [tab, range] of actual) {
      expect(packet.pages[range.first - 1]?.text, `divider of ${tab}`).toContain(`TAB ${tab}`);
      expect(packet.pages[range.first - 1]?.text).not.toMatch(/say so|you cite/);
      for (let n = range.first; n <= range.last; n++) expect(tabs.get(n), `page ${n}`).toBe(tab);
    }

    // The index of exhibits: one range per document, tiling the exhibit from its divider to its last page.
    const index = packet.pages[1]?.text ?? '';
    const rows = [...index.matchAll(/\b(?:19|20)\d{2} (\d+)(?:–(\d+))?[ \t]*\n/g)].map((m) => ({
      first: Number(m[1]),
      last: Number(m[2] ?? m[1]),
    }));
    // One row per document: C holds two.
    expect(rows).toHaveLength(6);
    let next = 3;
    for (const row of rows) {
      expect(row.first).toBe(next);
      next = row.last + 1;
    }
    expect(next).toBe(total);
    for (const [tab, range] of actual) {
      const own = rows.filter((r) => r.first >= range.first && r.last <= range.last);
      expect(own[0]?.first, `index row of ${tab}`).toBe(range.first);
      expect(own.at(-1)?.last, `index row of ${tab}`).toBe(range.last);
      // The divider gives the same range, in words.
      const divider = packet.pages[range.first - 1]?.text ?? '';
      expect(divider).toContain(
        `exhibit ${own[0] && own[0].first === own[0].last ? 'page' : 'pages'} ${span(own[0] ?? range)}`,
      );
    }
    expect(packet.pages[0]?.text).toContain(`Tabs A–E · Pages 1–${total}`);
    expect(packet.pages.at(-1)?.text.replace(/\s+/g, ' ')).toContain(
      `(Tabs A–E, pages 1–${total}, this certificate included)`,
    );

    // The annotated index, from the same request: the same ranges, and pins to pages printing the passages.
    const markdown = await (await post({ ...body, format: 'index-md' })).text();
    expect(pinProblems(packet.pages, markdown, passagesOf)).toEqual([]);
    const pins = new Map([...annotatedRows(markdown)].map(([tab, row]) => [tab, row.pins]));
    expect([...pins.keys()].sort()).toEqual(['A', 'B', 'C', 'D', 'E']);
    // Groups in the order of their first exhibit, tabs in letter order within a group.
    expect([...markdown.matchAll(/^## (.+)$/gm)].map((m) => m[1])).toEqual([
      'Persecution (Tabs A, C)',
      'Nexus (Tabs B, E)',
      'Country conditions (Tab D)',
    ]);

    // The PDF and Word forms of the annotated index carry the same pins.
    const allPins = [...pins].flatMap(([tab, list]) => list.map((p) => `Exh. ${tab} at ${span(p)}`));
    const indexPdf = await readBack(
      new Uint8Array(await (await post({ ...body, format: 'index-pdf' })).arrayBuffer()),
    );
    const pdfText = indexPdf.pages.map((p) => p.text).join('\n');
    const docx = await JSZip.loadAsync(await (await post({ ...body, format: 'index-docx' })).arrayBuffer());
    const docxText = ((await docx.file('word/document.xml')?.async('string')) ?? '').replace(/<[^>]+>/g, ' ');
    for (const pin of allPins) {
      expect(pdfText.replace(/\s+/g, ' ')).toContain(pin);
      expect(docxText.replace(/\s+/g, ' ')).toContain(pin);
    }
    expect(pdfText).not.toMatch(/^\s*;/m);
    for (const [tab, range] of actual) expect(pdfText).toContain(`${tab} ${span(range)}`);
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

  it('names the full path of a bad field in the request body', async () => {
    const known = await find('femicide remained widespread', '&country=HN&edition=2023');
    const body = await problem(
      await post({
        exhibits: [{ passages: [known.id] }, { passages: [known.id], summary: 'x'.repeat(5000) }],
        caption: { aNumber: 'A12', filer: { name: '' } },
      }),
      400,
    );
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { parameter: 'exhibits[1].summary', message: 'at most 600 characters' },
        { parameter: 'caption.aNumber', message: 'an A-number such as A012-345-678' },
        expect.objectContaining({ parameter: 'caption.filer.name' }),
      ]),
    );
    expect(body.detail).toContain('exhibits[1].summary: at most 600 characters');
    expect(body.detail).toContain('caption.aNumber: an A-number such as A012-345-678');
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
  it('still builds the packet, with a text rendering of the cited section and a plain note for the court', async () => {
    const passage = await find('femicide indigenous communities', '&country=GT');
    writeFileSync(fixtures.archive.blobPath(passage.capture.sha256), '%PDF-1.7\nthis file was damaged');
    const logs: string[] = [];
    const logged = createApp({
      client: engine.client,
      indexes: engine.indexes,
      sources: fixtures.sources,
      archive: fixtures.archive,
      logger: pino({ level: 'info' }, { write: (line: string) => logs.push(line) }),
    });
    const response = await logged.request('/api/exhibits', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ exhibits: [{ passages: [passage.id] }] }),
    });
    expect(response.status).toBe(200);
    const { pages } = await readBack(new Uint8Array(await response.arrayBuffer()));
    const [, , divider, rendering] = pages;
    for (const page of [divider, rendering]) {
      const text = page?.text.replace(/\s+/g, ' ') ?? '';
      expect(text).toContain('The original PDF could not be reproduced in this packet.');
      expect(text).toContain('The text of the cited sections of the captured document follows');
      expect(text).toContain(passage.url);
      expect(text).toMatch(/captured from \S+ on \w+\.? \d+, \d{4}/);
      expect(text.replace(/\s/g, '')).toContain(`SHA-256${passage.capture.sha256}`);
      // What the parser said is for the operator, not the court.
      expect(text).not.toMatch(/parse|offset|line:\d|cannot be opened|archived/i);
    }
    expect(rendering?.text).toContain('Femicide remained a serious problem');
    expect(rendering?.text).toContain(`[p. ${passage.page}]`);
    expect(rendering?.highlights.length).toBeGreaterThan(0);
    pages.forEach((page, i) => {
      expect(page.text).toContain(`Page ${i + 1} of ${pages.length}`);
    });
    const warning = logs.map(
      (l) => JSON.parse(l) as { msg: string; err?: { message: string }; sha256?: string },
    );
    expect(warning).toContainEqual(
      expect.objectContaining({
        msg: 'exhibit typeset from the indexed text: the archived PDF cannot be opened',
        sha256: passage.capture.sha256,
        err: expect.objectContaining({ message: expect.stringMatching(/\w/) }),
      }),
    );
  });
});
