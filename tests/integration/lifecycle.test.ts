/**
 * The index lifecycle on real reports (Guatemala 2023 and 2024): stable ids across re-indexes, a full
 * rebuild through temporary indexes swapped in while searches keep running, incremental upserts of a
 * changed capture, and deletion of documents that left the archive.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Archive } from '../../core/archive.ts';
import { indexNames } from '../../core/search-index.ts';
import { loadSources, SourceRegistry } from '../../core/sources.ts';
import { importFiles } from '../../crawler/import.ts';
import { indexArchive, rebuildIndexNames } from '../../indexer/indexer.ts';
import { PASSAGE_SETTINGS } from '../../indexer/settings.ts';
import { corpusFile, describeWithCorpus } from '../helpers/corpus.ts';
import { type TestEngine, testEngine } from '../helpers/engine.ts';

describeWithCorpus('index lifecycle on the Guatemala 2023 and 2024 reports', () => {
  let engine: TestEngine;
  let work: string;
  let archive: Archive;
  const sources = new SourceRegistry(loadSources());

  /** A <source>/<edition>/<country>.txt tree under `dir` holding the given texts. */
  function tree(dir: string, files: Record<string, string>): string {
    for (const [edition, text] of Object.entries(files)) {
      mkdirSync(path.join(dir, 'us-dos-hrr', edition), { recursive: true });
      writeFileSync(path.join(dir, 'us-dos-hrr', edition, 'guatemala.txt'), text);
    }
    return dir;
  }
  // Read in beforeAll: the body of a skipped describe still runs when ../shared/corpus is absent.
  let report2023 = '';
  let report2024 = '';

  const index = (options: { rebuild?: boolean; force?: boolean; archive?: Archive; prefix?: string } = {}) =>
    indexArchive({
      client: engine.client,
      archive: options.archive ?? archive,
      sources,
      indexPrefix: options.prefix ?? engine.prefix,
      rebuild: options.rebuild ?? false,
      force: options.force ?? false,
    });

  async function passages(documentId?: string): Promise<Map<string, { text: string; revision: string }>> {
    const result = new Map<string, { text: string; revision: string }>();
    const page = await engine.client.index(engine.indexes.passages).getDocuments({
      fields: ['id', 'text', 'revision'],
      ...(documentId ? { filter: `documentId = ${JSON.stringify(documentId)}` } : {}),
      limit: 10_000,
    });
    for (const p of page.results)
      result.set(String(p.id), { text: String(p.text), revision: String(p.revision) });
    return result;
  }

  beforeAll(async () => {
    report2023 = readFileSync(corpusFile('us-dos-hrr/2023/guatemala.txt'), 'utf8');
    report2024 = readFileSync(corpusFile('us-dos-hrr/2024/guatemala.txt'), 'utf8');
    engine = testEngine();
    work = await mkdtemp(path.join(os.tmpdir(), 'countrycite-lifecycle-'));
    archive = new Archive(path.join(work, 'data'));
    await importFiles(
      tree(path.join(work, 'v1'), { '2023': report2023, '2024': report2024 }),
      archive,
      sources,
    );
  });
  afterAll(async () => {
    await engine?.cleanup();
    await rm(work, { recursive: true, force: true });
  });

  it('keeps every passage id across re-indexes of the same capture', async () => {
    const first = await index();
    expect(first).toMatchObject({ indexed: 2, failed: 0, rebuilt: false });
    const before = await passages();
    expect(before.size).toBe(first.passages);

    const again = await index();
    expect(again).toMatchObject({ indexed: 0, skipped: 2 });
    const forced = await index({ force: true });
    expect(forced).toMatchObject({ indexed: 2, passages: first.passages });
    expect([...(await passages()).keys()].sort()).toEqual([...before.keys()].sort());
  });

  it('rebuilds through temporary indexes and swaps them in while searches keep answering', async () => {
    const before = await passages();
    const live = engine.client.index(engine.indexes.passages);
    const answers: number[] = [];
    const errors: unknown[] = [];
    let rebuilding = true;
    const searching = (async () => {
      while (rebuilding) {
        try {
          const result = await live.search('femicide', { filter: 'country = GT', limit: 5 });
          answers.push(result.hits.length);
        } catch (error) {
          errors.push(error);
        }
      }
    })();
    const report = await index({ rebuild: true }).finally(() => {
      rebuilding = false;
    });
    await searching;

    expect(report).toMatchObject({ rebuilt: true, indexed: 2, failed: 0, passages: before.size });
    expect(errors).toEqual([]);
    expect(answers.length).toBeGreaterThan(1);
    expect(answers.every((n) => n > 0)).toBe(true);
    // Same passages, the swap was one task, and the temporary indexes are gone.
    expect([...(await passages()).keys()].sort()).toEqual([...before.keys()].sort());
    const swaps = await engine.client.tasks.getTasks({ types: ['indexSwap'], statuses: ['succeeded'] });
    expect(
      swaps.results.some((t) =>
        JSON.stringify(t.details).includes(rebuildIndexNames(engine.indexes).passages),
      ),
    ).toBe(true);
    for (const uid of Object.values(rebuildIndexNames(engine.indexes))) {
      await expect(engine.client.getIndex(uid)).rejects.toThrow();
    }
    // Settings went to the new index before its documents and came along in the swap.
    const settings = await live.getSettings();
    expect(settings.filterableAttributes).toEqual(
      expect.arrayContaining(PASSAGE_SETTINGS.filterableAttributes ?? []),
    );
  });

  it('rebuilds into an index that does not exist yet', async () => {
    const prefix = `${engine.prefix}fresh_`;
    try {
      const report = await index({ rebuild: true, prefix });
      expect(report).toMatchObject({ rebuilt: true, indexed: 2 });
      const stats = await engine.client.index(indexNames(prefix).passages).getStats();
      expect(stats.numberOfDocuments).toBe(report.passages);
    } finally {
      for (const uid of Object.values(indexNames(prefix))) await engine.client.deleteIndexIfExists(uid);
    }
  });

  it('upserts a changed capture: unchanged passages keep their ids, edited and dropped ones go', async () => {
    const before = await passages('us-dos-hrr_gt_2024');
    // A new capture of the 2024 report: one paragraph edited, another removed. The text is hard-wrapped,
    // so a passage is found by the line its first words start.
    const lines = report2024.split('\n');
    const firstWords = (text: string) => text.split(' ').slice(0, 5).join(' ');
    const startOf = (text: string) => lines.findIndex((l) => l.startsWith(firstWords(text)));
    const [edited, dropped] = [...before.values()].filter(
      (p) => p.text.length > 300 && lines.filter((l) => l.startsWith(firstWords(p.text))).length === 1,
    );
    expect(edited && dropped).toBeTruthy();
    if (!edited || !dropped) return;
    const editAt = startOf(edited.text);
    const dropAt = startOf(dropped.text);
    lines[editAt] = `In a revised count, ${lines[editAt]}`;
    let end = dropAt;
    while (lines[end + 1] && !/[.”]$/.test(lines[end] ?? '')) end++;
    lines.splice(dropAt, end - dropAt + 1);
    await importFiles(tree(path.join(work, 'v2'), { '2024': lines.join('\n') }), archive, sources);

    const report = await index();
    expect(report).toMatchObject({ indexed: 1, skipped: 1, failed: 0 });
    const after = await passages('us-dos-hrr_gt_2024');
    const keptIds = [...before.keys()].filter((id) => after.has(id));
    expect(keptIds.length).toBeGreaterThan(before.size - 5);
    expect([...after.values()].some((p) => p.text.startsWith('In a revised count'))).toBe(true);
    expect([...after.values()].some((p) => p.text === dropped.text)).toBe(false);
    expect([...after.values()].some((p) => p.text === edited.text)).toBe(false);
    // Every passage now carries the new capture's revision: nothing stale is left behind.
    expect(new Set([...after.values()].map((p) => p.revision)).size).toBe(1);
    expect([...after.values()][0]?.revision).not.toBe([...before.values()][0]?.revision);
  });

  it('deletes documents that left the archive, with their passages', async () => {
    const only2024 = new Archive(path.join(work, 'data-2024'));
    await importFiles(tree(path.join(work, 'v3'), { '2024': report2024 }), only2024, sources);
    const report = await index({ archive: only2024 });
    expect(report.documentsDeleted).toEqual(['us-dos-hrr_gt_2023']);
    expect((await passages('us-dos-hrr_gt_2023')).size).toBe(0);
    await expect(
      engine.client.index(engine.indexes.documents).getDocument('us-dos-hrr_gt_2023'),
    ).rejects.toThrow();
    expect((await passages('us-dos-hrr_gt_2024')).size).toBeGreaterThan(20);
  });
});
