/**
 * Starts the real embedded Meilisearch once per test run (DESIGN.md: one instance per run, a fresh index
 * per test file) and hands its URL and key to the test files. MEILI_URL + MEILI_MASTER_KEY run the suite
 * against an existing server instead.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { connectSearchEngine } from '../../core/meilisearch.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    meiliUrl: string;
    meiliKey: string;
  }
}

export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'countrycite-test-meili-'));
  const engine = await connectSearchEngine({
    dataDir,
    meiliUrl: process.env.MEILI_URL,
    meiliMasterKey: process.env.MEILI_MASTER_KEY,
    stopOnExit: true,
  });
  project.provide('meiliUrl', engine.url);
  project.provide('meiliKey', engine.masterKey);
  return async () => {
    await engine.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
