/** The run's Meilisearch, seen from a test file, with an index prefix of its own. */
import { randomBytes } from 'node:crypto';
import { Meilisearch } from 'meilisearch';
import { inject } from 'vitest';
import { meilisearchHttpClient } from '../../core/meilisearch-http.ts';
import { type IndexNames, indexNames } from '../../core/search-index.ts';

export interface TestEngine {
  client: Meilisearch;
  prefix: string;
  indexes: IndexNames;
  url: string;
  key: string;
  /** Deletes this file's indexes. */
  cleanup(): Promise<void>;
}

export function testEngine(): TestEngine {
  const url = inject('meiliUrl');
  const key = inject('meiliKey');
  const client = new Meilisearch({ host: url, apiKey: key, httpClient: meilisearchHttpClient });
  const prefix = `t${randomBytes(4).toString('hex')}_`;
  const indexes = indexNames(prefix);
  return {
    client,
    prefix,
    indexes,
    url,
    key,
    async cleanup() {
      for (const uid of Object.values(indexes)) await client.deleteIndexIfExists(uid);
    },
  };
}
