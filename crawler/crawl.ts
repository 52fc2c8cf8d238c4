/**
 * The crawl loop: seeds from sources.yaml → robots check → polite fetch (frontier) → archive → links that
 * match the source's follow rules. Every URL ends with a recorded outcome in the crawl state; one bad page
 * never stops the crawl, and the run ends with a summary per source (fetched, not modified, skipped by
 * robots, failed by reason). Only a bad configuration (or a broken data directory) is fatal.
 *
 * Crash safety: each URL's step is one transaction in the crawl state (outcome, validators of the new
 * capture, links found), committed after the capture is in the archive. A crawl killed at any point is
 * resumed by running it again with the same sources and filters: done URLs are not fetched again, and a
 * capture whose step was lost is found in the archive catalog, so its URL's re-fetch (conditional GET, or an
 * identical body) makes no second capture.
 */
import { appendFile, mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Archive } from '../core/archive.ts';
import type { DocumentFormat } from '../core/contract.ts';
import { type Logger, silentLogger } from '../core/log.ts';
import { isAlive } from '../core/meilisearch.ts';
import type { Source } from '../core/sources.ts';
import {
  type CrawlFilter,
  discoverLinks,
  editionInText,
  type Parent,
  pageText,
  SourceRules,
} from './discover.ts';
import { FetchFailure } from './errors.ts';
import { Fetcher, type FetcherOptions, type FetchResult } from './fetcher.ts';
import { Frontier } from './frontier.ts';
import { NetworkPolicy } from './network-policy.ts';
import { canonicalUrl, expandSeed } from './patterns.ts';
import { RobotsCache } from './robots.ts';
import { CrawlState, type FailedReason, type Finish, type FrontierEntry, type QueuedEntry } from './state.ts';

/** The product token robots.txt groups are matched against. */
export const USER_AGENT_TOKEN = 'CountryCiteBot';

// "Mozilla/5.0 (compatible; …)" is how crawlers identify themselves (Googlebot, bingbot): state.gov answers
// a bare token with 403, and the token and URL still say who we are.
export const USER_AGENT = `Mozilla/5.0 (compatible; ${USER_AGENT_TOKEN}/0.1; +https://github.com/countrycite/countrycite)`;

export interface CrawlLimits extends CrawlFilter {
  /** URLs per source per run (the smaller of this and the source's crawl.maxPages). */
  maxPages?: number | undefined;
}

export interface RetryOptions {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest single wait honoured for Retry-After. */
  maxThrottleMs: number;
  /** Throttled answers tolerated per URL before giving up (they do not spend retries). */
  maxThrottles: number;
}

export interface CrawlOptions {
  archive: Archive;
  sources: Source[];
  dataDir: string;
  filter?: CrawlLimits;
  dryRun?: boolean;
  logger?: Logger;
  userAgent?: string;
  fetcher?: Partial<Omit<FetcherOptions, 'policy' | 'userAgent'>>;
  retry?: Partial<RetryOptions>;
  /** Requests in flight across all hosts (also the open-socket cap unless `fetcher.maxSockets` is set). */
  maxInFlight?: number;
  onProgress?: (p: CrawlProgress) => void;
  /** Called once the run is open: whether it resumes an interrupted one. */
  onStart?: (run: { resumed: boolean; alreadyDone: number; queued: number; abandoned: number }) => void;
}

export interface CrawlProgress {
  source: string;
  url: string;
  done: number;
  queued: number;
}

export interface UrlFailure {
  url: string;
  reason: FailedReason;
  message: string;
}

export interface SourceSummary {
  source: string;
  startedAt: string;
  finishedAt: string;
  /** This run continued one that was interrupted. */
  resumed: boolean;
  pages: number;
  fetched: number;
  newCaptures: number;
  notModified: number;
  unchanged: number;
  skippedByRobots: number;
  failed: Partial<Record<FailedReason, number>>;
  /** The first failures (all are counted in `failed`). */
  failures: UrlFailure[];
  /** Documents that would be fetched (dry run only). */
  wouldFetch: string[];
  /** Plain-words explanation when a host could not be reached at all. */
  unreachable: string[];
}

