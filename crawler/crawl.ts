/**
 * The crawl loop: seeds from sources.yaml → robots check → polite fetch (frontier) → archive → links that
 * match the source's follow rules. Every URL ends with a recorded outcome; one bad page never stops the
 * crawl, and the run ends with a summary per source (fetched, not modified, skipped by robots, failed by
 * reason). Only a bad configuration is fatal.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { load } from 'cheerio';
import type { Archive, Capture } from '../core/archive.ts';
import type { DocumentFormat } from '../core/contract.ts';
import { resolveCountry } from '../core/countries.ts';
import { type Logger, silentLogger } from '../core/log.ts';
import type { Source } from '../core/sources.ts';
import { type FailureReason, FetchFailure } from './errors.ts';
import { Fetcher, type FetcherOptions, type FetchResult } from './fetcher.ts';
import { Frontier } from './frontier.ts';
import { NetworkPolicy } from './network-policy.ts';
import { canonicalUrl, compilePattern, expandSeed, matchPattern } from './patterns.ts';
import { RobotsCache } from './robots.ts';

export const USER_AGENT =
  'CountryCiteBot/0.1 (+https://github.com/countrycite/countrycite; country-conditions research archive)';

export interface CrawlFilter {
  country?: string | undefined;
  edition?: number | undefined;
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
  filter?: CrawlFilter;
  dryRun?: boolean;
  logger?: Logger;
  userAgent?: string;
  fetcher?: Partial<Omit<FetcherOptions, 'policy' | 'userAgent'>>;
  retry?: Partial<RetryOptions>;
  onProgress?: (p: CrawlProgress) => void;
  sleep?: (ms: number) => Promise<void>;
}

export interface CrawlProgress {
  source: string;
  url: string;
  done: number;
  queued: number;
}

export interface UrlFailure {
  url: string;
  reason: FailureReason | 'no-country';
  message: string;
}

export interface SourceSummary {
  source: string;
  startedAt: string;
  finishedAt: string;
  pages: number;
  fetched: number;
  newCaptures: number;
  notModified: number;
  unchanged: number;
  skippedByRobots: number;
  failed: Partial<Record<UrlFailure['reason'], number>>;
  failures: UrlFailure[];
  /** Documents that would be fetched (dry run only). */
  wouldFetch: string[];
  /** Plain-words explanation when a host could not be reached at all. */
  unreachable: string[];
  captures: Capture[];
}

interface Job {
  url: string;
  role: 'listing' | 'document';
  format: DocumentFormat | null;
  edition: number | null;
  country: string | null;
}

const FORMAT_TYPES: Record<DocumentFormat, RegExp> = {
  pdf: /^application\/(pdf|x-pdf|octet-stream)$/,
  html: /^(text\/html|application\/xhtml\+xml)$/,
  text: /^text\/plain$/,
};

function jitter(ms: number): number {
  return ms / 2 + Math.random() * (ms / 2);
}

