/**
 * From the request's ids to the passages and documents in the index, checked against the data contract.
 * Every unknown id is named in one problem, so the user fixes the request once.
 */
import { Document, Passage } from '../../core/contract.ts';
import type { Problem } from '../problem.ts';
import { HttpProblem } from '../problem.ts';
import { engineCall, type SearchDeps } from '../search.ts';
import type { ExhibitRequest, ExhibitSpec } from './schemas.ts';

/** One document within an exhibit: whole, or only where its cited passages are. */
export interface ExhibitPart {
  document: Document;
  whole: boolean;
  /** Cited passages of this document, in document order. */
  passages: Passage[];
}

export interface ResolvedExhibit {
  tab: string;
  spec: ExhibitSpec;
  parts: ExhibitPart[];
}

/** A, B, … Z, AA, AB, …: the tab letters of an exhibit list. */
export function tabLetter(index: number): string {
  let n = index;
  let letters = '';
  do {
    letters = String.fromCharCode(65 + (n % 26)) + letters;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return letters;
}

const BATCH = 500;

async function fetchByIds<T>(
  deps: SearchDeps,
  index: string,
  ids: string[],
  schema: { safeParse(raw: unknown): { success: true; data: T } | { success: false } },
): Promise<Map<string, T>> {
  const found = new Map<string, T>();
  for (let i = 0; i < ids.length; i += BATCH) {
    const chunk = ids.slice(i, i + BATCH);
    const page = await engineCall(() =>
      deps.client.index(index).getDocuments({ ids: chunk, limit: chunk.length }),
    );
    for (const raw of page.results) {
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        throw new HttpProblem(
          500,
          'Index out of date',
          `The index holds a record (${String((raw as { id?: unknown }).id)}) that does not match the current data contract. Re-index with "countrycite index --force".`,
        );
      }
      found.set((parsed.data as { id: string }).id, parsed.data);
    }
  }
  return found;
}

export async function resolveExhibits(deps: SearchDeps, request: ExhibitRequest): Promise<ResolvedExhibit[]> {
  const passageIds = [...new Set(request.exhibits.flatMap((e) => e.passages))];
  const passages = await fetchByIds(deps, deps.indexes.passages, passageIds, Passage);
  const problems: NonNullable<Problem['errors']> = [];
  request.exhibits.forEach((exhibit, i) => {
    exhibit.passages.forEach((id, j) => {
      if (!passages.has(id))
        problems.push({
          parameter: `exhibits[${i}].passages[${j}]`,
          message: `no passage has the id "${id}"`,
        });
    });
  });
  const documentIds = [
    ...new Set([
      ...request.exhibits.flatMap((e) => e.documents ?? []),
      ...[...passages.values()].map((p) => p.documentId),
    ]),
  ];
  const documents = await fetchByIds(deps, deps.indexes.documents, documentIds, Document);
  request.exhibits.forEach((exhibit, i) => {
    exhibit.documents?.forEach((id, j) => {
      if (!documents.has(id))
        problems.push({
          parameter: `exhibits[${i}].documents[${j}]`,
          message: `no document has the id "${id}"`,
        });
    });
  });
  if (problems.length) {
    throw new HttpProblem(
      422,
      'Unknown passages or documents',
      `${problems.map((p) => `${p.parameter}: ${p.message}`).join('; ')}. Ids change only when a report's text changes; search again and use the current ids.`,
      problems,
    );
  }
  return request.exhibits.map((spec, i) => {
    const parts: ExhibitPart[] = [];
    const partOf = (documentId: string) => {
      let part = parts.find((p) => p.document.id === documentId);
      if (!part) {
        part = { document: documents.get(documentId) as Document, whole: false, passages: [] };
        parts.push(part);
      }
      return part;
    };
    for (const id of spec.documents ?? []) partOf(id).whole = true;
    for (const id of spec.passages) {
      const passage = passages.get(id) as Passage;
      const part = partOf(passage.documentId);
      if (!part.passages.some((p) => p.id === id)) part.passages.push(passage);
    }
    for (const part of parts) part.passages.sort((a, b) => a.order - b.order);
    return { tab: tabLetter(i), spec, parts };
  });
}

/** Passages of a document with `order` in [from, to), in document order, a page of the index at a time. */
export async function passagesInRange(
  deps: SearchDeps,
  documentId: string,
  from: number,
  to: number,
): Promise<Passage[]> {
  const result: Passage[] = [];
  const limit = 1000;
  for (let offset = 0; ; offset += limit) {
    const page = await engineCall(() =>
      deps.client.index(deps.indexes.passages).getDocuments({
        filter: `documentId = ${JSON.stringify(documentId)} AND order >= ${from} AND order < ${to}`,
        limit,
        offset,
      }),
    );
    for (const raw of page.results) {
      const parsed = Passage.safeParse(raw);
      if (parsed.success) result.push(parsed.data);
    }
    if (page.results.length < limit) break;
  }
  return result.sort((a, b) => a.order - b.order);
}
