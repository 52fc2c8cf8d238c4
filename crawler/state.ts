/**
 * Crawl state that survives a crash: the frontier of the current run (every URL queued or done, with its
 * outcome) and, per URL, the validators and sha256 of its newest capture. It lives in one SQLite file under
 * the data directory (data/crawl/state.sqlite, WAL journal), so each step commits atomically, nothing grows
 * in memory with the number of pages, and a crawl killed at any moment resumes where it stopped.
 *
 * The archive's catalog stays the record of captures; the validators here are a cache of it, brought up to
 * date from the catalog lines written since the last look (see `syncFromArchive`). That closes the one gap a
 * crash can open: a capture appended to the catalog whose step was not yet committed here.
 */
import { mkdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Archive, Capture } from '../core/archive.ts';
import type { DocumentFormat } from '../core/contract.ts';
import type { FailureReason } from './errors.ts';

export type Outcome = 'captured' | 'unchanged' | 'not-modified' | 'robots' | 'failed' | 'would-fetch';
export type FailedReason = FailureReason | 'no-country' | 'no-edition';

export interface FrontierEntry {
  url: string;
  source: string;
  host: string;
  role: 'listing' | 'document';
  format: DocumentFormat | null;
  edition: number | null;
  country: string | null;
  title: string | null;
  part: string | null;
  /** Index of the follow rule that matched (null for seeds): its per-rule settings apply on the visit. */
  rule: number | null;
}

export interface QueuedEntry extends FrontierEntry {
  seq: number;
}

export interface Validators {
  sha256: string;
  etag: string | null;
  lastModified: string | null;
  contentType: string | null;
}

export interface Finish {
  outcome: Outcome;
  /** A response came back (2xx or 304), even if the page was then refused for its content. */
  fetched: boolean;
  reason?: FailedReason;
  message?: string;
  /** The new capture, whose validators become this URL's. */
  capture?: Capture;
  /** Links found on the page, queued in the same transaction. */
  discovered?: FrontierEntry[];
}

export interface RunInfo {
  id: number;
  scope: string;
  startedAt: string;
  /** True when an interrupted run with the same scope was picked up again. */
  resumed: boolean;
  /** Pages done before this process started (resumed runs). */
  alreadyDone: number;
  /** Interrupted runs of other sources or filters that were given up (their captures stay archived). */
  abandoned: number;
}

