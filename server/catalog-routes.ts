/** /api/sources and /api/countries: what the index holds and how to weigh it. */
import { createRoute, z } from '@hono/zod-openapi';
import { countrySummaries, sourceProfile, sourceProfiles } from './catalog.ts';
import { API_ERRORS, API_SECURITY, createRouter, problemContent } from './router.ts';
import { CountriesResponse, SourceProfile, SourcesResponse } from './schemas.ts';
import type { SearchDeps } from './search.ts';

export function catalogRoutes(deps: SearchDeps) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/sources',
      summary: 'Source profiles',
      description:
        'Every source CountryCite knows (sources.yaml): publisher, cadence, licence, legal weight with its authority, caveats to keep in mind when citing it (e.g. that silence in a State Department report is not evidence that abuse is absent), citation forms, and what the index holds from it.',
      security: API_SECURITY,
      responses: {
        200: { description: 'All sources', content: { 'application/json': { schema: SourcesResponse } } },
        ...API_ERRORS,
      },
    }),
    async (c) => c.json({ sources: await sourceProfiles(deps) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/sources/{id}',
      summary: 'One source profile',
      security: API_SECURITY,
      request: {
        params: z.object({
          id: z
            .string()
            .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'source ids are lower-case slugs such as us-dos-hrr')
            .openapi({ param: { name: 'id', in: 'path' }, example: 'us-dos-hrr' }),
        }),
      },
      responses: {
        200: { description: 'The source', content: { 'application/json': { schema: SourceProfile } } },
        400: { description: 'Malformed id', content: problemContent },
        404: { description: 'No such source', content: problemContent },
        ...API_ERRORS,
      },
    }),
    async (c) => c.json(await sourceProfile(deps, c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/countries',
      summary: 'Countries with counts',
      description:
        'Every country the index holds reports about, or that passages of other reports name: documents, passages (all and latest editions), passages elsewhere that mention it, editions and sources.',
      security: API_SECURITY,
      responses: {
        200: {
          description: 'Countries by name',
          content: { 'application/json': { schema: CountriesResponse } },
        },
        ...API_ERRORS,
      },
    }),
    async (c) => c.json({ countries: await countrySummaries(deps) }, 200),
  );

  return router;
}
