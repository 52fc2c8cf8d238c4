/**
 * Archive → Meilisearch. Groups captures into documents (one edition of one report on one country), picks
 * the capture to read (the source's preferred format, newest first), extracts, outlines, tags and writes
 * passages. Settings go first; every task is awaited and a failed task is an error carrying Meilisearch's
 * code.
 *
 * Two modes:
 * - incremental (default): unchanged documents (same capture, indexer version and edition status) are
 *   skipped; a changed document's passages are upserted (ids are deterministic) and then the ones its new
 *   revision no longer has are deleted, so searches never see it missing; documents that left the archive
 *   are deleted with their passages.
 * - rebuild: everything is indexed into temporary indexes (settings first), checked (counts and a smoke
 *   search), and swapped with the live indexes in one atomic Meilisearch task; the live indexes answer
 *   searches until the swap, and the old data is deleted after it. A document that cannot be read keeps its
 *   previous passages, copied over from the live index.
 */
import type { Meilisearch, Settings, Task } from 'meilisearch';
import type { Archive, Capture } from '../core/archive.ts';
import { Document, type DocumentFormat, type Passage } from '../core/contract.ts';
import { countryByCode } from '../core/countries.ts';
import { documentId } from '../core/ids.ts';
import { type Logger, silentLogger } from '../core/log.ts';
import { type IndexNames, indexNames } from '../core/search-index.ts';
import { fillTemplate, type SourceRegistry } from '../core/sources.ts';
import { loadTaxonomy } from '../core/taxonomy.ts';
import { extract, formatOf } from './extract/index.ts';
import { outline } from './outline.ts';
import { buildDocument, buildPassages, type DocumentMeta, INDEXER_VERSION } from './passages.ts';
import { DOCUMENT_SETTINGS, PASSAGE_SETTINGS } from './settings.ts';
import { Tagger } from './tag.ts';