export interface SourceCounts {
  source: string;
  pages: number;
  done: number;
  fetched: number;
  captured: number;
  unchanged: number;
  notModified: number;
  robots: number;
  failed: Partial<Record<FailedReason, number>>;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS validators (
  url TEXT PRIMARY KEY, sha256 TEXT NOT NULL, etag TEXT, last_modified TEXT, content_type TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY, scope TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT
);
CREATE TABLE IF NOT EXISTS frontier (
  run INTEGER NOT NULL, url TEXT NOT NULL, source TEXT NOT NULL, host TEXT NOT NULL, role TEXT NOT NULL,
  format TEXT, edition INTEGER, country TEXT, title TEXT, part TEXT, rule INTEGER,
  seq INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0,
  outcome TEXT, fetched INTEGER NOT NULL DEFAULT 0, reason TEXT, message TEXT,
  PRIMARY KEY (run, url)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS frontier_next ON frontier (run, host, done, seq);
CREATE INDEX IF NOT EXISTS frontier_outcomes ON frontier (run, source, outcome, reason);
`;

export class CrawlState {
  private readonly db: Database.Database;
  private run: RunInfo | undefined;
  private seq = 0;
  private readonly upsertValidators: Database.Statement;
  private readonly statements = new Map<string, Database.Statement>();

  /** `file` ":memory:" keeps nothing (dry runs). */
  constructor(readonly file: string) {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    // WAL + NORMAL: a commit survives the process being killed (the WAL is in the OS page cache); only a
    // power cut can lose the last commits, which the archive sync then repairs.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.upsertValidators = this.sql(
      `INSERT INTO validators (url, sha256, etag, last_modified, content_type)
       VALUES (@url, @sha256, @etag, @lastModified, @contentType)
       ON CONFLICT (url) DO UPDATE SET sha256 = excluded.sha256, etag = excluded.etag,
         last_modified = excluded.last_modified, content_type = excluded.content_type`,
    );
  }

  static fileFor(dataDir: string): string {
    return path.join(dataDir, 'crawl', 'state.sqlite');
  }

  /** Prepared once per SQL text: the crawl runs the same few statements for every page. */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  close(): void {
    this.db.close();
  }

  /**
   * Brings the validators up to date with captures the archive gained since the last sync (crawled by a
   * process that died before committing its step, or imported): the newest catalog line for a URL wins.
   */
  async syncFromArchive(archive: Archive): Promise<number> {
    let from = Number(this.meta('catalog-synced-to') ?? 0);
    // A catalog shorter than what was synced was replaced: read it all again.
    if (from > (await catalogSize(archive))) from = 0;
    const flush = this.db.transaction((captures: Capture[], to: number) => {
      for (const c of captures) this.upsertValidators.run(validatorsOf(c));
      this.setMeta('catalog-synced-to', String(to));
    });
    let batch: Capture[] = [];
    let end = from;
    let count = 0;
    for await (const entry of archive.readCatalog(from)) {
      if (entry.capture) batch.push(entry.capture);
      end = entry.end;
      if (batch.length >= 1000) {
        count += batch.length;
        flush(batch, end);
        batch = [];
      }
    }
    count += batch.length;
    flush(batch, end);
    return count;
  }

  validators(url: string): Validators | undefined {
    const row = this.sql(
      'SELECT sha256, etag, last_modified, content_type FROM validators WHERE url = ?',
    ).get(url) as
      | { sha256: string; etag: string | null; last_modified: string | null; content_type: string | null }
      | undefined;
    if (!row) return undefined;
    return {
      sha256: row.sha256,
      etag: row.etag,
      lastModified: row.last_modified,
      contentType: row.content_type,
    };
  }

  /**
   * The unfinished run with this scope (same sources and filters) when there is one — a crawl that was
   * killed — else a new run. An unfinished run with another scope is closed: its pages stay in the archive.
   */
  openRun(scope: string): RunInfo {
    const open = this.sql(
      'SELECT id, scope, started_at FROM runs WHERE finished_at IS NULL ORDER BY id DESC',
    ).all() as { id: number; scope: string; started_at: string }[];
    const now = new Date().toISOString();
    const same = open.find((r) => r.scope === scope);
    const abandoned = open.filter((r) => r !== same);
    for (const r of abandoned) this.dropRun(r.id, now);
    if (same) {
      const done = this.sql('SELECT COUNT(*) AS n FROM frontier WHERE run = ? AND done = 1').get(same.id) as {
        n: number;
      };
      const max = this.sql('SELECT MAX(seq) AS seq FROM frontier WHERE run = ?').get(same.id) as {
        seq: number | null;
      };
      this.seq = max.seq ?? 0;
      this.run = {
        id: same.id,
        scope,
        startedAt: same.started_at,
        resumed: true,
        alreadyDone: done.n,
        abandoned: abandoned.length,
      };
    } else {
      const id = Number(
        this.sql('INSERT INTO runs (scope, started_at) VALUES (?, ?)').run(scope, now).lastInsertRowid,
      );
      this.seq = 0;
      this.run = { id, scope, startedAt: now, resumed: false, alreadyDone: 0, abandoned: abandoned.length };
    }
    return this.run;
  }

  private dropRun(id: number, now: string): void {
    this.db.transaction(() => {
      this.sql('DELETE FROM frontier WHERE run = ?').run(id);
      this.sql('UPDATE runs SET finished_at = ? WHERE id = ?').run(now, id);
    })();
  }

  /** Marks the run finished and forgets its frontier; the next crawl starts afresh (conditional GETs). */
  finishRun(): void {
    const run = this.requireRun();
    this.dropRun(run.id, new Date().toISOString());
    this.run = undefined;
  }

  private requireRun(): RunInfo {
    if (!this.run) throw new Error('no crawl run is open');
    return this.run;
  }

  /** Queues URLs not yet seen in this run; returns those that were new. */
  enqueue(entries: FrontierEntry[]): FrontierEntry[] {
    const run = this.requireRun();
    const insert = this.sql(
      `INSERT OR IGNORE INTO frontier (run, url, source, host, role, format, edition, country, title, part, rule, seq)
       VALUES (@run, @url, @source, @host, @role, @format, @edition, @country, @title, @part, @rule, @seq)`,
    );
    const added: FrontierEntry[] = [];
    this.db.transaction(() => {
      for (const e of entries) {
        const seq = this.seq + 1;
        if (insert.run({ ...e, run: run.id, seq }).changes > 0) {
          this.seq = seq;
          added.push(e);
        }
      }
    })();
    return added;
  }

  has(url: string): boolean {
    const run = this.requireRun();
    return this.sql('SELECT 1 FROM frontier WHERE run = ? AND url = ?').get(run.id, url) !== undefined;
  }

  /** The oldest queued URL of a host. */
  next(host: string): QueuedEntry | undefined {
    const run = this.requireRun();
    const row = this.sql(
      `SELECT url, source, host, role, format, edition, country, title, part, rule, seq FROM frontier
         WHERE run = ? AND host = ? AND done = 0 ORDER BY seq LIMIT 1`,
    ).get(run.id, host) as QueuedEntry | undefined;
    return row;
  }

  /** Hosts with queued URLs. */
  queuedHosts(): string[] {
    const run = this.requireRun();
    return (
      this.sql('SELECT DISTINCT host FROM frontier WHERE run = ? AND done = 0').all(run.id) as {
        host: string;
      }[]
    ).map((r) => r.host);
  }

  /** URLs this run has queued for a source (for --max-pages). */
  pagesOf(source: string): number {
    const run = this.requireRun();
    return (
      this.sql('SELECT COUNT(*) AS n FROM frontier WHERE run = ? AND source = ?').get(run.id, source) as {
        n: number;
      }
    ).n;
  }

  /**
   * Ends a URL: its outcome, the validators of a new capture and the links it led to, in one transaction.
   * Returns the newly queued links.
   */
  finish(url: string, finish: Finish): FrontierEntry[] {
    const run = this.requireRun();
    let added: FrontierEntry[] = [];
    this.db.transaction(() => {
      this.sql(
        `UPDATE frontier SET done = 1, outcome = ?, fetched = ?, reason = ?, message = ?
           WHERE run = ? AND url = ?`,
      ).run(
        finish.outcome,
        finish.fetched ? 1 : 0,
        finish.reason ?? null,
        finish.message ?? null,
        run.id,
        url,
      );
      if (finish.capture) this.upsertValidators.run(validatorsOf(finish.capture));
      if (finish.discovered?.length) added = this.enqueue(finish.discovered);
    })();
    return added;
  }

  /** Per-source totals of the open run. */
  counts(): SourceCounts[] {
    const run = this.requireRun();
    const rows = this.sql(
      `SELECT source, outcome, reason, COUNT(*) AS n, SUM(fetched) AS fetched FROM frontier
         WHERE run = ? GROUP BY source, outcome, reason`,
    ).all(run.id) as {
      source: string;
      outcome: Outcome | null;
      reason: FailedReason | null;
      n: number;
      fetched: number;
    }[];
    const bySource = new Map<string, SourceCounts>();
    for (const r of rows) {
      let c = bySource.get(r.source);
      if (!c) {
        c = {
          source: r.source,
          pages: 0,
          done: 0,
          fetched: 0,
          captured: 0,
          unchanged: 0,
          notModified: 0,
          robots: 0,
          failed: {},
        };
        bySource.set(r.source, c);
      }
      c.pages += r.n;
      c.fetched += r.fetched;
      if (r.outcome) c.done += r.n;
      if (r.outcome === 'captured') c.captured += r.n;
      else if (r.outcome === 'unchanged') c.unchanged += r.n;
      else if (r.outcome === 'not-modified') c.notModified += r.n;
      else if (r.outcome === 'robots') c.robots += r.n;
      else if (r.outcome === 'failed' && r.reason) c.failed[r.reason] = (c.failed[r.reason] ?? 0) + r.n;
    }
    return [...bySource.values()];
  }

  /** The run's URLs of a source with a given outcome, in queue order (failures with reason and message). */
  listOutcome(
    source: string,
    outcome: Outcome,
    limit: number,
  ): { url: string; reason: FailedReason | null; message: string | null }[] {
    const run = this.requireRun();
    return this.sql(
      `SELECT url, reason, message FROM frontier WHERE run = ? AND source = ? AND outcome = ?
         ORDER BY seq LIMIT ?`,
    ).all(run.id, source, outcome, limit) as {
      url: string;
      reason: FailedReason | null;
      message: string | null;
    }[];
  }

  private meta(key: string): string | undefined {
    return (this.sql('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)
      ?.value;
  }

  private setMeta(key: string, value: string): void {
    this.sql(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ).run(key, value);
  }
}

function validatorsOf(c: Capture) {
  return {
    url: c.url,
    sha256: c.sha256,
    etag: c.etag,
    lastModified: c.lastModified,
    contentType: c.contentType,
  };
}

async function catalogSize(archive: Archive): Promise<number> {
  try {
    return (await stat(archive.catalogFile)).size;
  } catch {
    return 0;
  }
}
