/**
 * robots.txt per RFC 9309: a 2xx is parsed (robots-parser; only the first 500 KiB are read), a 4xx means
 * everything is allowed, and a 5xx or a network failure means nothing is allowed until it can be fetched.
 * Answers are cached per origin for at most 24 hours (an unreachable file is retried after an hour).
 * Crawl-delay (not in the RFC, but widely used) is honoured up to a cap.
 */
import { createRequire } from 'node:module';
import { FetchFailure } from './errors.ts';
import type { Fetcher } from './fetcher.ts';

interface Robot {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getMatchingLineNumber(url: string, ua?: string): number;
  getCrawlDelay(ua?: string): number | undefined;
  getSitemaps(): string[];
}
// robots-parser is CommonJS with a loose type declaration; require gives it a precise type here.
const robotsParser = createRequire(import.meta.url)('robots-parser') as (url: string, body: string) => Robot;

export const ROBOTS_MAX_BYTES = 500 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;
const UNREACHABLE_RETRY_MS = 60 * 60 * 1000;

export type RobotsStatus = 'parsed' | 'unavailable' | 'unreachable';

export interface RobotsVerdict {
  allowed: boolean;
  /** Why, for the crawl log: "robots.txt line 4", "robots.txt unreachable (HTTP 503)". */
  reason: string;
}

export class RobotsPolicy {
  constructor(
    readonly origin: string,
    readonly status: RobotsStatus,
    readonly fetchedAt: number,
    private readonly robot: Robot | null,
    private readonly detail: string,
  ) {}

  /** Robots rules from a fetched file body (exposed for unit tests of the policy). */
  static fromBody(origin: string, body: string, now = Date.now()): RobotsPolicy {
    const text = body.length > ROBOTS_MAX_BYTES ? body.slice(0, ROBOTS_MAX_BYTES) : body;
    return new RobotsPolicy(origin, 'parsed', now, robotsParser(`${origin}/robots.txt`, text), 'robots.txt');
  }

  expired(now = Date.now()): boolean {
    return now - this.fetchedAt > (this.status === 'unreachable' ? UNREACHABLE_RETRY_MS : DAY_MS);
  }

  check(url: string, userAgent: string): RobotsVerdict {
    if (this.status === 'unavailable') return { allowed: true, reason: `no robots.txt (${this.detail})` };
    if (this.status === 'unreachable')
      return {
        allowed: false,
        reason: `robots.txt unreachable (${this.detail}); nothing is fetched from ${this.origin} until it answers`,
      };
    const robot = this.robot as Robot;
    const allowed = robot.isAllowed(url, userAgent);
    if (allowed === undefined)
      throw new Error(`robots.txt of ${this.origin} asked about ${url}, which is on another origin`);
    const line = robot.getMatchingLineNumber(url, userAgent);
    return { allowed, reason: line > 0 ? `robots.txt line ${line}` : 'robots.txt (no matching rule)' };
  }

  crawlDelaySeconds(userAgent: string): number | undefined {
    return this.robot?.getCrawlDelay(userAgent);
  }

  sitemaps(): string[] {
    return this.robot?.getSitemaps() ?? [];
  }
}

export class RobotsCache {
  private readonly cache = new Map<string, Promise<RobotsPolicy>>();

  constructor(
    private readonly fetcher: Fetcher,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The rules for `url`'s origin, from the cache or fetched; `send` runs the fetch (the frontier passes its
   * per-host pacing, so robots.txt is requested as politely as any page).
   */
  async policyFor(
    url: string,
    send: <T>(request: () => Promise<T>) => Promise<T> = (request) => request(),
  ): Promise<RobotsPolicy> {
    const origin = new URL(url).origin;
    const cached = this.cache.get(origin);
    if (cached) {
      const policy = await cached;
      if (!policy.expired(this.now())) return policy;
    }
    const loading = this.load(origin, send);
    this.cache.set(origin, loading);
    return loading;
  }

  private async load(
    origin: string,
    send: <T>(request: () => Promise<T>) => Promise<T>,
  ): Promise<RobotsPolicy> {
    const now = this.now();
    try {
      const result = await send(() =>
        this.fetcher.fetch({
          url: `${origin}/robots.txt`,
          accept: 'text/plain,*/*;q=0.1',
        }),
      );
      return RobotsPolicy.fromBody(origin, result.body.toString('utf8'), now);
    } catch (error) {
      // RFC 9309 §2.3.1.3: a 4xx means no rules. A 429 is a request to slow down, not an answer: like a
      // 5xx it leaves the file unreachable (as Google treats it), so nothing is fetched until it answers.
      if (error instanceof FetchFailure && error.reason === 'http-4xx') {
        return new RobotsPolicy(origin, 'unavailable', now, null, `HTTP ${error.status}`);
      }
      const detail =
        error instanceof FetchFailure && error.status
          ? `HTTP ${error.status}`
          : error instanceof Error
            ? error.message
            : String(error);
      return new RobotsPolicy(origin, 'unreachable', now, null, detail);
    }
  }
}
