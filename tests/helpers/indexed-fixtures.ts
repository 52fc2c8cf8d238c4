/**
 * Imports a folder of reports into a fresh archive and indexes it into this test file's indexes, the way
 * `countrycite import` does.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Archive } from '../../core/archive.ts';
import { loadSources, SourceRegistry } from '../../core/sources.ts';
import { importFiles } from '../../crawler/import.ts';
import { type IndexReport, indexArchive } from '../../indexer/indexer.ts';
import { createApp } from '../../server/app.ts';
import { corpusTree } from './corpus.ts';
import { type TestEngine, testEngine } from './engine.ts';

export interface IndexedFixtures {
  dataDir: string;
  archive: Archive;
  sources: SourceRegistry;
  report: IndexReport;
}

export async function importAndIndex(engine: TestEngine, folder: string): Promise<IndexedFixtures> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'countrycite-data-'));
  const archive = new Archive(dataDir);
  const sources = new SourceRegistry(loadSources());
  await importFiles(folder, archive, sources);
  const report = await indexArchive({ client: engine.client, archive, sources, indexPrefix: engine.prefix });
  return { dataDir, archive, sources, report };
}

export interface IndexedCorpusReports extends IndexedFixtures {
  engine: TestEngine;
  /** The API over these reports. */
  app: ReturnType<typeof createApp>;
  /** Deletes the indexes and the copied tree. */
  cleanup(): Promise<void>;
}

/** Copies of the given corpus reports (see corpusTree), imported and indexed into this file's indexes. */
export async function indexCorpusReports(
  name: string,
  reports: readonly (readonly [string, string])[],
): Promise<IndexedCorpusReports> {
  const tree = await corpusTree(name, reports);
  const engine = testEngine();
  const fixtures = await importAndIndex(engine, tree);
  const app = createApp({ client: engine.client, indexes: engine.indexes, sources: fixtures.sources });
  return {
    ...fixtures,
    engine,
    app,
    async cleanup() {
      await engine.cleanup();
      await rm(tree, { recursive: true, force: true });
    },
  };
}