export class IndexingError extends Error {
  override name = 'IndexingError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Waits for a Meilisearch task and turns a failed one into an error naming what failed and why. */
export async function awaitTask(
  client: Meilisearch,
  enqueued: Promise<{ taskUid: number }>,
  what: string,
  timeoutMs = 600_000,
): Promise<Task> {
  const { taskUid } = await enqueued;
  const task = await client.tasks.waitForTask(taskUid, { timeout: timeoutMs, interval: 50 });
  if (task.status === 'failed') {
    throw new IndexingError(
      `${what} failed: ${task.error?.message ?? 'unknown error'} (${task.error?.code ?? 'no code'})`,
      task.error?.code,
    );
  }
  if (task.status === 'canceled') throw new IndexingError(`${what} was canceled`);
  return task;
}

function settingsDiffer(current: Settings, wanted: Settings): boolean {
  return Object.entries(wanted).some(
    ([key, value]) => JSON.stringify(current[key as keyof Settings]) !== JSON.stringify(value),
  );
}

/** Creates the indexes if needed and applies settings (only when they changed: a change re-indexes all). */
export async function ensureIndexes(client: Meilisearch, names: IndexNames): Promise<void> {
  for (const [uid, settings] of [
    [names.passages, PASSAGE_SETTINGS],
    [names.documents, DOCUMENT_SETTINGS],
  ] as const) {
    const exists = await client.getIndex(uid).then(
      () => true,
      () => false,
    );
    if (!exists)
      await awaitTask(client, client.createIndex(uid, { primaryKey: 'id' }), `Creating index ${uid}`);
    const current = await client.index(uid).getSettings();
    if (settingsDiffer(current, settings)) {
      await awaitTask(client, client.index(uid).updateSettings(settings), `Applying settings to ${uid}`);
    }
  }
}

export interface IndexProgress {
  total: number;
  done: number;
  indexed: number;
  skipped: number;
  failed: number;
  passages: number;
  current?: string;
}

export interface IndexFailure {
  documentId: string;
  url: string;
  reason: string;
}

export interface IndexReport extends IndexProgress {
  /** True when the indexes were rebuilt and swapped in. */
  rebuilt: boolean;
  /** Documents that left the archive, deleted with their passages (incremental mode). */
  documentsDeleted: string[];
  /** Documents that could not be read in a rebuild and kept their previous passages. */
  keptPrevious: string[];
  failures: IndexFailure[];
  /** Captures that cannot be placed in a document (no country or edition), with why. */
  unplaced: { url: string; reason: string }[];
  milliseconds: number;
}

export interface IndexOptions {
  client: Meilisearch;
  archive: Archive;
  sources: SourceRegistry;
  indexPrefix?: string;
  logger?: Logger;
  onProgress?: (progress: IndexProgress) => void;
  /** Re-index every document even when unchanged. */
  force?: boolean;
  /** Build new indexes beside the live ones and swap them in atomically. */
  rebuild?: boolean;
  /** Passages per Meilisearch payload. */
  batchSize?: number;
}

interface Candidate {
  id: string;
  sourceId: string;
  country: string;
  edition: number;
  /** Which document of a country and edition, for series with several (a CPIN theme); null for one. */
  part: string | null;
  capture: Capture;
  format: DocumentFormat;
}

/** The capture each document is read from. */
export function chooseDocuments(
  captures: Capture[],
  sources: SourceRegistry,
): { chosen: Candidate[]; unplaced: IndexReport['unplaced'] } {
  const unplaced: IndexReport['unplaced'] = [];
  const byDocument = new Map<string, Candidate[]>();
  for (const capture of captures) {
    if (capture.role !== 'document') continue;
    const source = sources.get(capture.source);
    if (!source) {
      unplaced.push({ url: capture.url, reason: `source "${capture.source}" is not in sources.yaml` });
      continue;
    }
    if (!capture.country || capture.edition === null) {
      unplaced.push({ url: capture.url, reason: 'the capture has no country or edition' });
      continue;
    }
    const format = formatOf(capture.format, capture.contentType, capture.url);
    if (!format) {
      unplaced.push({
        url: capture.url,
        reason: `unsupported content type ${capture.contentType ?? 'unknown'}`,
      });
      continue;
    }
    const id = documentId({
      source: source.id,
      country: capture.country,
      edition: capture.edition,
      part: capture.part,
    });
    const list = byDocument.get(id) ?? [];
    list.push({
      id,
      sourceId: source.id,
      country: capture.country,
      edition: capture.edition,
      part: capture.part,
      capture,
      format,
    });
    byDocument.set(id, list);
  }
  const chosen: Candidate[] = [];
  for (const list of byDocument.values()) {
    const first = list[0];
    if (!first) continue;
    const prefer = sources.require(first.sourceId).preferFormats;
    const rank = (c: Candidate) => (prefer.includes(c.format) ? prefer.indexOf(c.format) : prefer.length);
    list.sort((a, b) => rank(a) - rank(b) || b.capture.fetchedAt.localeCompare(a.capture.fetchedAt));
    chosen.push(list[0] as Candidate);
  }
  return { chosen, unplaced };
}

function editionStatus(chosen: Candidate[]): Map<string, { latest: boolean; supersededBy: number | null }> {
  const editions = new Map<string, number[]>();
  // The editions of one report: same source, country and part.
  const reportKey = (c: Candidate) => `${c.sourceId}|${c.country}|${c.part ?? ''}`;
  for (const c of chosen) {
    const key = reportKey(c);
    editions.set(
      key,
      [...(editions.get(key) ?? []), c.edition].sort((a, b) => a - b),
    );
  }
  const status = new Map<string, { latest: boolean; supersededBy: number | null }>();
  for (const c of chosen) {
    const list = editions.get(reportKey(c)) ?? [];
    const next = list.find((e) => e > c.edition) ?? null;
    status.set(c.id, { latest: next === null, supersededBy: next });
  }
  return status;
}

/** The temporary indexes a rebuild fills before swapping them with the live ones. */
export function rebuildIndexNames(live: IndexNames): IndexNames {
  return { passages: `${live.passages}__rebuild`, documents: `${live.documents}__rebuild` };
}

export async function indexArchive(options: IndexOptions): Promise<IndexReport> {
  const started = Date.now();
  const live = indexNames(options.indexPrefix);
  const { client } = options;
  if (!options.rebuild) {
    await ensureIndexes(client, live);
    const { run, chosenIds } = await indexInto(options, live, {
      existing: await existingDocuments(client, live),
    });
    const documentsDeleted = run.total === 0 ? [] : await deleteVanished(client, live, chosenIds);
    return { ...run, rebuilt: false, documentsDeleted, milliseconds: Date.now() - started };
  }

  const temporary = rebuildIndexNames(live);
  // A rebuild that stopped half-way leaves its temporary indexes behind: start from scratch.
  for (const uid of Object.values(temporary)) await dropIndex(client, uid);
  await ensureIndexes(client, temporary);
  await ensureIndexes(client, live);
  const { run: report } = await indexInto(options, temporary, {
    existing: new Map(),
    carryOverFrom: live,
  });
  await checkRebuilt(client, temporary, report);
  await awaitTask(
    client,
    client.swapIndexes([
      { indexes: [live.passages, temporary.passages], rename: false },
      { indexes: [live.documents, temporary.documents], rename: false },
    ]),
    `Swapping ${temporary.passages} and ${temporary.documents} into place`,
  );
  // After the swap the temporary names hold the old data.
  for (const uid of Object.values(temporary)) await dropIndex(client, uid);
  return { ...report, rebuilt: true, documentsDeleted: [], milliseconds: Date.now() - started };
}

async function dropIndex(client: Meilisearch, uid: string): Promise<void> {
  const exists = await client.getIndex(uid).then(
    () => true,
    () => false,
  );
  if (exists) await awaitTask(client, client.deleteIndex(uid), `Deleting index ${uid}`);
}

/** A rebuilt index must hold what was written and answer a search before it replaces the live one. */
async function checkRebuilt(client: Meilisearch, names: IndexNames, report: IndexRun): Promise<void> {
  const stats = await client.index(names.passages).getStats();
  if (stats.numberOfDocuments !== report.passages) {
    throw new IndexingError(
      `the rebuilt index holds ${stats.numberOfDocuments} passages but ${report.passages} were written; the live index was left unchanged`,
    );
  }
  if (report.passages > 0) {
    const smoke = await client.index(names.passages).search('', { limit: 1 });
    if (smoke.hits.length === 0)
      throw new IndexingError('the rebuilt index answers no search; the live index was left unchanged');
  }
}

/**
 * Documents in the index that the archive no longer has: delete them and their passages. (Not called for an
 * empty archive, which is more likely a wrong --data directory than a wish to empty the index.)
 */
async function deleteVanished(
  client: Meilisearch,
  names: IndexNames,
  inArchive: ReadonlySet<string>,
): Promise<string[]> {
  const vanished = (await documentIds(client, names)).filter((id) => !inArchive.has(id));
  for (const id of vanished) {
    await awaitTask(
      client,
      client.index(names.passages).deleteDocuments({ filter: `documentId = ${JSON.stringify(id)}` }),
      `Removing the passages of ${id}`,
    );
  }
  if (vanished.length) {
    await awaitTask(
      client,
      client.index(names.documents).deleteDocuments(vanished),
      `Removing ${vanished.length} documents no longer in the archive`,
    );
  }
  return vanished;
}

type IndexRun = Omit<IndexReport, 'rebuilt' | 'documentsDeleted' | 'milliseconds'>;

interface IndexInto {
  /** Documents already indexed, to skip unchanged ones. */
  existing: Map<string, Document>;
  /** In a rebuild: where a document that cannot be read keeps its previous passages from. */
  carryOverFrom?: IndexNames;
}

async function indexInto(
  options: IndexOptions,
  names: IndexNames,
  into: IndexInto,
): Promise<{ run: IndexRun; chosenIds: Set<string> }> {
  const logger = options.logger ?? silentLogger;
  const { client, archive, sources } = options;

  const { chosen, unplaced } = chooseDocuments(await archive.captures(), sources);
  const status = editionStatus(chosen);
  const tagger = new Tagger(loadTaxonomy());
  const progress: IndexProgress = {
    total: chosen.length,
    done: 0,
    indexed: 0,
    skipped: 0,
    failed: 0,
    passages: 0,
  };
  const failures: IndexFailure[] = [];
  const keptPrevious: string[] = [];
  const batchSize = options.batchSize ?? 5000;
  let pending: Passage[] = [];
  const pendingDocuments: { document: Document; revision: string }[] = [];

  const flush = async () => {
    if (pending.length === 0 && pendingDocuments.length === 0) return;
    if (pending.length) {
      const ndjson = pending.map((p) => JSON.stringify(p)).join('\n');
      await awaitTask(
        client,
        client
          .index(names.passages)
          .addDocumentsFromString(ndjson, 'application/x-ndjson', { primaryKey: 'id' }),
        `Adding ${pending.length} passages`,
      );
    }
    for (const { document, revision } of pendingDocuments) {
      // Passages of an earlier revision that the new one no longer has.
      await awaitTask(
        client,
        client.index(names.passages).deleteDocuments({
          filter: `documentId = ${JSON.stringify(document.id)} AND revision != ${JSON.stringify(revision)}`,
        }),
        `Removing stale passages of ${document.id}`,
      );
    }
    if (pendingDocuments.length) {
      await awaitTask(
        client,
        client.index(names.documents).addDocuments(
          pendingDocuments.map((d) => d.document),
          { primaryKey: 'id' },
        ),
        `Recording ${pendingDocuments.length} documents`,
      );
    }
    pending = [];
    pendingDocuments.length = 0;
  };

  for (const candidate of chosen) {
    const source = sources.require(candidate.sourceId);
    const { latest, supersededBy } = status.get(candidate.id) ?? { latest: true, supersededBy: null };
    progress.current = candidate.id;
    const before = into.existing.get(candidate.id);
    if (
      !options.force &&
      before &&
      before.capture.sha256 === candidate.capture.sha256 &&
      before.indexerVersion === INDEXER_VERSION &&
      before.latest === latest &&
      before.supersededBy === supersededBy
    ) {
      progress.skipped++;
      progress.done++;
      options.onProgress?.({ ...progress });
      continue;
    }
    try {
      const body = await archive.read(candidate.capture.sha256);
      const extracted = await extract(candidate.format, body);
      const countryName = countryByCode(candidate.country)?.name ?? candidate.country;
      const revision = `${candidate.capture.sha256.slice(0, 16)}-v${INDEXER_VERSION}${latest ? '' : '-h'}`;
      const meta: DocumentMeta = {
        documentId: candidate.id,
        source: source.id,
        publisher: source.publisher,
        series: source.series,
        // A document that is one part of several is named as its listing names it.
        title:
          candidate.part && candidate.capture.title
            ? candidate.capture.title
            : fillTemplate(source.title, { country: countryName, edition: candidate.edition }),
        country: candidate.country,
        edition: candidate.edition,
        publishedAt: String(candidate.edition + source.publicationLagYears),
        url: candidate.capture.url,
        language: source.language,
        license: source.license.id,
        latest,
        capture: { sha256: candidate.capture.sha256, fetchedAt: candidate.capture.fetchedAt },
        format: candidate.format,
        pages: extracted.pages,
        supersededBy,
        revision,
      };
      const passages = buildPassages(meta, outline(extracted.blocks), tagger);
      if (passages.length === 0) throw new IndexingError('no text could be extracted');
      pending.push(...passages);
      pendingDocuments.push({ document: buildDocument(meta, passages), revision });
      progress.indexed++;
      progress.passages += passages.length;
      if (pending.length >= batchSize) await flush();
    } catch (error) {
      if (error instanceof IndexingError && error.code) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      failures.push({ documentId: candidate.id, url: candidate.capture.url, reason });
      progress.failed++;
      logger.warn({ document: candidate.id, url: candidate.capture.url, reason }, 'document skipped');
      if (into.carryOverFrom) {
        const kept = await copyDocument(client, into.carryOverFrom, names, candidate.id);
        if (kept > 0) {
          keptPrevious.push(candidate.id);
          progress.passages += kept;
        }
      }
    }
    progress.done++;
    options.onProgress?.({ ...progress });
  }
  await flush();
  delete progress.current;
  return {
    run: { ...progress, failures, unplaced, keptPrevious },
    chosenIds: new Set(chosen.map((c) => c.id)),
  };
}

/** Copies a document and its passages from one pair of indexes to another; returns the passages copied. */
async function copyDocument(
  client: Meilisearch,
  from: IndexNames,
  to: IndexNames,
  id: string,
): Promise<number> {
  const document = await client
    .index(from.documents)
    .getDocument(id)
    .catch(() => null);
  if (!document) return 0;
  const passages: Record<string, unknown>[] = [];
  const limit = 1000;
  for (let offset = 0; ; offset += limit) {
    const page = await client
      .index(from.passages)
      .getDocuments({ filter: `documentId = ${JSON.stringify(id)}`, limit, offset });
    passages.push(...page.results);
    if (page.results.length < limit) break;
  }
  if (passages.length) {
    await awaitTask(
      client,
      client.index(to.passages).addDocuments(passages, { primaryKey: 'id' }),
      `Keeping the previous passages of ${id}`,
    );
  }
  await awaitTask(
    client,
    client.index(to.documents).addDocuments([document], { primaryKey: 'id' }),
    `Keeping the previous record of ${id}`,
  );
  return passages.length;
}

async function documentIds(client: Meilisearch, names: IndexNames): Promise<string[]> {
  const ids: string[] = [];
  const limit = 1000;
  for (let offset = 0; ; offset += limit) {
    const page = await client.index(names.documents).getDocuments({ fields: ['id'], limit, offset });
    for (const raw of page.results) if (typeof raw.id === 'string') ids.push(raw.id);
    if (page.results.length < limit) break;
  }
  return ids;
}

async function existingDocuments(client: Meilisearch, names: IndexNames): Promise<Map<string, Document>> {
  const result = new Map<string, Document>();
  const limit = 1000;
  for (let offset = 0; ; offset += limit) {
    const page = await client.index(names.documents).getDocuments({ limit, offset });
    for (const raw of page.results) {
      const parsed = Document.safeParse(raw);
      if (parsed.success) result.set(parsed.data.id, parsed.data);
    }
    if (page.results.length < limit) break;
  }
  return result;
}
