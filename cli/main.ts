/**
 * countrycite: a thin layer that parses flags (one zod schema), builds the shared dependencies, calls a
 * stage and reports progress. Exit code 1 only for fatal problems (bad configuration, no search engine);
 * a page that fails to crawl or a file that cannot be imported is reported, never fatal.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { ConfigError, resolveConfig } from '../core/config.ts';
import { UsageError } from '../core/errors.ts';
import { onShutdown, shutdown } from '../core/lifecycle.ts';
import { type SearchEngine, SearchEngineError } from '../core/meilisearch.ts';
import { ConfigFileError } from '../core/yaml-file.ts';
import { CrawlLockedError, crawl, type SourceSummary } from '../crawler/crawl.ts';
import { importFiles } from '../crawler/import.ts';
import { type SourceStatus, sourceStatus } from '../crawler/status.ts';
import { type IndexReport, indexArchive } from '../indexer/indexer.ts';
import { KeyFileError, KeyStore } from '../server/keys.ts';
import { createWebApp } from '../web/app.tsx';
import { type Context, createContext, startEngine, VERSION } from './context.ts';
import { createProgress } from './progress.ts';

const out = (line = '') => process.stdout.write(`${line}\n`);
const err = (line = '') => process.stderr.write(`${line}\n`);

function parseYear(value: string): number {
  const year = Number(value);
  if (!/^\d{4}$/.test(value)) throw new InvalidArgumentError('expected a four-digit year such as 2023.');
  if (year < 1900 || year > 2200)
    throw new InvalidArgumentError(`${year} is outside the years an edition can have (1900–2200).`);
  return year;
}

/** A calendar date, not in the future: the day import's files were downloaded from their URLs. */
function parseVisited(value: string): string {
  if (!z.iso.date().safeParse(value).success)
    throw new InvalidArgumentError('expected a date written YYYY-MM-DD, such as 2026-11-30.');
  const visited = new Date(`${value}T12:00:00Z`);
  if (Number.isNaN(visited.getTime()) || visited.getTime() > Date.now() + 86_400_000)
    throw new InvalidArgumentError(`${value} is not a past date; give the day the files were downloaded.`);
  return visited.toISOString();
}

function parseName(value: string): string {
  const name = value.trim();
  if (!name || name.length > 200) throw new InvalidArgumentError('expected a name of 1 to 200 characters.');
  return name;
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError('expected a whole number greater than 0.');
  return n;
}

const GlobalFlags = z.object({
  data: z.string().optional(),
  port: z.string().optional(),
  host: z.string().optional(),
  sources: z.string().optional(),
});

function context(command: Command): Context {
  const flags = GlobalFlags.parse(command.optsWithGlobals());
  return createContext(resolveConfig(flags));
}

async function indexWithProgress(
  ctx: Context,
  engine: SearchEngine,
  mode: { force?: boolean; rebuild?: boolean } = {},
): Promise<IndexReport> {
  const progress = createProgress(mode.rebuild ? 'Rebuilding' : 'Indexing');
  try {
    return await indexArchive({
      client: engine.client,
      archive: ctx.archive,
      sources: ctx.sources,
      indexPrefix: ctx.config.indexPrefix,
      logger: ctx.logger,
      force: mode.force ?? false,
      rebuild: mode.rebuild ?? false,
      onProgress: (p) =>
        progress.update(p.done, p.total, `${p.passages} passages${p.current ? ` · ${p.current}` : ''}`),
    });
  } finally {
    progress.stop();
  }
}

function printIndexReport(report: IndexReport): void {
  out(
    `${report.rebuilt ? 'Rebuilt the index from' : 'Indexed'} ${report.indexed} documents (${report.passages} passages), ${report.skipped} unchanged, ${report.failed} failed, in ${(report.milliseconds / 1000).toFixed(1)} s.`,
  );
  if (report.rebuilt) out('  The new index was swapped in atomically; searches were answered throughout.');
  for (const id of report.documentsDeleted) out(`  removed ${id}: no longer in the archive`);
  for (const id of report.keptPrevious) out(`  kept the previous passages of ${id}`);
  for (const f of report.failures) out(`  could not index ${f.documentId} (${f.url}): ${f.reason}`);
  for (const u of report.unplaced) out(`  not indexed ${u.url}: ${u.reason}`);
}

