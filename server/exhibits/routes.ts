/**
 * HTTP routes for filing: POST /api/exhibits (the packet, or its annotated index) and
 * GET /api/passages/{id}/citation (the citation as text, CSL-JSON or RIS). Packets are built one at a time:
 * a build holds the packet in memory, so a few queued builds are the bound, and more get a 503 to retry.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import PQueue from 'p-queue';
import type { Archive } from '../../core/archive.ts';
import { cite, cslJson, ris } from '../../core/citation.ts';
import { Passage } from '../../core/contract.ts';
import type { Logger } from '../../core/log.ts';
import { HttpProblem, Problem, problemResponse } from '../problem.ts';
import { Citation } from '../schemas.ts';
import { engineCall, type SearchDeps } from '../search.ts';
import { buildAnnotatedIndex } from './annotated-index.ts';
import { buildPacket } from './packet.ts';
import { CitationFormat, ExhibitRequest, LIMITS } from './schemas.ts';

const problemContent = { 'application/problem+json': { schema: Problem } };
const QUEUED_BUILDS = 4;

const PassageId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,511}$/, 'passage ids contain only letters, digits, "-" and "_"')
  .openapi({ param: { name: 'id', in: 'path' }, example: 'us-dos-hrr_gt_2023_5Fa42tpwEHtM1_om' });

const MEDIA = {
  pdf: 'application/pdf',
  'index-pdf': 'application/pdf',
  'index-docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'index-md': 'text/markdown; charset=utf-8',
} as const;

const FILE_NAMES = {
  pdf: 'exhibit-packet.pdf',
  'index-pdf': 'annotated-exhibit-index.pdf',
  'index-docx': 'annotated-exhibit-index.docx',
  'index-md': 'annotated-exhibit-index.md',
} as const;

// The router type is whatever createRouter() returns; kept structural to avoid a cycle with app.ts.
type Router = ReturnType<typeof import('../app.ts').createRouter>;

export function registerExhibitRoutes(
  app: Router,
  deps: SearchDeps & { archive?: Archive | undefined; logger?: Logger | undefined },
): void {
  const builds = new PQueue({ concurrency: 1 });

  app.use(
    '/api/exhibits',
    bodyLimit({
      maxSize: LIMITS.bodyBytes,
      onError: (c) =>
        problemResponse(c, {
          status: 413,
          title: 'Request too large',
          detail: `The request body is over ${LIMITS.bodyBytes / 1024} KiB. List at most ${LIMITS.passages} passages per packet, and split larger filings.`,
        }),
    }),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/exhibits',
      summary: 'Build an exhibit packet or its annotated index',
      description:
        'One PDF in EOIR form: cover page (caption optional), index of exhibits (tab, title, publisher, date, pages), a tab divider before each exhibit, the exhibits (original PDF pages with the cited passages highlighted; typeset sections of HTML and text reports with the passages highlighted and the URL and capture date in the footer), an optional certificate of service, and consecutive page numbers on every page. With `format` index-pdf, index-docx or index-md: the annotated index with "Exh. C at 45" pin cites instead.',
      request: { body: { required: true, content: { 'application/json': { schema: ExhibitRequest } } } },
      responses: {
        200: {
          description: 'The packet or the annotated index',
          content: {
            'application/pdf': { schema: z.string().openapi({ format: 'binary' }) },
            [MEDIA['index-docx']]: { schema: z.string().openapi({ format: 'binary' }) },
            'text/markdown': { schema: z.string() },
          },
        },
        400: { description: 'Invalid request (e.g. no exhibits)', content: problemContent },
        413: { description: 'Request or packet too large', content: problemContent },
        422: { description: 'Unknown passage or document ids', content: problemContent },
        503: { description: 'Busy, or the search engine is unavailable', content: problemContent },
      },
    }),
    async (c) => {
      const request = c.req.valid('json');
      const archive = deps.archive;
      if (!archive) {
        throw new HttpProblem(
          503,
          'Exhibits unavailable',
          'This server was started without its archive, so it cannot read the original reports.',
        );
      }
      if (builds.size >= QUEUED_BUILDS) {
        c.header('retry-after', '10');
        throw new HttpProblem(
          503,
          'Busy',
          'Other exhibit packets are being built. Try again in a few seconds.',
        );
      }
      const format = request.format;
      const body = await builds.add(() =>
        format === 'pdf'
          ? buildPacket({ ...deps, archive }, request)
          : buildAnnotatedIndex({ ...deps, archive }, request, format),
      );
      return c.body(typeof body === 'string' ? body : (body as Uint8Array<ArrayBuffer>), 200, {
        'content-type': MEDIA[format],
        'content-disposition': `attachment; filename="${FILE_NAMES[format]}"`,
      });
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/passages/{id}/citation',
      summary: 'The citation of a passage, for pasting or for a reference manager',
      request: {
        params: z.object({ id: PassageId }),
        query: z.object({
          format: CitationFormat.default('text').openapi({
            description: 'text: the citation forms as JSON; csl-json: a CSL-JSON item; ris: an RIS record.',
          }),
        }),
      },
      responses: {
        200: {
          description: 'The citation',
          content: {
            'application/json': { schema: Citation },
            'application/vnd.citationstyles.csl+json': { schema: z.array(z.record(z.string(), z.unknown())) },
            'application/x-research-info-systems': { schema: z.string() },
          },
        },
        400: { description: 'Malformed id or format', content: problemContent },
        404: { description: 'No such passage', content: problemContent },
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { format } = c.req.valid('query');
      const raw = await engineCall(() => deps.client.index(deps.indexes.passages).getDocument(id), {
        document_not_found: () =>
          new HttpProblem(
            404,
            'Passage not found',
            `No passage has the id "${id}". Search again to find the current passage.`,
          ),
      });
      const passage = Passage.parse(raw);
      const source = deps.sources.get(passage.source);
      if (!source) {
        throw new HttpProblem(
          409,
          'Source no longer configured',
          `Source "${passage.source}" is not in sources.yaml, so the passage cannot be cited.`,
        );
      }
      if (format === 'csl-json') {
        return c.body(JSON.stringify([cslJson(passage.id, passage, source, passage)], null, 2), 200, {
          'content-type': 'application/vnd.citationstyles.csl+json; charset=utf-8',
          'content-disposition': `attachment; filename="${passage.id}.json"`,
        });
      }
      if (format === 'ris') {
        return c.body(ris(passage.id, passage, source, passage), 200, {
          'content-type': 'application/x-research-info-systems; charset=utf-8',
          'content-disposition': `attachment; filename="${passage.id}.ris"`,
        });
      }
      return c.json(cite(passage, source, passage), 200);
    },
  );
}
