/**
 * Documents: one edition of one report. `GET /api/documents/{id}` gives its metadata, outline and the other
 * editions held; `GET /api/documents/{id}/diff?against=<edition>` lists the sections and passages added,
 * removed and changed going from that edition to this one, so a user can show what a newer edition dropped.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Meilisearch } from 'meilisearch';
import { Document } from '../core/contract.ts';
import type { IndexNames } from '../core/search-index.ts';
import type { SourceRegistry } from '../core/sources.ts';
import { type DiffPassage, diffEditions, SIMILARITY_THRESHOLD } from './edition-diff.ts';
import { HttpProblem, Problem } from './problem.ts';
import { engineCall, snippetAround } from './search.ts';

const problemContent = { 'application/problem+json': { schema: Problem } };

const DocumentIdParam = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,511}$/, 'document ids contain only letters, digits, "-" and "_"')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'us-dos-hrr_ni_2024' }),
});

const EditionRef = z
  .object({
    id: z.string(),
    edition: z.number().int(),
    latest: z.boolean(),
    title: z.string(),
    url: z.string().openapi({ description: 'This edition on CountryCite.' }),
  })
  .openapi('EditionRef');

export const DocumentResponse = Document.extend({
  editions: z.array(EditionRef).openapi({
    description: 'Every edition of this report held in the index, newest first (this one included).',
  }),
}).openapi('Document');
export type DocumentResponse = z.infer<typeof DocumentResponse>;

const DiffQuery = z.object({
  against: z.coerce
    .number({ error: 'expected an edition year such as 2023' })
    .int('expected an edition year such as 2023')
    .min(1900, 'expected an edition year such as 2023')
    .max(2200, 'expected an edition year such as 2023')
    .openapi({
      description:
        'The edition to compare with. The diff reads from `against` to this document: "added" is what this edition has and `against` lacks.',
      example: 2023,
    }),
});

const DiffPassageSchema = z
  .object({
    id: z.string(),
    sectionPath: z.array(z.string()),
    paragraph: z.number().int(),
    page: z.number().int().nullable(),
    text: z
      .string()
      .openapi({ description: 'The passage (a snippet when the source licence allows no more).' }),
    permalink: z.string(),
  })
  .openapi('DiffPassage');

const SectionChangeSchema = z
  .object({
    sectionPath: z.array(z.string()),
    passagesFrom: z
      .number()
      .int()
      .openapi({ description: 'Passages in the section in the `against` edition.' }),
    passagesTo: z.number().int().openapi({ description: 'Passages in the section in this edition.' }),
    added: z.number().int(),
    removed: z.number().int(),
    changed: z.number().int(),
  })
  .openapi('SectionChange');

export const DiffResponse = z
  .object({
    from: EditionRef,
    to: EditionRef,
    summary: z.object({
      sections: z.object({
        added: z.number().int(),
        removed: z.number().int(),
        changed: z.number().int(),
        unchanged: z.number().int(),
      }),
      passages: z.object({
        added: z.number().int(),
        removed: z.number().int(),
        changed: z.number().int(),
        unchanged: z.number().int(),
      }),
    }),
    sections: z.object({
      added: z.array(SectionChangeSchema),
      removed: z.array(SectionChangeSchema),
      changed: z.array(SectionChangeSchema),
    }),
    passages: z.object({
      added: z.array(DiffPassageSchema),
      removed: z.array(DiffPassageSchema),
      changed: z.array(
        z.object({
          from: DiffPassageSchema,
          to: DiffPassageSchema,
          similarity: z.number().openapi({
            description: `0–1, share of word pairs in common; passages below ${SIMILARITY_THRESHOLD} count as removed and added.`,
          }),
          textChanged: z.boolean(),
          sectionChanged: z.boolean(),
        }),
      ),
    }),
  })
  .openapi('EditionDiff');
export type DiffResponse = z.infer<typeof DiffResponse>;

interface DocumentDeps {
  client: Meilisearch;
  indexes: IndexNames;
  sources: SourceRegistry;
}

async function loadDocument(deps: DocumentDeps, id: string): Promise<Document> {
  const raw = await engineCall(() => deps.client.index(deps.indexes.documents).getDocument(id), {
    document_not_found: () =>
      new HttpProblem(
        404,
        'Document not found',
        `No document has the id "${id}". Document ids read <source>_<country>_<edition>, e.g. us-dos-hrr_ni_2024; a search hit's documentId gives it.`,
      ),
  });
  const parsed = Document.safeParse(raw);
  if (!parsed.success) {
    throw new HttpProblem(
      500,
      'Index out of date',
      `The index holds a document record that does not match the current data contract (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}). Rebuild it with "countrycite index --rebuild".`,
    );
  }
  return parsed.data;
}

/** All editions of the same report (same source, country and part), newest first. */
async function editionsOf(deps: DocumentDeps, document: Document, origin: string) {
  const page = await engineCall(() =>
    deps.client.index(deps.indexes.documents).getDocuments({
      filter: `source = ${JSON.stringify(document.source)} AND country = ${JSON.stringify(document.country)}`,
      fields: ['id', 'edition', 'latest', 'title'],
      limit: 1000,
    }),
  );
  // Ids read <source>_<country>_<edition>[_<part>]: the same report has the same part.
  const partOf = (id: string) => id.split('_').slice(3).join('_');
  return page.results
    .filter((d) => partOf(String(d.id)) === partOf(document.id))
    .map((d) => ({
      id: String(d.id),
      edition: Number(d.edition),
      latest: Boolean(d.latest),
      title: String(d.title),
      url: `${origin}/api/documents/${d.id}`,
    }))
    .sort((a, b) => b.edition - a.edition);
}

