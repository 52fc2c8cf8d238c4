/**
 * The archive: every byte CountryCite has read, content-addressed, with where and when it came from.
 * It decouples crawling from indexing (crawl once, re-index many times) and is the provenance an attorney
 * needs. Blobs are immutable files named by their sha256; the catalog is an append-only NDJSON file of
 * capture records. A blob is written (temp file + fsync + rename) before its catalog line, so a crash leaves
 * at worst an unreferenced blob, never a record without bytes.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CountryCode, DocumentFormat } from './contract.ts';
import { sha256Hex } from './ids.ts';

export const Capture = z.object({
  sha256: z.string().regex(/^[a-f0-9]{64}$/),
  bytes: z.number().int().nonnegative(),
  /** The URL the document is cited by (for imports: the publisher's canonical page). */
  url: z.string().url(),
  fetchedAt: z.string().datetime(),
  /** HTTP status for crawled captures, null for imported files. */
  status: z.number().int().nullable(),
  contentType: z.string().nullable(),
  etag: z.string().nullable(),
  lastModified: z.string().nullable(),
  source: z.string().min(1),
  edition: z.number().int().nullable(),
  country: CountryCode.nullable(),
  role: z.enum(['document', 'listing']),
  format: DocumentFormat.nullable(),
  origin: z.enum(['crawl', 'import']),
  /** Absolute path of the imported file. */
  importedFrom: z.string().nullable().default(null),
  /** The document's title as the publisher's listing names it (the text of the link that led to it). */
  title: z.string().nullable().default(null),
  /** Which document of a country and edition this is, for series with several (a CPIN theme, a report part). */
  part: z.string().nullable().default(null),
});
export type Capture = z.infer<typeof Capture>;
export type NewCapture = Omit<Capture, 'sha256' | 'bytes' | 'title' | 'part'> &
  Partial<Pick<Capture, 'title' | 'part'>>;

export interface PutOptions {
  /**
   * The sha256 of this URL's newest capture when the caller already knows it (null: none). The crawler keeps
   * it in its own state, so the catalog need not be loaded into memory to tell a changed body from an
   * unchanged one.
   */
  newestSha256?: string | null;
}

/** One catalog line as read: a capture, or the reason the line is unusable; `end` is the byte after it. */
export type CatalogEntry =
  | { capture: Capture; problem?: undefined; end: number }
  | { capture?: undefined; problem: CatalogProblem; end: number };

export interface CatalogProblem {
  line: number;
  reason: string;
}

export class Archive {
  readonly root: string;
  readonly catalogFile: string;
  /** Newest capture per URL, loaded once per process and kept current by `put`. */
  private newestByUrl: Promise<Map<string, Capture>> | undefined;

  constructor(dataDir: string) {
    this.root = path.join(dataDir, 'archive');
    this.catalogFile = path.join(this.root, 'catalog.ndjson');
  }

  blobPath(sha256: string): string {
    return path.join(this.root, 'blobs', sha256.slice(0, 2), sha256);
  }

  /**
   * Stores the bytes and records the capture. Returns `created: false` when the newest capture of this URL
   * already has the same bytes: an unchanged document makes no new capture.
   */
  async put(
    body: Uint8Array,
    meta: NewCapture,
    options: PutOptions = {},
  ): Promise<{ capture: Capture; created: boolean }> {
    const sha256 = sha256Hex(body);
    const capture = Capture.parse({ ...meta, sha256, bytes: body.byteLength });
    const known = options.newestSha256 !== undefined && !this.newestByUrl;
    const newest = known ? undefined : await this.latestByUrl();
    const previous = newest?.get(capture.url);
    if (known ? options.newestSha256 === sha256 : previous?.sha256 === sha256)
      return { capture: previous ?? capture, created: false };
    await this.writeBlob(sha256, body);
    await this.append(capture);
    newest?.set(capture.url, capture);
    return { capture, created: true };
  }

  async read(sha256: string): Promise<Buffer> {
    return readFile(this.blobPath(sha256));
  }

  async has(sha256: string): Promise<boolean> {
    return stat(this.blobPath(sha256)).then(
      () => true,
      () => false,
    );
  }

  /** All captures in catalog order. Malformed lines (e.g. a line cut short by a crash) are reported, not fatal. */
  async captures(onProblem?: (p: CatalogProblem) => void): Promise<Capture[]> {
    const result: Capture[] = [];
    for await (const entry of this.readCatalog()) {
      if (entry.capture) result.push(entry.capture);
      else onProblem?.(entry.problem);
    }
    return result;
  }

  /**
   * Streams the catalog from byte `from` (the `end` of an entry read earlier), one entry at a time, so a
   * reader can follow a growing catalog without holding it in memory. Line numbers count from `from`.
   */
  async *readCatalog(from = 0): AsyncGenerator<CatalogEntry> {
    let stream: ReturnType<typeof createReadStream>;
    try {
      await stat(this.catalogFile);
      stream = createReadStream(this.catalogFile, { start: from });
    } catch {
      return;
    }
    let offset = from;
    let lineNo = 0;
    // Byte offsets need the raw line lengths, so lines are split here rather than by readline.
    let pending: Buffer = Buffer.alloc(0);
    const parse = (raw: Buffer): CatalogEntry | undefined => {
      lineNo++;
      offset += raw.length + 1;
      const line = raw.toString('utf8');
      if (!line.trim()) return undefined;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        return {
          problem: { line: lineNo, reason: 'not valid JSON (probably cut short by a crash)' },
          end: offset,
        };
      }
      const parsed = Capture.safeParse(json);
      if (parsed.success) return { capture: parsed.data, end: offset };
      return {
        problem: {
          line: lineNo,
          reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        },
        end: offset,
      };
    };
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let newline = pending.indexOf(0x0a);
      while (newline >= 0) {
        const entry = parse(pending.subarray(0, newline));
        if (entry) yield entry;
        pending = pending.subarray(newline + 1);
        newline = pending.indexOf(0x0a);
      }
    }
    // A last line without its newline is still being written (or was cut short): it is read next time.
    if (pending.length) {
      const lineStart = offset;
      const entry = parse(pending);
      if (entry) yield { ...entry, end: lineStart };
    }
  }

  /** Newest capture of each URL (the map is shared; do not modify it). */
  latestByUrl(): Promise<Map<string, Capture>> {
    this.newestByUrl ??= this.captures().then((all) => new Map(all.map((c) => [c.url, c])));
    return this.newestByUrl;
  }

  private async writeBlob(sha256: string, body: Uint8Array): Promise<void> {
    const target = this.blobPath(sha256);
    if (await this.has(sha256)) return;
    await mkdir(path.dirname(target), { recursive: true });
    // Unique per write: two crawls of identical pages may store the same blob at the same moment.
    const temp = `${target}.${process.pid}.${randomUUID()}.tmp`;
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(body);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  }

  private async append(capture: Capture): Promise<void> {
    await mkdir(this.root, { recursive: true });
    // One write call per record with O_APPEND, then fsync: the line is either whole or (after a crash) cut
    // short, which `captures()` skips and reports.
    const handle = await open(this.catalogFile, 'a+');
    try {
      // A line cut short by a crash must not swallow the next record: start on a fresh line.
      const { size } = await handle.stat();
      const last = Buffer.alloc(1);
      const fresh =
        size === 0 || ((await handle.read(last, 0, 1, size - 1)).bytesRead === 1 && last[0] === 0x0a);
      await handle.write(`${fresh ? '' : '\n'}${JSON.stringify(capture)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}