export interface CrawlReport {
  summaries: SourceSummary[];
  /** The run continued one that was interrupted. */
  resumed: boolean;
  /** Most sockets open at once, across all hosts (never above the cap). */
  peakSockets: number;
}

export class CrawlLockedError extends Error {
  constructor(readonly pid: number) {
    super(
      `Another crawl (process ${pid}) is using this data directory. Wait for it to finish, or stop it; an interrupted crawl resumes when you run it again.`,
    );
    this.name = 'CrawlLockedError';
  }
}

const FORMAT_TYPES: Record<DocumentFormat, RegExp> = {
  pdf: /^application\/(pdf|x-pdf|octet-stream)$/,
  html: /^(text\/html|application\/xhtml\+xml)$/,
  text: /^text\/plain$/,
};
const LISTED_FAILURES = 200;

/** Half the delay plus a random half ("equal jitter"), so retries from many crawlers do not line up. */
function jitter(ms: number): number {
  return ms / 2 + Math.random() * (ms / 2);
}

export async function crawl(options: CrawlOptions): Promise<CrawlReport> {
  const logger = options.logger ?? silentLogger;
  const retry: RetryOptions = {
    maxRetries: 3,
    baseDelayMs: 500,
    maxDelayMs: 30_000,
    maxThrottleMs: 60_000,
    maxThrottles: 5,
    ...options.retry,
  };
  const dryRun = options.dryRun ?? false;
  const filter = options.filter ?? {};
  const crawlable = options.sources.filter((s) => s.crawl);
  const rulesBySource = new Map(crawlable.map((s) => [s.id, new SourceRules(s)]));
  const maxInFlight = options.maxInFlight ?? 16;
  const hostDelay = new Map<string, number>();
  for (const s of crawlable)
    for (const host of s.crawl?.hosts ?? [])
      hostDelay.set(
        host.toLowerCase(),
        Math.max(hostDelay.get(host.toLowerCase()) ?? 0, s.crawl?.delaySeconds ?? 1),
      );

  const release = dryRun ? async () => {} : await lock(options.dataDir);
  const state = new CrawlState(dryRun ? ':memory:' : CrawlState.fileFor(options.dataDir));
  const fetcher = new Fetcher({
    policy: new NetworkPolicy(crawlable.flatMap((s) => s.crawl?.hosts ?? [])),
    userAgent: options.userAgent ?? USER_AGENT,
    maxSockets: maxInFlight,
    ...options.fetcher,
  });
  const robots = new RobotsCache(fetcher);
  const frontier = new Frontier(state, { maxInFlight });
  for (const [host, seconds] of hostDelay) frontier.setDelay(host, seconds);
  try {
    if (!dryRun) await state.syncFromArchive(options.archive);
    const scope = JSON.stringify({
      sources: crawlable.map((s) => s.id).sort(),
      country: filter.country ?? null,
      edition: filter.edition ?? null,
      maxPages: filter.maxPages ?? null,
    });
    const run = state.openRun(scope);
    const pages = new Map(crawlable.map((s) => [s.id, state.pagesOf(s.id)]));
    const limitOf = (s: Source) =>
      Math.min(filter.maxPages ?? Number.POSITIVE_INFINITY, s.crawl?.maxPages ?? 5000);
    let done = run.alreadyDone;
    let queued = [...pages.values()].reduce((a, b) => a + b, 0);

    /** Drops links over a source's page budget (in order) and already-known URLs. */
    const admit = (entries: FrontierEntry[]): FrontierEntry[] => {
      const admitted: FrontierEntry[] = [];
      const seen = new Set<string>();
      for (const e of entries) {
        const source = rulesBySource.get(e.source)?.source;
        if (!source || seen.has(e.url) || state.has(e.url)) continue;
        const count = pages.get(e.source) ?? 0;
        if (count >= limitOf(source)) continue;
        seen.add(e.url);
        pages.set(e.source, count + 1);
        admitted.push(e);
      }
      queued += admitted.length;
      return admitted;
    };

    if (!run.resumed) {
      const seeds: FrontierEntry[] = [];
      for (const source of crawlable) {
        for (const seed of source.crawl?.seeds ?? []) {
          for (const { url, edition } of expandSeed(seed.url, seed.editions)) {
            if (filter.edition !== undefined && edition !== undefined && edition !== filter.edition) continue;
            const canonical = canonicalUrl(url);
            seeds.push({
              url: canonical,
              source: source.id,
              host: new URL(canonical).host,
              role: 'listing',
              format: 'html',
              edition: edition ?? null,
              country: null,
              title: null,
              part: null,
              rule: null,
            });
          }
        }
      }
      state.enqueue(admit(seeds));
    }
    options.onStart?.({
      resumed: run.resumed,
      alreadyDone: run.alreadyDone,
      queued,
      abandoned: run.abandoned,
    });

    const end = (entry: QueuedEntry, finish: Finish) => {
      const added = state.finish(entry.url, {
        ...finish,
        discovered: finish.discovered && admit(finish.discovered),
      });
      frontier.wake(new Set(added.map((e) => e.host)));
      done++;
      options.onProgress?.({ source: entry.source, url: entry.url, done, queued });
    };

    const fetchWithRetries = async (entry: QueuedEntry, etag: string | null, lastModified: string | null) => {
      let attempt = 0;
      let throttles = 0;
      for (;;) {
        try {
          return await frontier.request(entry.host, (pacing) =>
            fetcher.fetch({
              url: entry.url,
              etag,
              lastModified,
              onResponse: pacing.responded,
              beforeRedirect: pacing.pace,
            }),
          );
        } catch (error) {
          if (!(error instanceof FetchFailure)) throw error;
          if (error.kind === 'throttled' && throttles < retry.maxThrottles) {
            throttles++;
            const wait = Math.min(error.retryAfterMs ?? jitter(2000 * 2 ** throttles), retry.maxThrottleMs);
            logger.info({ url: entry.url, waitMs: Math.round(wait) }, 'throttled; waiting as asked');
            frontier.holdOff(entry.host, wait);
            continue;
          }
          if (error.kind === 'retryable' && attempt < retry.maxRetries) {
            attempt++;
            frontier.holdOff(
              entry.host,
              jitter(Math.min(retry.baseDelayMs * 2 ** attempt, retry.maxDelayMs)),
            );
            continue;
          }
          throw error;
        }
      }
    };

    const visit = async (entry: QueuedEntry): Promise<void> => {
      const rules = rulesBySource.get(entry.source);
      if (!rules) {
        // Queued by an earlier run whose sources file no longer has this source.
        end(entry, {
          outcome: 'failed',
          fetched: false,
          reason: 'config',
          message: `unknown source ${entry.source}`,
        });
        return;
      }
      let finish: Finish;
      try {
        finish = await examine(entry, rules);
      } catch (error) {
        if (error instanceof FetchFailure)
          finish = { outcome: 'failed', fetched: false, reason: error.reason, message: error.message };
        else {
          logger.error({ url: entry.url, err: error }, 'unexpected error while crawling a page');
          const message = error instanceof Error ? error.message : String(error);
          finish = {
            outcome: 'failed',
            fetched: false,
            reason: 'internal',
            message: `${entry.url}: ${message}`,
          };
        }
      }
      if (finish.outcome === 'failed')
        logger.warn({ source: entry.source, url: entry.url, reason: finish.reason }, finish.message);
      end(entry, finish);
    };

    const examine = async (entry: QueuedEntry, rules: SourceRules): Promise<Finish> => {
      const policy = await robots.policyFor(entry.url, (send) => frontier.request(entry.host, () => send()));
      frontier.setDelay(
        entry.host,
        hostDelay.get(entry.host.toLowerCase()) ?? 1,
        policy.crawlDelaySeconds(USER_AGENT_TOKEN),
      );
      const verdict = policy.check(entry.url, USER_AGENT_TOKEN);
      if (!verdict.allowed) {
        // Counted in the summary; one line per URL only when asked for (LOG_LEVEL=debug).
        logger.debug({ url: entry.url, reason: verdict.reason }, 'skipped by robots.txt');
        return { outcome: 'robots', fetched: false, message: verdict.reason };
      }
      if (entry.role === 'document' && dryRun) return { outcome: 'would-fetch', fetched: false };
      const before = dryRun ? undefined : state.validators(entry.url);
      const result = await fetchWithRetries(entry, before?.etag ?? null, before?.lastModified ?? null);
      let body = result.body;
      let type = mediaType(result.contentType);
      let outcome: Finish['outcome'];
      let capture: Finish['capture'];
      if (result.status === 304) {
        if (entry.role === 'document' || !before) return { outcome: 'not-modified', fetched: true };
        // A listing that has not changed still has links to follow: read them from its last capture.
        body = await options.archive.read(before.sha256);
        type = mediaType(before.contentType);
        outcome = 'not-modified';
      } else {
        const refusal = checkContent(entry, result, type);
        if (refusal) return { outcome: 'failed', fetched: true, ...refusal };
        let edition = entry.edition;
        const rule = rules.rule(entry.rule);
        if (edition === null && rule?.editionInText && isHtml(type))
          edition = editionInText(pageText(body.toString('utf8')), rule.editionInText);
        if (entry.role === 'document' && !entry.country)
          return {
            outcome: 'failed',
            fetched: true,
            reason: 'no-country',
            message: `${entry.url}: no country could be read from the URL, the link or the page that links to it`,
          };
        if (entry.role === 'document' && edition === null)
          return {
            outcome: 'failed',
            fetched: true,
            reason: 'no-edition',
            message: `${entry.url}: no edition could be read from the URL${rule?.editionInText ? ', the page text' : ''} or the page that links to it`,
          };
        if (dryRun) outcome = 'unchanged';
        else {
          const put = await options.archive.put(
            body,
            {
              url: entry.url,
              fetchedAt: new Date().toISOString(),
              status: result.status,
              contentType: result.contentType,
              etag: result.etag,
              lastModified: result.lastModified,
              source: entry.source,
              edition,
              country: entry.country,
              role: entry.role,
              format: entry.format,
              origin: 'crawl',
              importedFrom: null,
              title: entry.title,
              part: entry.part,
            },
            { newestSha256: before?.sha256 ?? null },
          );
          outcome = put.created ? 'captured' : 'unchanged';
          if (put.created) capture = put.capture;
        }
        entry = { ...entry, edition };
      }
      const discovered =
        isHtml(type) || entry.role === 'listing' ? followLinks(body, result.finalUrl, entry, rules) : [];
      return { outcome, fetched: true, capture, discovered };
    };

    const followLinks = (
      body: Buffer,
      baseUrl: string,
      from: QueuedEntry,
      rules: SourceRules,
    ): FrontierEntry[] => {
      const parent: Parent = {
        edition: from.edition,
        country: from.country,
        title: from.title,
        part: from.part,
      };
      const found: FrontierEntry[] = [];
      for (const link of discoverLinks(body.toString('utf8'), baseUrl)) {
        const entry = rules.classify({ ...link, url: canonicalUrl(link.url) }, parent, filter);
        if (entry) found.push(entry);
      }
      return found;
    };

    await frontier.run(visit);
    const summaries = summarize(state, crawlable, run.startedAt, run.resumed, dryRun);
    state.finishRun();
    if (!dryRun) await recordRuns(options.dataDir, summaries);
    return { summaries, resumed: run.resumed, peakSockets: fetcher.sockets.peak };
  } finally {
    state.close();
    await fetcher.close();
    await release();
  }
}

