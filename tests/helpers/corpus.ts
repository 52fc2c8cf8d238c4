/**
 * The shared corpus of real reports (../shared/corpus). Tests that need it skip, with the reason printed,
 * when it is absent; the core suite runs on the repository's own fixtures.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { copyFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CORPUS = path.resolve(REPO_ROOT, '..', 'shared', 'corpus');
export const HAS_CORPUS = existsSync(path.join(CORPUS, 'manifest.json'));
export const FIXTURES = path.join(REPO_ROOT, 'tests', 'fixtures');

export function corpusFile(...parts: string[]): string {
  return path.join(CORPUS, ...parts);
}

/**
 * A temporary us-dos-hrr/<edition>/<file> tree holding copies of the given corpus reports, as `countrycite
 * import` reads it. The caller removes it.
 */
export async function corpusTree(
  name: string,
  reports: readonly (readonly [string, string])[],
): Promise<string> {
  const tree = await mkdtemp(path.join(os.tmpdir(), `countrycite-${name}-`));
  for (const [edition, file] of reports) {
    mkdirSync(path.join(tree, 'us-dos-hrr', edition), { recursive: true });
    await copyFile(corpusFile('us-dos-hrr', edition, file), path.join(tree, 'us-dos-hrr', edition, file));
  }
  return tree;
}

/** `describe` when the corpus is present; otherwise a skipped suite and a line saying why. */
export function describeWithCorpus(name: string, body: () => void): void {
  if (HAS_CORPUS) {
    describe(name, body);
  } else {
    process.stderr.write(`[skip] ${name}: ../shared/corpus is not present (expected at ${CORPUS})\n`);
    describe.skip(name, body);
  }
}
