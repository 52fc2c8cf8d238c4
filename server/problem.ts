/**
 * Errors as RFC 9457 problem details (application/problem+json): a status, a short title and a detail that
 * says what was wrong and how to fix it.
 */

import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { receivedType } from '../core/zod-issues.ts';

export const Problem = z
  .object({
    type: z
      .string()
      .describe('A URI reference identifying the problem type; "about:blank" for plain HTTP errors.'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ parameter: z.string(), message: z.string() }))
      .optional()
      .describe('One entry per invalid parameter.'),
  })
  .openapi('Problem');
export type Problem = z.infer<typeof Problem>;

export class HttpProblem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly title: string,
    readonly detail: string,
    readonly errors?: Problem['errors'],
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

export function problemResponse(
  c: Context,
  problem: Omit<Problem, 'type'> & { type?: string },
  headers: Record<string, string> = {},
): Response {
  const body: Problem = {
    type: problem.type ?? 'about:blank',
    ...problem,
    instance: problem.instance ?? c.req.path,
  };
  return c.body(JSON.stringify(body), problem.status as ContentfulStatusCode, {
    ...headers,
    'content-type': 'application/problem+json; charset=utf-8',
  });
}

/** Where in a JSON body a bad value is: "exhibits[0].summary", "caption.aNumber". */
function bodyPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
}

const NOUNS: Record<string, string> = {
  array: 'a list',
  object: 'an object',
  string: 'text',
  number: 'a number',
  null: 'null',
  int: 'a whole number',
  boolean: 'true or false',
};
const nounOf = (type: string) => NOUNS[type] ?? type;

/**
 * A plain message for an issue our schemas gave no message of their own, instead of zod's ("Invalid
 * option: expected one of \"text\"|\"csl-json\"", "Invalid input: expected array, received undefined"):
 * the problem names the field; the message says what it takes. Our own messages are kept. Applied here,
 * not as zod's global error map, so that other readers of zod issues (config files) see zod's own.
 */
export function plainIssueMessage(issue: z.core.$ZodIssue): string {
  if (!/^Invalid (option|input)\b/.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${String(issue.values[0])}`
        : `expected one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_type': {
      const received = receivedType(issue);
      if (received === 'undefined') return `is required (${nounOf(issue.expected)})`;
      return received
        ? `expected ${nounOf(issue.expected)}, not ${nounOf(received)}`
        : `expected ${nounOf(issue.expected)}`;
    }
    default:
      return issue.message;
  }
}

/** zod validation issues → one problem listing every bad parameter. */
export function validationProblem(c: Context, issues: readonly z.core.$ZodIssue[], where: string): Response {
  // A query parameter is named ("country"), not the position inside a repeated parameter; a field of a
  // JSON body by its full path, so the caller finds it in a long request.
  const errors = issues.map((issue) => ({
    parameter: where === 'json' && issue.path.length ? bodyPath(issue.path) : String(issue.path[0] ?? where),
    message: plainIssueMessage(issue),
  }));
  return problemResponse(c, {
    status: 400,
    title: 'Invalid request',
    detail: errors.map((e) => `${e.parameter}: ${e.message}`).join('; '),
    errors,
  });
}