function mediaType(contentType: string | null): string {
  return contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
}

function isHtml(type: string): boolean {
  return FORMAT_TYPES.html.test(type);
}

/** Why a fetched body is not what the rule expects (wrong type, a broken PDF, bytes that are not HTML). */
function checkContent(
  entry: QueuedEntry,
  result: FetchResult,
  type: string,
): { reason: FailedReason; message: string } | null {
  const expected = entry.role === 'listing' ? 'html' : entry.format;
  if (expected && !FORMAT_TYPES[expected].test(type))
    return {
      reason: 'content-type',
      message: `${entry.url}: expected ${expected}, got ${type || 'no content type'}`,
    };
  const missingFromPdf = expected === 'pdf' ? pdfMarkersMissing(result.body) : [];
  if (missingFromPdf.length > 0)
    return {
      reason: 'corrupt-pdf',
      message: `${entry.url}: not a complete PDF (no ${missingFromPdf.join(' and no ')})`,
    };
  if (expected === 'html' && !looksLikeHtml(result.body))
    return {
      reason: 'malformed-html',
      message: `${entry.url}: the body is not HTML (binary bytes or no markup)`,
    };
  return null;
}

/** What a complete PDF has and this body lacks: a header in its first KiB, a trailer in its last 2 KiB. */
function pdfMarkersMissing(body: Buffer): string[] {
  const tail = body.subarray(Math.max(0, body.length - 2048));
  const missing: string[] = [];
  if (body.subarray(0, 1024).indexOf('%PDF-') < 0) missing.push('%PDF header');
  if (tail.indexOf('startxref') < 0) missing.push('startxref');
  if (tail.indexOf('%%EOF') < 0) missing.push('%%EOF trailer');
  return missing;
}

