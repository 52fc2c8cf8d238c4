/**
 * What every router shares: the app's context variables, a router whose validation failures become one
 * problem naming every bad parameter, and the error responses and security every /api route documents.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Consumer } from './access.ts';
import { Problem, validationProblem } from './problem.ts';

export type AppEnv = { Variables: { requestId: string; consumer: Consumer } };

export const problemContent = { 'application/problem+json': { schema: Problem } };

/** Responses every /api route can give besides its own, for the OpenAPI document. */
export const API_ERRORS = {
  401: {
    description: 'Missing, unknown or revoked API key (when the server requires one)',
    content: problemContent,
  },
  429: {
    description: 'Rate limit reached; Retry-After says how many seconds to wait',
    headers: { 'Retry-After': { schema: { type: 'integer' as const }, description: 'Seconds to wait' } },
    content: problemContent,
  },
  503: { description: 'Search engine unavailable or nothing indexed yet', content: problemContent },
} as const;

/** An API key is optional: `{}` is anonymous access, where the server allows it. */
export const API_SECURITY: Record<string, string[]>[] = [{}, { apiKey: [] }];

export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return validationProblem(c, result.error.issues, result.target);
    },
  });
}
