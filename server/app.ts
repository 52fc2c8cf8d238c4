/**
 * createApp(deps) builds the HTTP API from injected dependencies, so tests run it through app.request()
 * against a real Meilisearch without opening a port. Validation and the OpenAPI document come from the same
 * zod schemas (server/schemas.ts); every error is application/problem+json.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import type { Meilisearch } from 'meilisearch';
import type { Archive } from '../core/archive.ts';
import { type Logger, silentLogger } from '../core/log.ts';
import type { IndexNames } from '../core/search-index.ts';
import type { SourceRegistry } from '../core/sources.ts';
import type { Taxonomy } from '../core/taxonomy.ts';
import { type AccessPolicy, apiAccess } from './access.ts';
import { catalogRoutes } from './catalog-routes.ts';
import { mountDocs } from './docs.ts';
import { registerDocumentRoutes } from './documents.ts';
import { registerExhibitRoutes } from './exhibits/routes.ts';
import { HttpProblem, problemResponse } from './problem.ts';
import { API_ERRORS, API_SECURITY, createRouter, problemContent } from './router.ts';
import { Health, PassageResponse, SearchQuery, SearchResponse } from './schemas.ts';
import { getPassage, searchPassages } from './search.ts';

export { type AppEnv, createRouter } from './router.ts';

export interface AppDeps {
  client: Meilisearch;
  indexes: IndexNames;
  sources: SourceRegistry;
  /** The original captures, for exhibit packets (original PDF pages). */
  archive?: Archive;
  /** Topic and legal-element ids and labels; core/taxonomy.yaml when not given. */
  taxonomy?: Taxonomy;
  logger?: Logger;
  version?: string;
  /** Keys and rate limits for /api/*; without it the API is open and unlimited (embedding, tests). */
  access?: AccessPolicy;
  /** Origins allowed to call /api/* from a browser ("*" for any); none by default (same origin only). */
  corsOrigins?: string[];
}

/** Absolute origin of the request, for permalinks. */
export function originOf(c: Context): string {
  return new URL(c.req.url).origin;
}

export function createApp(deps: AppDeps) {
  const logger = deps.logger ?? silentLogger;
  const app = createRouter();
  app.use('*', requestId());
  if (deps.corsOrigins?.length) {
    const origins = deps.corsOrigins;
    app.use(
      '/api/*',
      cors({
        origin: origins.includes('*') ? '*' : origins,
        allowMethods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
        allowHeaders: ['Authorization', 'X-API-Key', 'Content-Type'],
        exposeHeaders: ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After'],
        maxAge: 600,
      }),
    );
  }
  if (deps.access) app.use('/api/*', apiAccess(deps.access, logger));
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API key from the operator ("countrycite keys create"), as "Authorization: Bearer <key>" or "X-API-Key: <key>". Optional where the server allows anonymous calls at a lower rate.',
  });

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
        'Full-text search over citable passages: "phrases" and -exclusions, taxonomy synonyms, filters by country (subject or mentioned), source (include and exclude), protected ground, topic, legal element and edition (one, a range, or latest only), facet counts for every filter, and relevance or date order. Latest editions by default; `editions` in the response counts matches in older editions, and when only older editions match, their hits are returned with a notice.',
      request: { query: SearchQuery },
      security: API_SECURITY,
      responses: {
        200: {
          description: 'Matching passages',
          content: { 'application/json': { schema: SearchResponse } },
        },
        400: { description: 'Invalid parameters', content: problemContent },
        ...API_ERRORS,
      },
    }),
    async (c) => c.json(await searchPassages(deps, c.req.valid('query'), originOf(c)), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/passages/{id}',
      summary: 'One passage with its neighbours',
      security: API_SECURITY,
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
        ...API_ERRORS,
      },
    }),
    async (c) => c.json(await getPassage(deps, c.req.valid('param').id, originOf(c)), 200),
  );

  registerExhibitRoutes(app, deps);
  registerDocumentRoutes(app, deps);
  app.route('/', catalogRoutes(deps));

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    // Every /api route accepts a key, and answers 401 or 429 as API_ERRORS describes, whoever defined it.
    security: API_SECURITY,
    info: {
      title: 'CountryCite API',
      version: deps.version ?? '0.0.0',
      description:
        'Search, cite and assemble country-conditions passages from public reports. Errors are application/problem+json (RFC 9457) with a `detail` that says how to fix the request. Calls without an API key are allowed at a lower rate unless the server requires a key; every /api answer carries RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset headers when limits are on.',
    },
  });
  mountDocs(app);

  const allowedMethods = routeMethods(app);
  app.notFound((c) => {
    const allowed = allowedMethods(c.req.path);
    if (allowed.length) {
      return problemResponse(
        c,
        {
          status: 405,
          title: 'Method not allowed',
          detail: `${c.req.path} answers ${allowed.join(', ')}, not ${c.req.method}. The API is described at /openapi.json.`,
        },
        { Allow: allowed.join(', ') },
      );
    }
    return problemResponse(c, {
      status: 404,
      title: 'Not found',
      detail: `There is nothing at ${c.req.method} ${c.req.path}. The API is described at /openapi.json and browsable at /docs.`,
    });
  });
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

/**
 * The methods the documented routes answer at a path (HEAD with GET), for 405 and its Allow header: a
 * path that exists under another method is not "not found". Built once, from the OpenAPI registry.
 */
function routeMethods(app: ReturnType<typeof createRouter>): (path: string) => string[] {
  let routes: { pattern: RegExp; method: string }[] | undefined;
  return (path) => {
    routes ??= app.openAPIRegistry.definitions.flatMap((d) =>
      d.type === 'route'
        ? [
            {
              // /api/passages/{id} → ^/api/passages/[^/]+$
              pattern: new RegExp(
                `^${d.route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`,
              ),
              method: d.route.method.toUpperCase(),
            },
          ]
        : [],
    );
    const methods = new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}
