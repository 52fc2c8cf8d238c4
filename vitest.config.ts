import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    // One real Meilisearch for the whole run; each test file uses its own index prefix.
    globalSetup: ['tests/helpers/meilisearch-global.ts'],
    pool: 'forks',
    maxWorkers: 2,
    // Generous: the CLI and browser tests spawn processes, and a loaded 2-core machine can take a minute
    // for what takes ten seconds when it is quiet. A timeout is there to catch a hang, not to time anything.
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