/** Browsers (and cheerio) repair broken markup, so only bodies that are not markup at all are refused. */
function looksLikeHtml(body: Buffer): boolean {
  const head = body.subarray(0, 64 * 1024);
  if (head.includes(0)) return false;
  const text = head.toString('utf8');
  const replaced = text.split('\ufffd').length - 1;
  if (replaced > text.length / 100) return false;
  return /<[a-z!]/i.test(text);
}

/** A network error code in plain words. */
function whyUnreachable(detail: string): string {
  if (/ENOTFOUND|EAI_AGAIN/.test(detail)) return 'its name could not be looked up';
  if (/ECONNREFUSED/.test(detail)) return 'the connection was refused';
  if (/timed out|ETIMEDOUT|timeout/i.test(detail)) return 'it did not answer in time';
  if (/ECONNRESET|socket/i.test(detail)) return 'the connection was cut';
  const status = /HTTP (\d{3})/.exec(detail)?.[1];
  if (status) return `its robots.txt answered HTTP ${status}`;
  return 'the request failed';
}

function summarize(
  state: CrawlState,
  sources: Source[],
  startedAt: string,
  resumed: boolean,
  dryRun: boolean,
): SourceSummary[] {
  const counts = new Map(state.counts().map((c) => [c.source, c]));
  const finishedAt = new Date().toISOString();
  return sources.map((source) => {
    const c = counts.get(source.id);
    const unreachable = new Map<string, string>();
    for (const r of state.listOutcome(source.id, 'robots', 1000)) {
      const detail = /^robots\.txt unreachable \((.*)\); nothing is fetched/.exec(r.message ?? '')?.[1];
      const origin = new URL(r.url).origin;
      if (detail && !unreachable.has(origin))
        unreachable.set(
          origin,
          `${origin} could not be reached: ${whyUnreachable(detail)}, so nothing was fetched from it (${detail.replace(/^\S+robots\.txt: /, '')}). Check the network connection; the next crawl will try again.`,
        );
    }
    return {
      source: source.id,
      startedAt,
      finishedAt,
      resumed,
      pages: c?.pages ?? 0,
      fetched: c?.fetched ?? 0,
      newCaptures: c?.captured ?? 0,
      notModified: c?.notModified ?? 0,
      unchanged: dryRun ? 0 : (c?.unchanged ?? 0),
      skippedByRobots: c?.robots ?? 0,
      failed: c?.failed ?? {},
      failures: state.listOutcome(source.id, 'failed', LISTED_FAILURES).map((f) => ({
        url: f.url,
        reason: f.reason ?? 'internal',
        message: f.message ?? '',
      })),
      wouldFetch: dryRun ? state.listOutcome(source.id, 'would-fetch', 100_000).map((r) => r.url) : [],
      unreachable: [...unreachable.values()],
    };
  });
}

async function recordRuns(dataDir: string, summaries: SourceSummary[]): Promise<void> {
  const dir = path.join(dataDir, 'crawl');
  await mkdir(dir, { recursive: true });
  const lines = summaries.map((s) => JSON.stringify(s)).join('\n');
  if (lines) await appendFile(path.join(dir, 'runs.ndjson'), `${lines}\n`);
}

/** One crawl per data directory at a time: a lock file holding the crawler's pid (a dead pid is stale). */
async function lock(dataDir: string): Promise<() => Promise<void>> {
  const dir = path.join(dataDir, 'crawl');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'crawl.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => unlink(file).catch(() => undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (pid && isAlive(pid)) throw new CrawlLockedError(pid);
      await unlink(file).catch(() => undefined);
    }
  }
  throw new Error(`could not take the crawl lock ${file}`);
}
