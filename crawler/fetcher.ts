/**
 * How a page is fetched: undici with connect, header, body-silence and whole-response timeouts, a cap on
 * body size (also after decompression, so a gzip bomb stops at the cap), at most 10 redirects each
 * re-checked against private addresses and the host allowlist, and conditional GET from the last capture's
 * validators. One undici Agent with a socket budget caps the open sockets for the whole crawl.
 */
import { isIP } from 'node:net';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { Agent, request, errors as undiciErrors } from 'undici';
import { FetchFailure } from './errors.ts';
import { isPrivateAddress, type NetworkPolicy } from './network-policy.ts';
import { originKey, SocketBudget } from './sockets.ts';

export interface FetcherOptions {
  policy: NetworkPolicy;
  userAgent: string;
  /** Open sockets across all hosts. */
  maxSockets?: number;
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  /** Longest silence while the body streams (a stalled body). */
  bodyTimeoutMs?: number;
  /** Longest time for a whole response, however steadily it trickles in. */
  totalTimeoutMs?: number;
  maxBodyBytes?: number;
  maxRedirects?: number;
}

export interface FetchRequest {
  url: string;
  etag?: string | null;
  lastModified?: string | null;
  accept?: string;
  /** Called when each response's headers arrive (the frontier's politeness clock). */
  onResponse?: () => void;
  /** Awaited before each redirect hop, so hops are paced like any request. */
  beforeRedirect?: () => Promise<void>;
}

export interface FetchResult {
  url: string;
  /** URL after redirects. */
  finalUrl: string;
  status: number;
  contentType: string | null;
  etag: string | null;
  lastModified: string | null;
  retryAfter: string | null;
  /** Empty for 304. */
  body: Buffer;
}

export class Fetcher {
  private readonly agent: Agent;
  readonly sockets: SocketBudget;
  private readonly options: Required<Omit<FetcherOptions, 'policy'>> & { policy: NetworkPolicy };

  constructor(options: FetcherOptions) {
    this.options = {
      maxSockets: 16,
      connectTimeoutMs: 10_000,
      headersTimeoutMs: 30_000,
      bodyTimeoutMs: 30_000,
      totalTimeoutMs: 300_000,
      maxBodyBytes: 50 * 1024 * 1024,
      maxRedirects: 10,
      ...options,
    };
    this.sockets = new SocketBudget(this.options.maxSockets);
    this.agent = new Agent({
      // One request at a time per host is the frontier's rule; one socket per origin is all it needs.
      connections: 1,
      connect: this.sockets.connector({
        timeout: this.options.connectTimeoutMs,
        lookup: options.policy.lookup,
      }),
      headersTimeout: this.options.headersTimeoutMs,
      bodyTimeout: this.options.bodyTimeoutMs,
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private checkTarget(url: URL, original: string): void {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new FetchFailure(
        'non-retryable',
        'redirect-refused',
        `refused ${url.href}: only http and https are fetched`,
      );
    }
    const via = url.href !== original ? ` (redirected from ${original})` : '';
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && isPrivateAddress(host) && !this.options.policy.mayUsePrivateAddress(url.hostname)) {
      throw new FetchFailure(
        'non-retryable',
        'private-address',
        `refused ${url.href}${via}: ${host} is a private, loopback or link-local address`,
      );
    }
    if (!this.options.policy.allows(url)) {
      throw new FetchFailure(
        'non-retryable',
        'off-allowlist',
        `refused ${url.href}${via}: ${url.host} is not a host listed for this source`,
      );
    }
  }

  async fetch(req: FetchRequest): Promise<FetchResult> {
    const deadline = AbortSignal.timeout(this.options.totalTimeoutMs);
    try {
      return await this.follow(req, deadline);
    } catch (error) {
      // However the abort surfaced (socket error, aborted body), the cause is the whole-response deadline.
      const transport =
        !(error instanceof FetchFailure) || ['network', 'truncated', 'timeout'].includes(error.reason);
      if (deadline.aborted && transport)
        throw new FetchFailure(
          'retryable',
          'timeout',
          `${req.url}: no complete response within ${this.options.totalTimeoutMs / 1000} s`,
        );
      throw error;
    }
  }

  private async follow(req: FetchRequest, deadline: AbortSignal): Promise<FetchResult> {
    const seen = new Set<string>();
    let current = new URL(req.url);
    for (let hop = 0; ; hop++) {
      this.checkTarget(current, req.url);
      if (hop > 0) await req.beforeRedirect?.();
      if (seen.has(current.href)) {
        throw new FetchFailure(
          'non-retryable',
          'redirect-loop',
          `redirect loop: ${[...seen, current.href].join(' → ')}`,
        );
      }
      seen.add(current.href);
      const headers: Record<string, string> = {
        'user-agent': this.options.userAgent,
        accept:
          req.accept ?? 'text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,*/*;q=0.5',
        'accept-encoding': 'gzip, deflate, br',
      };
      // Validators belong to the URL we asked for, not to a redirect target.
      if (hop === 0 && req.etag) headers['if-none-match'] = req.etag;
      if (hop === 0 && req.lastModified) headers['if-modified-since'] = req.lastModified;
      const done = this.sockets.begin(originKey(current));
      try {
        const outcome = await this.exchange(req, current, headers, deadline, hop);
        if (outcome.redirect === undefined) return outcome.result;
        current = outcome.redirect;
      } finally {
        done();
      }
    }
  }

  /** One request and response: a redirect target to follow, or the final result. */
  private async exchange(
    req: FetchRequest,
    current: URL,
    headers: Record<string, string>,
    deadline: AbortSignal,
    hop: number,
  ): Promise<{ redirect: URL; result?: undefined } | { redirect?: undefined; result: FetchResult }> {
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(current, {
        method: 'GET',
        headers,
        dispatcher: this.agent,
        signal: deadline,
      });
    } catch (error) {
      throw classifyNetworkError(error, current.href);
    }
    const status = response.statusCode;
    const header = (name: string) => {
      const v = response.headers[name];
      return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
    };
    if (status >= 300 && status < 400 && status !== 304) {
      await response.body.dump().catch(() => undefined);
      const location = header('location');
      if (!location)
        throw new FetchFailure(
          'non-retryable',
          'http-4xx',
          `${current.href}: redirect ${status} without a Location`,
          status,
        );
      if (hop + 1 > this.options.maxRedirects) {
        throw new FetchFailure(
          'non-retryable',
          'too-many-redirects',
          `${req.url}: more than ${this.options.maxRedirects} redirects`,
        );
      }
      return { redirect: new URL(location, current) };
    }
    const result = {
      url: req.url,
      finalUrl: current.href,
      status,
      contentType: header('content-type'),
      etag: header('etag'),
      lastModified: header('last-modified'),
      retryAfter: header('retry-after'),
    };
    if (status === 304) {
      await response.body.dump().catch(() => undefined);
      return { result: { ...result, body: Buffer.alloc(0) } };
    }
    if (status === 429 || (status === 503 && result.retryAfter)) {
      await response.body.dump().catch(() => undefined);
      throw new FetchFailure(
        'throttled',
        'throttled',
        `${current.href}: ${status} (asked to slow down)`,
        status,
        retryAfterMs(result.retryAfter),
      );
    }
    if (status >= 500 || status === 408) {
      await response.body.dump().catch(() => undefined);
      throw new FetchFailure('retryable', 'http-5xx', `${current.href}: HTTP ${status}`, status);
    }
    if (status >= 400) {
      await response.body.dump().catch(() => undefined);
      throw new FetchFailure('non-retryable', 'http-4xx', `${current.href}: HTTP ${status}`, status);
    }
    const declared = Number(header('content-length') ?? Number.NaN);
    if (Number.isFinite(declared) && declared > this.options.maxBodyBytes) {
      response.body.destroy();
      throw new FetchFailure(
        'non-retryable',
        'too-large',
        `${current.href}: ${declared} bytes is over the ${this.options.maxBodyBytes}-byte limit`,
      );
    }
    const body = await this.readBody(response.body, header('content-encoding'), current.href, declared);
    return { result: { ...result, body } };
  }

