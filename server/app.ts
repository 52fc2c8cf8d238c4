/**
 * createApp(deps) builds the HTTP API from injected dependencies, so tests run it through app.request()
 * against a real Meilisearch without opening a port. Validation and the OpenAPI document come from the same
 * zod schemas (server/schemas.ts); every error is application/problem+json.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import type { Meilisearch } from 'meilisearch';
import type { Archive } from '../core/archive.ts';
import { type Logger, silentLogger } from '../core/log.ts';
import type { IndexNames } from '../core/search-index.ts';
import type { SourceRegistry } from '../core/sources.ts';
import { registerDocumentRoutes } from './documents.ts';
import { registerExhibitRoutes } from './exhibits/routes.ts';
import { HttpProblem, Problem, problemResponse, validationProblem } from './problem.ts';
import { Health, PassageResponse, SearchQuery, SearchResponse } from './schemas.ts';
import { getPassage, searchPassages } from './search.ts';

export interface AppDeps {
  client: Meilisearch;
  indexes: IndexNames;
  sources: SourceRegistry;
  /** The original captures, for exhibit packets (original PDF pages). */
  archive?: Archive;
  logger?: Logger;
  version?: string;
}

export type AppEnv = { Variables: { requestId: string } };

const problemContent = { 'application/problem+json': { schema: Problem } };

/** Absolute origin of the request, for permalinks. */
export function originOf(c: Context): string {
  return new URL(c.req.url).origin;
}

export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return validationProblem(c, result.error.issues, result.target);
    },
  });
}

export function createApp(deps: AppDeps) {
  const logger = deps.logger ?? silentLogger;
  const app = createRouter();
  app.use('*', requestId());

  app.openapi(
    createRoute({
      method: 'get',
      path: '/health',
      summary: 'Service health',
      responses: {
        200: { description: 'Meilisearch is reachable', content: { 'application/json': { schema: Health } } },
        503: {
          description: 'Meilisearch is unreachable',
          content: { 'application/json': { schema: Health } },
        },
      },
    }),
    async (c) => {
      const version = deps.version ?? '0.0.0';
      try {
        const stats = await deps.client.getStats();
        const count = (uid: string) => stats.indexes[uid]?.numberOfDocuments ?? 0;
        return c.json(
          {
            status: 'ok' as const,
            meilisearch: 'available' as const,
            passages: count(deps.indexes.passages),
            documents: count(deps.indexes.documents),
            version,
          },
          200,
        );
      } catch {
        return c.json(
          {
            status: 'unavailable' as const,
            meilisearch: 'unreachable' as const,
            passages: null,
            documents: null,
            version,
          },
          503,
        );
      }
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/search',
      summary: 'Search passages',
      description:
        'Full-text search over citable passages with filters by country, protected ground, source and edition. Latest editions by default; see `editions` in the response for matches in older editions.',
      request: { query: SearchQuery },
      responses: {
        200: {
          description: 'Matching passages',
          content: { 'application/json': { schema: SearchResponse } },
        },
        400: { description: 'Invalid parameters', content: problemContent },
        503: { description: 'Search engine unavailable or nothing indexed yet', content: problemContent },
      },
    }),
    async (c) => c.json(await searchPassages(deps, c.req.valid('query'), originOf(c)), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/passages/{id}',
      summary: 'One passage with its neighbours',
      request: {
        params: z.object({
          id: z
            .string()
            .regex(/^[A-Za-z0-9_-]{1,511}$/, 'passage ids contain only letters, digits, "-" and "_"')
            .openapi({ param: { name: 'id', in: 'path' }, example: 'us-dos-hrr_gt_2023_5Fa42tpwEHtM1_om' }),
        }),
      },
      responses: {
        200: { description: 'The passage', content: { 'application/json': { schema: PassageResponse } } },
        400: { description: 'Malformed id', content: problemContent },
        404: { description: 'No such passage', content: problemContent },
      },
    }),
    async (c) => c.json(await getPassage(deps, c.req.valid('param').id, originOf(c)), 200),
  );

  registerExhibitRoutes(app, deps);
  registerDocumentRoutes(app, deps);

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'CountryCite API',
      version: deps.version ?? '0.0.0',
      description: 'Search, cite and assemble country-conditions passages from public reports.',
    },
  });

  app.notFound((c) =>
    problemResponse(c, {
      status: 404,
      title: 'Not found',
      detail: `There is nothing at ${c.req.method} ${c.req.path}. The API is described at /openapi.json.`,
    }),
  );
  app.onError((error, c) => {
    if (error instanceof HttpProblem) {
      return problemResponse(c, {
        status: error.status,
        title: error.title,
        detail: error.detail,
        ...(error.errors ? { errors: error.errors } : {}),
      });
    }
    // Hono's own errors (e.g. a request body that is not JSON) keep their 4xx status.
    if (error instanceof HTTPException && error.status < 500) {
      return problemResponse(c, {
        status: error.status,
        title: 'Invalid request',
        detail: `${error.message}. Send a JSON body as described at /openapi.json.`,
      });
    }
    logger.error({ err: error, path: c.req.path, requestId: c.get('requestId') }, 'request failed');
    return problemResponse(c, {
      status: 500,
      title: 'Internal error',
      detail: `Something went wrong on our side (request ${c.get('requestId')}). It has been logged.`,
    });
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
