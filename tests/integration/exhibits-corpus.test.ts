/**
 * An exhibit packet from real reports: the 2023 Nicaragua and Japan PDFs as published by the State
 * Department (original pages, passages highlighted where they are printed) and the 2023 Guatemala text
 * report (typeset), imported from ../shared/corpus and indexed into this file's own indexes.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readPdfLines } from '../../indexer/extract/pdf.ts';
import { createApp } from '../../server/app.ts';
import { locatePassage, matchKey } from '../../server/exhibits/locate.ts';
import type { Hit, SearchResponse } from '../../server/schemas.ts';
import { corpusFile, describeWithCorpus } from '../helpers/corpus.ts';
import { type TestEngine, testEngine } from '../helpers/engine.ts';
import { pinProblems, readBack } from '../helpers/exhibit-fixtures.ts';
import { type IndexedFixtures, importAndIndex } from '../helpers/indexed-fixtures.ts';

describeWithCorpus('exhibit packet from the real Nicaragua and Japan PDFs and the Guatemala text', () => {
  let engine: TestEngine;
  let fixtures: IndexedFixtures;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'countrycite-corpus-exhibits-'));
    mkdirSync(path.join(folder, 'us-dos-hrr', '2023'), { recursive: true });
    for (const file of ['nicaragua.pdf', 'japan.pdf', 'guatemala.txt']) {
      // The importer reads regular files only; the copy lives in a temporary folder, not the repository.
      copyFileSync(corpusFile('us-dos-hrr', '2023', file), path.join(folder, 'us-dos-hrr', '2023', file));
    }
    engine = testEngine();
    fixtures = await importAndIndex(engine, folder);
    app = createApp({
      client: engine.client,
      indexes: engine.indexes,
      sources: fixtures.sources,
      archive: fixtures.archive,
    });
  }, 180_000);
  afterAll(() => engine?.cleanup());

  async function hits(q: string, country: string, limit = 3): Promise<Hit[]> {
    const response = await app.request(
      `/api/search?q=${encodeURIComponent(q)}&country=${country}&limit=${limit}`,
    );
    return ((await response.json()) as SearchResponse).hits;
  }

  it('builds the packet with the cited passages highlighted on the original pages', async () => {
    expect(fixtures.report.failed).toBe(0);
    const nicaragua = await hits('femicide', 'NI', 3);
    const japan = await hits('Ainu', 'JP', 2);
    const guatemala = await hits('femicide', 'GT', 2);
    for (const list of [nicaragua, japan, guatemala]) expect(list.length).toBeGreaterThan(0);
    const request = {
      exhibits: [
        { passages: nicaragua.map((h) => h.id), claimElement: 'Persecution' },
        { passages: japan.map((h) => h.id) },
        { passages: guatemala.map((h) => h.id), claimElement: 'Persecution' },
      ],
      certificateOfService: true,
    };
    const response = await app.request('/api/exhibits', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    expect(response.status).toBe(200);
    const { pages } = await readBack(new Uint8Array(await response.arrayBuffer()));
    pages.forEach((page, i) => {
      expect(page.text).toContain(`Page ${i + 1} of ${pages.length}`);
    });
    expect(pages[1]?.text).toContain('Nicaragua 2023 Human Rights Report');
    expect(pages[1]?.text).toContain('Japan 2023 Human Rights Report');
    expect(pages[1]?.text).toContain('Guatemala 2023 Human Rights Report');
    // Each PDF passage is highlighted on the packet page that shows its original page.
    for (const hit of [...nicaragua, ...japan]) {
      const opening = matchKey(hit.text.split(/\s+/).slice(0, 6).join(' '));
      const page = pages.find((p) => p.highlights.length > 0 && matchKey(p.text).includes(opening));
      expect(page, `highlighted page for ${hit.id} (original page ${hit.page})`).toBeDefined();
    }
    expect(pages.some((p) => p.text.includes('is not highlighted there'))).toBe(false);
    expect(pages.at(-1)?.text).toContain('CERTIFICATE OF SERVICE');

    // The annotated index of the same request pins every passage to the packet page printing it, and gives
    // each tab the pages stamped with its letter.
    const markdown = await (
      await app.request('/api/exhibits', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...request, format: 'index-md' }),
      })
    ).text();
    expect(pinProblems(pages, markdown, { A: nicaragua, B: japan, C: guatemala })).toEqual([]);
  });

  it('finds the highlight where the passage is printed', async () => {
    const [hit] = await hits('femicide', 'NI', 1);
    if (!hit?.page) throw new Error('no paged Nicaragua passage');
    const bytes = await fixtures.archive.read(hit.capture.sha256);
    const lines = await readPdfLines(bytes);
    const boxes = locatePassage(lines, hit.text, hit.page, hit.pageEnd ?? hit.page);
    expect(boxes?.length).toBeGreaterThan(0);
    const printed = lines
      .find((p) => p.page === hit.page)
      ?.lines.filter((l) => boxes?.some((b) => b.page === l.page && b.y === l.y));
    expect(printed?.map((l) => l.text).join(' ')).toContain(hit.text.split(/\s+/).slice(1, 6).join(' '));
  });
});
