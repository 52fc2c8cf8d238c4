/**
 * Who may call the JSON API and how often. The policy (README, "API access"):
 *  - a request with a valid key (`Authorization: Bearer <key>` or `X-API-Key: <key>`) is limited per key:
 *    the key's own rate, or the server's default for keys;
 *  - a request without a key is anonymous and limited per client address at a lower rate, so the
 *    keyless clients of the first API version keep working; an operator who wants keys only sets the
 *    anonymous rate to 0, and keyless requests then get a 401 that says how to get a key;
 *  - a wrong or revoked key is a 401, never a silent fall-back to anonymous, so a client notices;
 *  - over the limit is a 429 with Retry-After (seconds) and RateLimit-* headers on every answer.
 * The web UI renders on the server through the same search service, so it never needs a key; its own
 * scripts (the exhibit cart) call the API from the page, and the browser marks those requests
 * `Sec-Fetch-Site: same-origin`: they need no key either and count per address at WEB_PAGE_PER_MINUTE (or
 * the anonymous rate when higher). A client that forges the header gets what the open web UI gives anyone.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from '../core/log.ts';
import { type KeyCheck, KeyFileError, type KeyStore } from './keys.ts';
import { problemResponse } from './problem.ts';

export interface AccessPolicy {
  keys: KeyStore;
  /** Requests per minute per client address without a key; 0 requires a key. */
  anonymousPerMinute: number;
  /** Requests per minute for a key that has no rate of its own. */
  keyPerMinute: number;
  /** Take the client address from X-Forwarded-For (only behind a reverse proxy you run). */
  trustProxy: boolean;
}

export type Consumer =
  | { kind: 'key'; id: string; name: string }
  | { kind: 'anonymous' | 'web-page'; address: string };

/** Requests a minute per address from the web UI's own scripts: a person working in the page. */
export const WEB_PAGE_PER_MINUTE = 120;

const WINDOW_SECONDS = 60;

function presentedKey(c: Context): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
  return bearer ?? c.req.header('x-api-key')?.trim() ?? undefined;
}

function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // No socket (app.request() in tests, or another runtime): all such requests share one bucket.
    return 'unknown';
  }
}

export function apiAccess(
  policy: AccessPolicy,
  logger?: Logger,
): MiddlewareHandler<{ Variables: { consumer: Consumer } }> {
  const limiters = new Map<number, RateLimiterMemory>();
  const limiter = (points: number) => {
    let l = limiters.get(points);
    if (!l) {
      l = new RateLimiterMemory({ points, duration: WINDOW_SECONDS, keyPrefix: `per-${points}` });
      limiters.set(points, l);
    }
    return l;
  };

  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return next();
    const key = presentedKey(c);
    let consumer: Consumer;
    let points: number;
    if (key !== undefined) {
      let check: KeyCheck;
      try {
        check = await policy.keys.check(key);
      } catch (error) {
        if (!(error instanceof KeyFileError)) throw error;
        // The operator's problem, not the caller's: the caller learns that much, the log says the rest.
        logger?.error({ err: error }, 'API keys file unreadable');
        return problemResponse(c, {
          status: 503,
          title: 'API keys unavailable',
          detail:
            'The server cannot read its API keys file just now; the operator has been told. Try again later.',
        });
      }
      if (check.status !== 'valid') {
        c.header('WWW-Authenticate', 'Bearer realm="countrycite"');
        return problemResponse(c, {
          status: 401,
          title: check.status === 'revoked' ? 'API key revoked' : 'Invalid API key',
          detail:
            check.status === 'revoked'
              ? `The API key ${check.record.shown}… was revoked on ${check.record.revokedAt}. Ask the operator for a new key.`
              : 'The API key is not one this server issued. Check for a copying mistake, or ask the operator for a key ("countrycite keys create"). Send it as "Authorization: Bearer <key>".',
        });
      }
      consumer = { kind: 'key', id: check.record.id, name: check.record.name };
      points = check.record.ratePerMinute ?? policy.keyPerMinute;
    } else if (c.req.header('sec-fetch-site') === 'same-origin') {
      consumer = { kind: 'web-page', address: clientAddress(c, policy.trustProxy) };
      points = Math.max(WEB_PAGE_PER_MINUTE, policy.anonymousPerMinute);
    } else {
      if (policy.anonymousPerMinute <= 0) {
        c.header('WWW-Authenticate', 'Bearer realm="countrycite"');
        return problemResponse(c, {
          status: 401,
          title: 'API key required',
          detail:
            'This server answers API requests with a key only. Send it as "Authorization: Bearer <key>" (or "X-API-Key: <key>"); the operator creates keys with "countrycite keys create". The web UI at / needs no key.',
        });
      }
      consumer = { kind: 'anonymous', address: clientAddress(c, policy.trustProxy) };
      points = policy.anonymousPerMinute;
    }

    const bucket = consumer.kind === 'key' ? `key:${consumer.id}` : `${consumer.kind}:${consumer.address}`;
    let state: RateLimiterRes;
    let allowed = true;
    try {
      state = await limiter(points).consume(bucket);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      state = rejection;
      allowed = false;
    }
    const resetSeconds = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
    c.header('RateLimit-Limit', String(points));
    c.header('RateLimit-Remaining', String(state.remainingPoints));
    c.header('RateLimit-Reset', String(resetSeconds));
    if (!allowed) {
      c.header('Retry-After', String(resetSeconds));
      return problemResponse(c, {
        status: 429,
        title: 'Too many requests',
        detail:
          consumer.kind === 'key'
            ? `The key ${consumer.name} (${consumer.id}) may make ${points} requests a minute. Try again in ${resetSeconds} s, or ask the operator for a higher rate.`
            : consumer.kind === 'web-page'
              ? `The page may make ${points} requests a minute to the API. Try again in ${resetSeconds} s.`
              : `Requests without an API key are limited to ${points} a minute per address. Try again in ${resetSeconds} s, or use an API key ("Authorization: Bearer <key>") for a higher limit.`,
      });
    }
    c.set('consumer', consumer);
    await next();
  };
}
