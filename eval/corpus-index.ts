/**
 * The shared corpus of real State Department reports, imported and indexed by the real pipeline into a
 * fresh embedded Meilisearch of its own, for the relevance eval and the search benchmark. Also the whole
 * documents, rebuilt from the same extracted text, for the plain-Meilisearch baseline.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Archive } from '../core/archive.ts';
import { Passage } from '../core/contract.ts';
import { connectSearchEngine, type SearchEngine } from '../core/meilisearch.ts';
import { type IndexNames, indexNames } from '../core/search-index.ts';
import { loadSources, SourceRegistry } from '../core/sources.ts';
import { importFiles } from '../crawler/import.ts';
import { awaitTask, indexArchive } from '../indexer/indexer.ts';

export const CORPUS = path.resolve(fileURLToPath(new URL('../../shared/corpus', import.meta.url)));
const REPORTS = path.join(CORPUS, 'us-dos-hrr');

export interface CorpusIndex {
  engine: SearchEngine;
  indexes: IndexNames;
  sources: SourceRegistry;
  /** Every indexed passage, in document order. */
  passages: Passage[];
  /** Whole documents for the baseline, and where each passage sits in its document's text. */
  baseline: { index: string; spans: Map<string, { passage: Passage; start: number; end: number }[]> };
  stop(): Promise<void>;
}

const say = (line: string) => process.stderr.write(`${line}\n`);

async function allPassages(engine: SearchEngine, uid: string): Promise<Passage[]> {
  const passages: Passage[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await engine.client.index(uid).getDocuments({ limit: 1000, offset });
    for (const raw of page.results) passages.push(Passage.parse(raw));
    if (offset + 1000 >= page.total) break;
  }
  return passages.sort((a, b) => a.documentId.localeCompare(b.documentId) || a.order - b.order);
}

/** One Meilisearch document per report: its passages' text in order, as a naive indexer would store it. */
async function indexWholeDocuments(engine: SearchEngine, uid: string, passages: Passage[]) {
  const spans = new Map<string, { passage: Passage; start: number; end: number }[]>();
  const documents = new Map<string, { id: string; country: string; text: string }>();
  for (const p of passages) {
    const doc = documents.get(p.documentId) ?? { id: p.documentId, country: p.country, text: '' };
    if (doc.text) doc.text += '\n\n';
    const start = doc.text.length;
    doc.text += p.text;
    documents.set(p.documentId, doc);
    spans.set(p.documentId, [
      ...(spans.get(p.documentId) ?? []),
      { passage: p, start, end: doc.text.length },
    ]);
  }
  // Default settings, except that country must be filterable for the same country filter as ours.
  await awaitTask(engine.client, engine.client.createIndex(uid, { primaryKey: 'id' }), 'Creating baseline');
  await awaitTask(
    engine.client,
    engine.client.index(uid).updateSettings({ filterableAttributes: ['country'] }),
    'Baseline settings',
  );
  await awaitTask(
    engine.client,
    engine.client.index(uid).addDocuments([...documents.values()]),
    'Adding whole documents',
  );
  return spans;
}

export async function indexCorpus(): Promise<CorpusIndex> {
  if (!existsSync(REPORTS)) {
    throw new Error(
      `The shared corpus is not at ${REPORTS}; the eval and the benchmark need ../shared/corpus.`,
    );
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'countrycite-eval-'));
  const engine = await connectSearchEngine({ dataDir, meiliUrl: undefined, meiliMasterKey: undefined });
  const stop = async () => {
    await engine.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const sources = new SourceRegistry(loadSources());
    const archive = new Archive(dataDir);
    const indexes = indexNames('eval_');
    const started = Date.now();
    say(`Importing ${REPORTS} …`);
    await importFiles(REPORTS, archive, sources);
    const report = await indexArchive({ client: engine.client, archive, sources, indexPrefix: 'eval_' });
    say(
      `Indexed ${report.indexed} documents, ${report.passages} passages in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
    );
    const passages = await allPassages(engine, indexes.passages);
    const baselineIndex = 'eval_baseline_documents';
    const spans = await indexWholeDocuments(engine, baselineIndex, passages);
    return { engine, indexes, sources, passages, baseline: { index: baselineIndex, spans }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