export async function crawl(options: CrawlOptions): Promise<SourceSummary[]> {
  const logger = options.logger ?? silentLogger;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const retry: RetryOptions = {
    maxRetries: 3,
    baseDelayMs: 500,
    maxDelayMs: 30_000,
    maxThrottleMs: 60_000,
    maxThrottles: 5,
    ...options.retry,
  };
  const crawlable = options.sources.filter((s) => s.crawl);
  const policy = new NetworkPolicy(crawlable.flatMap((s) => s.crawl?.hosts ?? []));
  const fetcher = new Fetcher({ policy, userAgent: options.userAgent ?? USER_AGENT, ...options.fetcher });
  const robots = new RobotsCache(fetcher);
  const frontier = new Frontier(16, sleep);
  const previous = await options.archive.latestByUrl();
  const summaries: SourceSummary[] = [];
  try {
    for (const source of crawlable) summaries.push(await crawlSource(source));
  } finally {
    await fetcher.close();
  }
  await recordRuns(options.dataDir, summaries);
  return summaries;

  async function crawlSource(source: Source): Promise<SourceSummary> {
    const crawlConfig = source.crawl;
    if (!crawlConfig) throw new Error(`source ${source.id} has no crawl section`);
    const summary: SourceSummary = {
      source: source.id,
      startedAt: new Date().toISOString(),
      finishedAt: '',
      pages: 0,
      fetched: 0,
      newCaptures: 0,
      notModified: 0,
      unchanged: 0,
      skippedByRobots: 0,
      failed: {},
      failures: [],
      wouldFetch: [],
      unreachable: [],
      captures: [],
    };
    const rules = crawlConfig.follow.map((rule) => ({ rule, pattern: compilePattern(rule.match) }));
    const maxPages = Math.min(options.filter?.maxPages ?? crawlConfig.maxPages, crawlConfig.maxPages);
    const seen = new Set<string>();
    const pending: Promise<void>[] = [];
    const unreachableOrigins = new Set<string>();
    let done = 0;

    const fail = (url: string, reason: UrlFailure['reason'], message: string) => {
      summary.failed[reason] = (summary.failed[reason] ?? 0) + 1;
      summary.failures.push({ url, reason, message });
      logger.warn({ source: source.id, url, reason }, message);
    };

    const enqueue = (job: Job) => {
      const key = canonicalUrl(job.url);
      if (seen.has(key)) return;
      if (summary.pages >= maxPages) return;
      seen.add(key);
      summary.pages++;
      const host = new URL(job.url).host;
      pending.push(
        frontier
          .schedule(host, (pace) => visit({ ...job, url: key }, pace))
          .catch((error: unknown) => {
            fail(
              job.url,
              'network',
              `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
            );
          })
          .finally(() => {
            done++;
            options.onProgress?.({ source: source.id, url: job.url, done, queued: summary.pages });
          }),
      );
    };

    const fetchWithRetries = async (job: Job, pace: () => Promise<void>): Promise<FetchResult> => {
      const before = previous.get(job.url);
      let attempt = 0;
      let throttles = 0;
      for (;;) {
        await pace();
        try {
          return await fetcher.fetch({
            url: job.url,
            etag: before?.etag ?? null,
            lastModified: before?.lastModified ?? null,
          });
        } catch (error) {
          if (!(error instanceof FetchFailure)) throw error;
          if (error.kind === 'throttled' && throttles < retry.maxThrottles) {
            throttles++;
            const wait = Math.min(error.retryAfterMs ?? jitter(2000 * 2 ** throttles), retry.maxThrottleMs);
            logger.info({ url: job.url, waitMs: wait }, 'throttled; waiting as asked');
            await sleep(wait);
            continue;
          }
          if (error.kind === 'retryable' && attempt < retry.maxRetries) {
            attempt++;
            await sleep(jitter(Math.min(retry.baseDelayMs * 2 ** attempt, retry.maxDelayMs)));
            continue;
          }
          throw error;
        }
      }
    };

    const visit = async (job: Job, pace: () => Promise<void>) => {
      const origin = new URL(job.url).origin;
      const robotsPolicy = await robots.policyFor(job.url);
      frontier.setDelay(
        new URL(job.url).host,
        crawlConfig.delaySeconds,
        robotsPolicy.crawlDelaySeconds(USER_AGENT_TOKEN),
      );
      const verdict = robotsPolicy.check(job.url, USER_AGENT_TOKEN);
      if (!verdict.allowed) {
        summary.skippedByRobots++;
        if (robotsPolicy.status === 'unreachable' && !unreachableOrigins.has(origin)) {
          unreachableOrigins.add(origin);
          summary.unreachable.push(
            `${origin} could not be reached (${verdict.reason.replace(/^robots\.txt unreachable \((.*?)\).*$/, '$1')}), so nothing was fetched from it. Check the network connection; the next crawl will try again.`,
          );
        }
        logger.info({ url: job.url, reason: verdict.reason }, 'skipped by robots.txt');
        return;
      }
      if (job.role === 'document' && options.dryRun) {
        summary.wouldFetch.push(job.url);
        return;
      }
      let result: FetchResult;
      try {
        result = await fetchWithRetries(job, pace);
      } catch (error) {
        if (error instanceof FetchFailure) return fail(job.url, error.reason, error.message);
        throw error;
      }
      summary.fetched++;
      let body = result.body;
      const before = previous.get(job.url);
      if (result.status === 304) {
        summary.notModified++;
        if (job.role === 'document' || !before) return;
        // A listing that has not changed still has links to follow: read them from its last capture.
        body = await options.archive.read(before.sha256);
      } else {
        const type = result.contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
        if (job.role === 'document' && job.format && !FORMAT_TYPES[job.format].test(type)) {
          return fail(
            job.url,
            'content-type',
            `${job.url}: expected ${job.format}, got ${type || 'no content type'}`,
          );
        }
        if (job.format === 'pdf' && !looksLikePdf(body)) {
          return fail(
            job.url,
            'content-type',
            `${job.url}: not a complete PDF (no %PDF header or %%EOF trailer)`,
          );
        }
        if (job.role === 'document' && !job.country) {
          fail(
            job.url,
            'no-country',
            `${job.url}: no country could be read from the URL or the page that links to it`,
          );
        }
        if (!options.dryRun) {
          const { capture, created } = await options.archive.put(body, {
            url: job.url,
            fetchedAt: new Date().toISOString(),
            status: result.status,
            contentType: result.contentType,
            etag: result.etag,
            lastModified: result.lastModified,
            source: source.id,
            edition: job.edition,
            country: job.country,
            role: job.role,
            format: job.format,
            origin: 'crawl',
            importedFrom: null,
          });
          if (created) {
            summary.newCaptures++;
            summary.captures.push(capture);
          } else summary.unchanged++;
        }
      }
      const type = result.contentType?.split(';')[0]?.trim().toLowerCase() ?? before?.contentType ?? '';
      if (/html/.test(type) || job.format === 'html' || job.role === 'listing') {
        for (const link of discoverLinks(body.toString('utf8'), result.finalUrl)) followLink(link, job);
      }
    };

    const followLink = (link: string, from: Job) => {
      for (const { rule, pattern } of rules) {
        const match = matchPattern(pattern, link);
        if (!match) continue;
        const edition = match.edition ?? from.edition;
        const country = match.countrySlug ? (resolveCountry(match.countrySlug) ?? null) : from.country;
        if (options.filter?.edition !== undefined && edition !== options.filter.edition) return;
        if (options.filter?.country && rule.role === 'document' && country !== options.filter.country) return;
        enqueue({ url: link, role: rule.role, format: rule.format ?? null, edition, country });
        return;
      }
    };

    for (const seed of crawlConfig.seeds) {
      for (const { url, edition } of expandSeed(seed.url, seed.editions)) {
        if (
          options.filter?.edition !== undefined &&
          edition !== undefined &&
          edition !== options.filter.edition
        )
          continue;
        enqueue({ url, role: 'listing', format: 'html', edition: edition ?? null, country: null });
      }
    }
    // Links found while visiting add more work; wait until no visit is left.
    while (pending.length) await Promise.all(pending.splice(0));
    summary.finishedAt = new Date().toISOString();
    return summary;
  }
}

/** The product token robots.txt groups are matched against. */
export const USER_AGENT_TOKEN = 'CountryCiteBot';

function looksLikePdf(body: Buffer): boolean {
  if (body.subarray(0, 1024).indexOf('%PDF-') < 0) return false;
  return body.subarray(Math.max(0, body.length - 2048)).indexOf('%%EOF') >= 0;
}

export function discoverLinks(html: string, baseUrl: string): string[] {
  const $ = load(html);
  const links = new Set<string>();
  $('a[href]').each((_, a) => {
    const href = $(a).attr('href');
    if (!href || href.startsWith('#') || /^(mailto|javascript|tel):/i.test(href)) return;
    try {
      const url = new URL(href, baseUrl);
      url.hash = '';
      if (url.protocol === 'http:' || url.protocol === 'https:') links.add(url.href);
    } catch {
      // A malformed href is skipped like any other dead link.
    }
  });
  return [...links];
}

async function recordRuns(dataDir: string, summaries: SourceSummary[]): Promise<void> {
  const dir = path.join(dataDir, 'crawl');
  await mkdir(dir, { recursive: true });
  const lines = summaries
    .map((s) => JSON.stringify({ ...s, captures: s.captures.length, failures: s.failures.slice(0, 200) }))
    .join('\n');
  if (lines) await appendFile(path.join(dir, 'runs.ndjson'), `${lines}\n`);
}