/** Starts the search engine, indexes the archive with progress, reports, and stops the engine again. */
async function indexArchiveNow(
  ctx: Context,
  mode: { force?: boolean; rebuild?: boolean } = {},
): Promise<void> {
  const engine = await startEngine(ctx);
  try {
    printIndexReport(await indexWithProgress(ctx, engine, mode));
  } finally {
    await engine.stop();
  }
}

function failedByReason(failed: SourceSummary['failed']): string {
  return Object.entries(failed)
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
}

function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/**
 * One crawl's counts in words. When the publisher could not be reached, its URLs are counted as skipped by
 * robots.txt (nothing is fetched from an origin whose robots.txt cannot be read), so the line says so
 * rather than "no failures".
 */
function describeCrawl(s: Omit<SourceSummary, 'source'>): string {
  const failed = failedByReason(s.failed);
  const unreachable = s.unreachable.length > 0;
  const skipped = unreachable
    ? `${s.skippedByRobots} not fetched (robots.txt could not be read or disallows them)`
    : `${s.skippedByRobots} skipped by robots.txt`;
  const outcome = failed
    ? `failed: ${failed}`
    : unreachable && s.fetched === 0
      ? 'nothing fetched'
      : 'no failures';
  return `${counted(s.pages, 'URL')}, ${s.fetched} fetched, ${counted(s.newCaptures, 'new capture')}, ${s.notModified} not modified, ${s.unchanged} unchanged, ${skipped}, ${outcome}`;
}

function printCrawlSummary(summaries: SourceSummary[], dryRun: boolean): void {
  for (const s of summaries) {
    out(`${s.source}: ${describeCrawl(s)}${s.resumed ? ' (resumed an interrupted crawl)' : ''}.`);
    for (const line of s.unreachable) out(`  ${line}`);
    for (const f of s.failures.slice(0, 20)) out(`  ${f.reason}: ${f.message}`);
    if (s.failures.length > 20) out(`  … and ${s.failures.length - 20} more (see data/crawl/runs.ndjson)`);
    if (dryRun) for (const url of s.wouldFetch) out(`  would fetch ${url}`);
  }
}

async function runCrawl(
  ctx: Context,
  opts: { source?: string[]; country?: string; edition?: number; maxPages?: number; dryRun?: boolean },
) {
  const selected = opts.source?.length
    ? opts.source.map((id) => ctx.sources.require(id))
    : ctx.sources.sources;
  const withoutCrawl = selected.filter((s) => !s.crawl);
  for (const s of withoutCrawl)
    err(`${s.id} has no crawl section in sources.yaml; import its files with "countrycite import".`);
  const progress = createProgress('Crawling');
  try {
    const report = await crawl({
      archive: ctx.archive,
      sources: selected,
      dataDir: ctx.config.dataDir,
      logger: ctx.logger,
      dryRun: opts.dryRun ?? false,
      filter: { country: opts.country, edition: opts.edition, maxPages: opts.maxPages },
      onStart: (run) => {
        if (run.abandoned)
          err(
            'An interrupted crawl with other sources or filters was set aside: what it archived is kept, and the next crawl with those options starts it afresh.',
          );
        if (run.resumed)
          err(`Resuming the interrupted crawl: ${run.alreadyDone} of ${run.queued} URLs were already done.`);
        progress.update(run.alreadyDone, run.queued);
      },
      onProgress: (p) => progress.update(p.done, p.queued, p.url),
    });
    return report.summaries;
  } finally {
    progress.stop();
  }
}

function printSourceStatus(rows: SourceStatus[]): void {
  for (const { source, lastCrawl, documents, captures, editions } of rows) {
    const licence = source.license.display === 'full-text' ? 'full text' : 'snippet + link';
    const warning = source.license.commercialUse ? '' : '; non-commercial use only';
    out(`${source.id}  ${source.name}`);
    out(`  licence: ${source.license.name} (${licence}${warning})`);
    if (source.crawl) {
      const patterns = source.crawl.follow.filter((f) => f.role === 'document').map((f) => f.match);
      out(`  documents: ${patterns.join('  ')}`);
    } else out('  not crawled: import its files with "countrycite import"');
    const span = editions.length ? `, editions ${editions[0]}–${editions[editions.length - 1]}` : '';
    out(
      `  archive: ${counted(documents, 'document capture')}, ${counted(captures - documents, 'listing page capture')}${span}`,
    );
    if (lastCrawl) {
      out(`  last crawl: ${lastCrawl.finishedAt}: ${describeCrawl(lastCrawl)}`);
      for (const line of lastCrawl.unreachable) out(`    ${line}`);
    } else out('  last crawl: never');
  }
}

