/**
 * The passage settings on the real Meilisearch: accepted as written (so the indexer never re-applies them
 * and re-indexes for nothing), and filter literals that hold any value without changing the filter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awaitTask } from '../../indexer/indexer.ts';
import { PASSAGE_SETTINGS, passageSettings } from '../../indexer/settings.ts';
import { filterLiteral } from '../../server/search.ts';
import { type TestEngine, testEngine } from '../helpers/engine.ts';
import { fixtureTaxonomy } from '../helpers/passage-index.ts';

let engine: TestEngine;
beforeAll(() => {
  engine = testEngine();
});
afterAll(() => engine.cleanup());

describe('passage settings', () => {
  it.each([
    ['the taxonomy in core/taxonomy.yaml', PASSAGE_SETTINGS],
    ['a taxonomy with synonym groups', passageSettings(fixtureTaxonomy)],
  ])('with %s are read back exactly as written', async (_name, settings) => {
    const index = engine.client.index(engine.indexes.passages);
    await awaitTask(engine.client, index.updateSettings(settings), 'Applying settings');
    const current = await index.getSettings();
    for (const [key, value] of Object.entries(settings)) {
      expect(current[key as keyof typeof current], key).toEqual(value);
    }
  });
});

describe('filter literals', () => {
  const HOSTILE = [
    'plain',
    'quote" OR tag != "x',
    'back\\slash',
    'ends with backslash\\',
    '\\" OR tag IS NOT EMPTY OR tag = \\"',
    "single ' quote",
    '[bracket] OR (paren)',
  ];

  it('match exactly the one value, whatever it holds', async () => {
    const uid = `${engine.prefix}literals`;
    const index = engine.client.index(uid);
    await awaitTask(engine.client, engine.client.createIndex(uid, { primaryKey: 'id' }), 'Creating index');
    await awaitTask(engine.client, index.updateSettings({ filterableAttributes: ['tag'] }), 'Settings');
    await awaitTask(engine.client, index.addDocuments(HOSTILE.map((tag, id) => ({ id, tag }))), 'Documents');
    for (const [id, tag] of HOSTILE.entries()) {
      const result = await index.search('', { filter: `tag = ${filterLiteral(tag)}` });
      expect(
        result.hits.map((h) => h.id),
        tag,
      ).toEqual([id]);
      const list = await index.search('', { filter: `tag IN [${filterLiteral(tag)}, "none"]` });
      expect(
        list.hits.map((h) => h.id),
        tag,
      ).toEqual([id]);
    }
    await engine.client.deleteIndexIfExists(uid);
  });
});
