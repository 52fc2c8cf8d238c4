/**
 * Where each source stands: its licence and display rule, its last crawl (from data/crawl/runs.ndjson) and
 * what the archive holds for it. Both files are streamed, so the answer costs memory per source, not per
 * capture.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Archive } from '../core/archive.ts';
import type { Source } from '../core/sources.ts';
import type { SourceSummary } from './crawl.ts';

export interface SourceStatus {
  source: Source;
  /** The last crawl's summary, if the source was ever crawled. */
  lastCrawl: SourceSummary | null;
  /** Documents archived (captures of document pages, every edition and version). */
  documents: number;
  /** All captures, listings included. */
  captures: number;
  /** Distinct editions among the archived documents. */
  editions: number[];
}

export function runsFile(dataDir: string): string {
  return path.join(dataDir, 'crawl', 'runs.ndjson');
}

export async function sourceStatus(
  sources: Source[],
  archive: Archive,
  dataDir: string,
): Promise<SourceStatus[]> {
  const last = new Map<string, SourceSummary>();
  if (await exists(runsFile(dataDir))) {
    const lines = createInterface({
      input: createReadStream(runsFile(dataDir), 'utf8'),
      crlfDelay: Infinity,
    });
    for await (const line of lines) {
      if (!line.trim()) continue;
      try {
        const summary = JSON.parse(line) as SourceSummary;
        if (typeof summary.source === 'string') last.set(summary.source, summary);
      } catch {
        // A line cut short by a crash: the runs before and after it still count.
      }
    }
  }
  const counts = new Map<string, { documents: number; captures: number; editions: Set<number> }>();
  for await (const entry of archive.readCatalog()) {
    const capture = entry.capture;
    if (!capture) continue;
    let c = counts.get(capture.source);
    if (!c) {
      c = { documents: 0, captures: 0, editions: new Set() };
      counts.set(capture.source, c);
    }
    c.captures++;
    if (capture.role === 'document') {
      c.documents++;
      if (capture.edition !== null) c.editions.add(capture.edition);
    }
  }
  return sources.map((source) => {
    const c = counts.get(source.id);
    return {
      source,
      lastCrawl: last.get(source.id) ?? null,
      documents: c?.documents ?? 0,
      captures: c?.captures ?? 0,
      editions: [...(c?.editions ?? [])].sort((a, b) => a - b),
    };
  });
}

function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