async function listen(ctx: Context, engine: SearchEngine): Promise<string> {
  const app = createWebApp({
    client: engine.client,
    indexes: ctx.indexes,
    sources: ctx.sources,
    archive: ctx.archive,
    logger: ctx.logger,
    version: VERSION,
    access: {
      keys: KeyStore.inDataDir(ctx.config.dataDir),
      anonymousPerMinute: ctx.config.anonymousRatePerMinute,
      keyPerMinute: ctx.config.keyRatePerMinute,
      trustProxy: ctx.config.trustProxy,
    },
    corsOrigins: ctx.config.corsOrigins,
  });
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port: ctx.config.port, hostname: ctx.config.host },
      (info: AddressInfo) => {
        const host = info.address.includes(':') ? `[${info.address}]` : info.address;
        resolve(`http://${host}:${info.port}`);
      },
    );
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new UsageError(
              `Port ${ctx.config.port} on ${ctx.config.host} is already in use. Pass --port <n> or set PORT to use another.`,
            )
          : error,
      );
    });
    onShutdown({
      name: 'HTTP server',
      stop: () => new Promise<void>((done) => server.close(() => done())),
    });
  });
}

async function passageCount(ctx: Context, engine: SearchEngine): Promise<number> {
  try {
    return (await engine.client.index(ctx.indexes.passages).getStats()).numberOfDocuments;
  } catch {
    return 0;
  }
}

