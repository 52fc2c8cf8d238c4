/**
 * A small index of hand-written passages with the real settings, for tests that need exact control over
 * countries, mentions, sources, editions, topics and legal elements (the fixture reports cannot carry
 * every combination). Documents are built by the indexer's own buildDocument.
 */
import path from 'node:path';
import { Meilisearch } from 'meilisearch';
import type { Passage } from '../../core/contract.ts';
import { passageId } from '../../core/ids.ts';
import { loadSources, SourceRegistry } from '../../core/sources.ts';
import { loadTaxonomy, type Taxonomy } from '../../core/taxonomy.ts';
import { awaitTask } from '../../indexer/indexer.ts';
import { buildDocument } from '../../indexer/passages.ts';
import { DOCUMENT_SETTINGS, passageSettings } from '../../indexer/settings.ts';
import { FIXTURES } from './corpus.ts';
import type { TestEngine } from './engine.ts';
import { samplePassage } from './samples.ts';

export const fixtureTaxonomy: Taxonomy = loadTaxonomy(path.join(FIXTURES, 'taxonomy.yaml'));

export type PassageSpec = Partial<Passage> & Pick<Passage, 'country' | 'edition' | 'text'>;

/** A valid passage of a document (source + country + edition), numbered in the order given. */
export function passagesOf(specs: PassageSpec[]): Passage[] {
  const orderByDocument = new Map<string, number>();
  return specs.map((spec) => {
    const source = spec.source ?? 'us-dos-hrr';
    const documentId = `${source}_${spec.country.toLowerCase()}_${spec.edition}`;
    const order = orderByDocument.get(documentId) ?? 0;
    orderByDocument.set(documentId, order + 1);
    const sectionPath = spec.sectionPath ?? samplePassage.sectionPath;
    return {
      ...samplePassage,
      title: `${spec.country} ${spec.edition} report`,
      latest: true,
      supersededBy: null,
      grounds: [],
      matches: [],
      ...spec,
      source,
      documentId,
      sectionPath,
      order,
      paragraph: order + 1,
      id: passageId(documentId, sectionPath, spec.text, 1),
    };
  });
}

/** Creates this test file's indexes with the real settings (for `taxonomy`) and fills them. */
export async function indexPassages(
  engine: TestEngine,
  passages: Passage[],
  taxonomy: Taxonomy = fixtureTaxonomy,
): Promise<{ sources: SourceRegistry }> {
  const { client, indexes } = engine;
  for (const [uid, settings] of [
    [indexes.passages, passageSettings(taxonomy)],
    [indexes.documents, DOCUMENT_SETTINGS],
  ] as const) {
    await awaitTask(client, client.createIndex(uid, { primaryKey: 'id' }), `Creating ${uid}`);
    await awaitTask(client, client.index(uid).updateSettings(settings), `Settings for ${uid}`);
  }
  await awaitTask(client, client.index(indexes.passages).addDocuments(passages), 'Adding passages');
  const byDocument = new Map<string, Passage[]>();
  for (const p of passages) byDocument.set(p.documentId, [...(byDocument.get(p.documentId) ?? []), p]);
  const documents = [...byDocument.values()].map((list) => {
    const p = list[0] as Passage;
    return buildDocument({ ...p, format: 'text', pages: null, revision: p.revision }, list);
  });
  await awaitTask(client, client.index(indexes.documents).addDocuments(documents), 'Adding documents');
  return { sources: new SourceRegistry(loadSources()) };
}

/** A client for a Meilisearch that is not there, for unavailable-engine tests. */
export function unreachableClient(key: string): Meilisearch {
  return new Meilisearch({ host: 'http://127.0.0.1:9', apiKey: key, timeout: 2000 });
}
