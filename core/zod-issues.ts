import type { z } from 'zod';

/**
 * What an invalid_type issue received ("undefined" for a field left out): zod 4 names it only in its
 * message ("Invalid input: expected string, received undefined"). Config files and HTTP problems both
 * turn that into plain words.
 */
export function receivedType(issue: z.core.$ZodIssue): string | undefined {
  return issue.message.match(/received (\w+)$/)?.[1];
}