export function buildProgram(): Command {
  const program = new Command('countrycite')
    .description(
      'Country-conditions research: crawl public country reports, index citable passages, search and cite them.',
    )
    .version(VERSION)
    // "countrycite serve --help" lists --data, --port and the other global options too.
    .configureHelp({ showGlobalOptions: true })
    // Environment variables are read by resolveConfig, so an error can name the variable that was set.
    .option(
      '--data <dir>',
      'data directory: archive, search index, keys (env COUNTRYCITE_DATA, default ./data)',
    )
    .option('--port <n>', 'HTTP port for serve and start (env PORT, default 8787)')
    .option('--host <address>', 'address to listen on (env HOST, default 127.0.0.1)')
    .option('--sources <file>', "sources file (env COUNTRYCITE_SOURCES, default this package's sources.yaml)")
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Environment:
  MEILI_URL, MEILI_MASTER_KEY  use an existing Meilisearch instead of the embedded one
  LOG_LEVEL                    fatal, error, warn, info (default), debug, trace or silent
  COUNTRYCITE_ANONYMOUS_RATE   API requests a minute per address without a key (default 60; 0 = keys only)
  COUNTRYCITE_KEY_RATE         API requests a minute per key without its own rate (default 600)
  COUNTRYCITE_CORS_ORIGINS     origins allowed to call the API from a browser: * or a comma list (default none)
  COUNTRYCITE_TRUST_PROXY      true: client address from X-Forwarded-For (only behind your own proxy)

Examples:
  countrycite import ../shared/corpus/us-dos-hrr
  countrycite serve --port 8080
  countrycite crawl --source us-dos-hrr --edition 2023 --dry-run
  countrycite keys create --name "Legal aid clinic" --rate 1200`,
    );

  program
    .command('start')
    .description(
      'Start Meilisearch and the server; when the index is empty, crawl and index sources.yaml in the background.',
    )
    .action(async (_opts, command: Command) => {
      const ctx = context(command);
      const engine = await startEngine(ctx);
      const url = await listen(ctx, engine);
      out(`CountryCite is running at ${url}  (Ctrl+C to stop)`);
      if ((await passageCount(ctx, engine)) > 0) return;
      out(
        'The index is empty: crawling the sources in sources.yaml in the background. Search works as documents arrive.',
      );
      void (async () => {
        try {
          const summaries = await runCrawl(ctx, {});
          printCrawlSummary(summaries, false);
          printIndexReport(await indexWithProgress(ctx, engine));
        } catch (error) {
          err(
            `Background crawl stopped: ${error instanceof Error ? error.message : String(error)}. The server keeps serving.`,
          );
        }
      })();
    });

  program
    .command('serve')
    .description('Start Meilisearch and the server (search API, web UI, /openapi.json).')
    .action(async (_opts, command: Command) => {
      const ctx = context(command);
      const engine = await startEngine(ctx);
      const url = await listen(ctx, engine);
      out(`CountryCite is running at ${url}  (Ctrl+C to stop)`);
    });

  program
    .command('crawl')
    .description(
      'Fetch the sources in sources.yaml into the archive (politely: robots.txt, one request at a time per host), then index.',
    )
    .option('--source <id...>', 'only these sources')
    .option('--country <iso>', 'only documents about this country (ISO code or name)')
    .option('--edition <year>', 'only this edition', parseYear)
    .option('--max-pages <n>', 'stop after this many URLs per source', parsePositive)
    .option('--dry-run', 'fetch listings and report which documents would be fetched; store nothing')
    .option('--no-index', 'do not index after crawling')
    .addHelpText(
      'after',
      `
Politeness: robots.txt (RFC 9309) is obeyed, one request at a time per host, at least crawl.delaySeconds
(default 1 s) or robots.txt Crawl-delay between requests to a host, Retry-After honoured.
A crawl that is interrupted (Ctrl+C, a crash, a power cut) resumes where it stopped when the same command
is run again. Page failures are reported in the summary and never change the exit code.`,
    )
    .action(
      async (
        opts: {
          source?: string[];
          country?: string;
          edition?: number;
          maxPages?: number;
          dryRun?: boolean;
          index: boolean;
        },
        command: Command,
      ) => {
        const ctx = context(command);
        const { resolveCountry } = await import('../core/countries.ts');
        const country = opts.country ? resolveCountry(opts.country) : undefined;
        if (opts.country && !country)
          throw new InvalidArgumentError(`--country "${opts.country}" is not a country name or ISO code.`);
        const summaries = await runCrawl(ctx, { ...opts, country });
        printCrawlSummary(summaries, opts.dryRun ?? false);
        if (opts.index && !opts.dryRun) {
          await indexArchiveNow(ctx);
        }
      },
    );

  program
    .command('sources')
    .description(
      'List the sources in sources.yaml with their licence and display rule, last crawl, archived captures and errors.',
    )
    .option('--json', 'print JSON instead of text')
    .action(async (opts: { json?: boolean }, command: Command) => {
      const ctx = context(command);
      const rows = await sourceStatus(ctx.sources.sources, ctx.archive, ctx.config.dataDir);
      if (opts.json)
        out(
          JSON.stringify(
            rows.map((r) => ({
              id: r.source.id,
              name: r.source.name,
              license: r.source.license,
              documents: r.documents,
              captures: r.captures,
              editions: r.editions,
              lastCrawl: r.lastCrawl,
            })),
            null,
            2,
          ),
        );
      else printSourceStatus(rows);
    });

  program
    .command('import')
    .description(
      'Put local PDF, HTML and text files into the archive, then index them. For <source>/<edition>/<country>.<ext> trees the path gives the metadata.',
    )
    .argument('<path>', 'a file or a folder')
    .option('--source <id>', 'source id from sources.yaml (default: from the path)')
    .option('--edition <year>', 'edition year (default: from the path)', parseYear)
    .option('--country <iso>', 'country (default: from the file name)')
    .option(
      '--visited <YYYY-MM-DD>',
      'the day the files were downloaded from their URLs: the capture date and the citations\' "last visited" (default: today)',
      parseVisited,
    )
    .option('--no-index', 'do not index after importing')
    .action(
      async (
        target: string,
        opts: { source?: string; edition?: number; country?: string; visited?: string; index: boolean },
        command: Command,
      ) => {
        const ctx = context(command);
        if (opts.source) ctx.sources.require(opts.source);
        const started = Date.now();
        const progress = createProgress('Importing');
        const report = await importFiles(target, ctx.archive, ctx.sources, opts, (p) =>
          progress.update(p.done, p.total, p.file),
        ).finally(() => progress.stop());
        out(
          `Imported ${counted(report.imported.length, 'file')} (${report.unchanged.length} already archived, ${report.skipped.length} skipped) in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
        );
        for (const s of report.skipped) out(`  skipped ${s.file}: ${s.reason}`);
        if (opts.index) {
          await indexArchiveNow(ctx);
        }
      },
    );

  program
    .command('index')
    .description(
      'Index the archive into Meilisearch: only documents whose capture or indexer changed, and remove documents no longer in the archive.',
    )
    .option('--force', 're-index every document in place')
    .option(
      '--rebuild',
      'build fresh indexes beside the live ones (settings first), check them and swap them in atomically; search keeps answering throughout',
    )
    .action(async (opts: { force?: boolean; rebuild?: boolean }, command: Command) => {
      const ctx = context(command);
      await indexArchiveNow(ctx, opts);
    });

  const keys = program
    .command('keys')
    .description('API keys for consumers of the JSON API (stored hashed in <data>/api-keys.json).')
    .addHelpText(
      'after',
      `
Send a key as "Authorization: Bearer <key>" (or "X-API-Key: <key>"). Keys work at once, even while the
server runs. Requests without a key are allowed at COUNTRYCITE_ANONYMOUS_RATE a minute (0 = keys only).`,
    );

  keys
    .command('create')
    .description('Create a key and print it (shown once; only its hash is kept).')
    .requiredOption('--name <label>', 'who the key is for, e.g. "Legal aid clinic"', parseName)
    .option('--rate <n>', 'requests a minute for this key (default COUNTRYCITE_KEY_RATE)', parsePositive)
    .action(async (opts: { name: string; rate?: number }, command: Command) => {
      const ctx = context(command);
      const store = KeyStore.inDataDir(ctx.config.dataDir);
      const { key, record } = await store.create({ name: opts.name, ratePerMinute: opts.rate ?? null });
      out(
        `Created ${record.id} for "${record.name}" (${record.ratePerMinute ?? ctx.config.keyRatePerMinute} requests a minute).`,
      );
      out('');
      out(`  ${key}`);
      out('');
      out(
        'Copy it now: it is not stored and cannot be shown again. Send it as "Authorization: Bearer <key>".',
      );
    });

  keys
    .command('list')
    .description('List keys: id, name, start of the key, rate, created, revoked.')
    .option('--json', 'print JSON (without hashes)')
    .action(async (opts: { json?: boolean }, command: Command) => {
      const ctx = context(command);
      const list = await KeyStore.inDataDir(ctx.config.dataDir).list();
      if (opts.json) {
        out(
          JSON.stringify(
            list.map(({ hash: _hash, ...shown }) => shown),
            null,
            2,
          ),
        );
        return;
      }
      if (!list.length) {
        out('No API keys yet. Create one with "countrycite keys create --name <label>".');
        return;
      }
      for (const k of list) {
        const rate = k.ratePerMinute ?? `${ctx.config.keyRatePerMinute} (default)`;
        const status = k.revokedAt ? `revoked ${k.revokedAt}` : 'active';
        out(`${k.id}  ${k.shown}…  ${k.name}  ${rate}/min  created ${k.createdAt}  ${status}`);
      }
    });

  keys
    .command('revoke')
    .description('Revoke a key by its id (see "keys list"); it stops working at once.')
    .argument('<id>', 'key id, e.g. key_1a2b3c4d')
    .action(async (id: string, _opts, command: Command) => {
      const ctx = context(command);
      const record = await KeyStore.inDataDir(ctx.config.dataDir).revoke(id);
      out(`Revoked ${record.id} ("${record.name}") on ${record.revokedAt}.`);
    });

  return program;
}

export async function main(argv = process.argv): Promise<void> {
  // `countrycite sources | head` closes the pipe early: that is the reader being done, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (
      error instanceof ConfigError ||
      error instanceof ConfigFileError ||
      error instanceof SearchEngineError ||
      error instanceof CrawlLockedError ||
      error instanceof KeyFileError ||
      error instanceof UsageError
    )
      err(error.message);
    else if (error instanceof InvalidArgumentError) err(`error: ${error.message}`);
    else err(`countrycite: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await shutdown();
    process.exit(1);
  }
}