  private async readBody(
    stream: NodeJS.ReadableStream & { destroy(error?: Error): void },
    encoding: string | null,
    url: string,
    declaredLength: number,
  ): Promise<Buffer> {
    const limit = this.options.maxBodyBytes;
    const coding = encoding?.trim().toLowerCase();
    const decoder =
      coding === 'gzip' || coding === 'x-gzip'
        ? createGunzip()
        : coding === 'deflate'
          ? createInflate()
          : coding === 'br'
            ? createBrotliDecompress()
            : null;
    const chunks: Buffer[] = [];
    let size = 0;
    let raw = 0;
    try {
      if (decoder) {
        stream.on('data', (chunk: Buffer) => {
          raw += chunk.length;
        });
        stream.pipe(decoder);
      }
      const source = decoder ?? stream;
      for await (const chunk of source as AsyncIterable<Buffer>) {
        if (!decoder) raw += chunk.length;
        size += chunk.length;
        if (size > limit) {
          stream.destroy();
          decoder?.destroy();
          throw new FetchFailure(
            'non-retryable',
            'too-large',
            `${url}: body is over the ${limit}-byte limit${decoder ? ' after decompression (a compression bomb?)' : ''}`,
          );
        }
        chunks.push(chunk);
      }
    } catch (error) {
      if (error instanceof FetchFailure) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (decoder && code.startsWith('Z_')) {
        throw new FetchFailure(
          'non-retryable',
          'decompression',
          `${url}: the ${coding} body is corrupt (${(error as Error).message})`,
        );
      }
      throw classifyNetworkError(error, url);
    }
    if (!decoder && Number.isFinite(declaredLength) && raw < declaredLength) {
      throw new FetchFailure(
        'retryable',
        'truncated',
        `${url}: body cut short (${raw} of ${declaredLength} bytes)`,
      );
    }
    return Buffer.concat(chunks);
  }
}

/** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function classifyNetworkError(error: unknown, url: string): FetchFailure {
  if (error instanceof FetchFailure) return error;
  const e = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = e.code ?? e.cause?.code ?? '';
  const message = e.message || String(error);
  if (code === 'EPRIVATEADDRESS' || /private address/.test(message)) {
    return new FetchFailure('non-retryable', 'private-address', `${url}: ${message}`);
  }
  if (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError ||
    /timeout/i.test(code)
  ) {
    return new FetchFailure('retryable', 'timeout', `${url}: timed out (${message})`);
  }
  if (
    error instanceof undiciErrors.ResponseContentLengthMismatchError ||
    code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'
  ) {
    return new FetchFailure('retryable', 'truncated', `${url}: body cut short (${message})`);
  }
  if (error instanceof undiciErrors.SocketError || code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') {
    return new FetchFailure('retryable', 'truncated', `${url}: connection closed mid-response (${message})`);
  }
  return new FetchFailure('retryable', 'network', `${url}: ${message}${code ? ` (${code})` : ''}`);
}