async function passagesOf(deps: DocumentDeps, documentId: string): Promise<DiffPassage[]> {
  const passages: DiffPassage[] = [];
  const limit = 1000;
  for (let offset = 0; ; offset += limit) {
    const page = await engineCall(() =>
      deps.client.index(deps.indexes.passages).getDocuments({
        filter: `documentId = ${JSON.stringify(documentId)}`,
        fields: ['id', 'sectionPath', 'paragraph', 'page', 'order', 'text'],
        limit,
        offset,
      }),
    );
    for (const p of page.results) {
      passages.push({
        id: String(p.id),
        sectionPath: (p.sectionPath as string[]) ?? [],
        paragraph: Number(p.paragraph),
        page: typeof p.page === 'number' ? p.page : null,
        order: Number(p.order),
        text: String(p.text),
      });
    }
    if (page.results.length < limit) break;
  }
  return passages;
}

export async function getDocument(deps: DocumentDeps, id: string, origin: string): Promise<DocumentResponse> {
  const document = await loadDocument(deps, id);
  return { ...document, editions: await editionsOf(deps, document, origin) };
}

export async function diffDocument(
  deps: DocumentDeps,
  id: string,
  against: number,
  origin: string,
): Promise<DiffResponse> {
  const to = await loadDocument(deps, id);
  const editions = await editionsOf(deps, to, origin);
  if (against === to.edition) {
    throw new HttpProblem(
      400,
      'Invalid request',
      `against: ${id} is itself the ${against} edition; give another edition.`,
      [{ parameter: 'against', message: `the document is the ${against} edition` }],
    );
  }
  const other = editions.find((e) => e.edition === against);
  if (!other) {
    const held = editions.map((e) => e.edition).join(', ');
    throw new HttpProblem(
      404,
      'Edition not found',
      `No ${against} edition of ${to.title} is indexed; editions held: ${held}.`,
    );
  }
  const from = await loadDocument(deps, other.id);
  const diff = diffEditions(await passagesOf(deps, from.id), await passagesOf(deps, to.id));
  const snippetOnly = deps.sources.get(to.source)?.license.display === 'snippet';
  const shown = (p: DiffPassage) => ({
    id: p.id,
    sectionPath: p.sectionPath,
    paragraph: p.paragraph,
    page: p.page,
    text: snippetOnly ? snippetAround(p.text) : p.text,
    permalink: `${origin}/passages/${p.id}`,
  });
  const ref = (d: Document) => ({
    id: d.id,
    edition: d.edition,
    latest: d.latest,
    title: d.title,
    url: `${origin}/api/documents/${d.id}`,
  });
  return {
    from: ref(from),
    to: ref(to),
    summary: {
      sections: {
        added: diff.sections.added.length,
        removed: diff.sections.removed.length,
        changed: diff.sections.changed.length,
        unchanged: diff.sections.unchanged,
      },
      passages: {
        added: diff.passages.added.length,
        removed: diff.passages.removed.length,
        changed: diff.passages.changed.length,
        unchanged: diff.passages.unchanged,
      },
    },
    sections: { added: diff.sections.added, removed: diff.sections.removed, changed: diff.sections.changed },
    passages: {
      added: diff.passages.added.map(shown),
      removed: diff.passages.removed.map(shown),
      changed: diff.passages.changed.map((c) => ({
        from: shown(c.from),
        to: shown(c.to),
        similarity: c.similarity,
        textChanged: c.textChanged,
        sectionChanged: c.sectionChanged,
      })),
    },
  };
}

// The router type is whatever createRouter() returns; kept structural to avoid a cycle with app.ts.
type Router = ReturnType<typeof import('./app.ts').createRouter>;

const originOf = (url: string) => new URL(url).origin;

export function registerDocumentRoutes(router: Router, deps: DocumentDeps): void {
  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/documents/{id}',
      summary: 'One document: metadata, outline and editions',
      description:
        'A document is one edition of one report. The outline lists every section with its first passage (`firstPassage` is an `order`), passage count and first page; `supersededBy` names the newer edition, and `editions` every edition held.',
      request: { params: DocumentIdParam },
      responses: {
        200: { description: 'The document', content: { 'application/json': { schema: DocumentResponse } } },
        400: { description: 'Malformed id', content: problemContent },
        404: { description: 'No such document', content: problemContent },
        503: { description: 'Search engine unavailable or nothing indexed yet', content: problemContent },
      },
    }),
    async (c) => c.json(await getDocument(deps, c.req.valid('param').id, originOf(c.req.url)), 200),
  );
  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/documents/{id}/diff',
      summary: 'What changed between two editions of a report',
      description:
        'Sections and passages added, removed and changed going from the `against` edition to this document. Passages are matched on their words: identical text is unchanged (or moved, when its section changed), similar text is changed, the rest was added or removed. Compare a newer edition against an older one to see what it dropped (`removed`).',
      request: { params: DocumentIdParam, query: DiffQuery },
      responses: {
        200: { description: 'The differences', content: { 'application/json': { schema: DiffResponse } } },
        400: { description: 'Malformed id or edition', content: problemContent },
        404: { description: 'No such document or edition', content: problemContent },
        503: { description: 'Search engine unavailable or nothing indexed yet', content: problemContent },
      },
    }),
    async (c) =>
      c.json(
        await diffDocument(deps, c.req.valid('param').id, c.req.valid('query').against, originOf(c.req.url)),
        200,
      ),
  );
}
