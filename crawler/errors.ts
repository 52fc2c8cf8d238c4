/**
 * Why a URL could not be fetched, in a small taxonomy that decides what happens next (after crawlee's):
 * non-retryable (404, refused redirect, too large…) ends the URL; retryable (5xx, timeouts, resets) is
 * retried with jittered backoff; throttled (429/503 with Retry-After) waits without spending a retry;
 * fatal stops the crawl (bad configuration).
 */
export type FailureKind = 'non-retryable' | 'retryable' | 'throttled' | 'fatal';

export type FailureReason =
  | 'http-4xx'
  | 'http-5xx'
  | 'throttled'
  | 'timeout'
  | 'network'
  | 'too-large'
  | 'decompression'
  | 'truncated'
  | 'redirect-loop'
  | 'too-many-redirects'
  | 'redirect-refused'
  | 'private-address'
  | 'off-allowlist'
  | 'robots'
  | 'content-type'
  | 'malformed-html'
  | 'corrupt-pdf'
  | 'internal'
  | 'config';

export class FetchFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly reason: FailureReason,
    message: string,
    readonly status?: number,
    /** For throttled failures: how long the server asked us to wait. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'FetchFailure';
  }
}
