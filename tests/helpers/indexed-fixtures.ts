/**
 * Imports a folder of reports into a fresh archive and indexes it into this test file's indexes, the way
 * `countrycite import` does.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Archive } from '../../core/archive.ts';
import { loadSources, SourceRegistry } from '../../core/sources.ts';
import { importFiles } from '../../crawler/import.ts';
import { type IndexReport, indexArchive } from '../../indexer/indexer.ts';
import type { TestEngine } from './engine.ts';

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
