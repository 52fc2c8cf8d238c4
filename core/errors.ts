/**
 * An error in what the user asked for (an unknown source id, a path that does not exist, a port in use),
 * as opposed to a bug: the CLI prints its message alone, without a stack trace, so the message must say
 * what was wrong and what to do instead.
 */
export class UsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}
