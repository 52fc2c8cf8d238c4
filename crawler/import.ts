/**
 * `countrycite import <path>`: local PDF, HTML and text files into the same archive the crawler fills, with
 * the same metadata. For a tree laid out as <source>/<edition>/<country>.<ext> (like ../shared/corpus) the
 * source, edition and country come from the path; flags override them. Files that cannot be placed are
 * reported with the reason and skipped; nothing already archived is touched.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Archive, Capture } from '../core/archive.ts';
import type { DocumentFormat } from '../core/contract.ts';
import { countryByCode, resolveCountry } from '../core/countries.ts';
import { UsageError } from '../core/errors.ts';
import { fillTemplate, type SourceRegistry } from '../core/sources.ts';

const FORMATS: Record<string, { format: DocumentFormat; contentType: string }> = {
  '.pdf': { format: 'pdf', contentType: 'application/pdf' },
  '.html': { format: 'html', contentType: 'text/html' },
  '.htm': { format: 'html', contentType: 'text/html' },
  '.txt': { format: 'text', contentType: 'text/plain; charset=utf-8' },
};

export interface ImportOverrides {
  source?: string | undefined;
  edition?: number | undefined;
  country?: string | undefined;
  /** When the files were downloaded from their URLs (ISO 8601); the import time when not given. */
  visited?: string | undefined;
}

export interface ImportReport {
  imported: Capture[];
  unchanged: Capture[];
  skipped: { file: string; reason: string }[];
}

export interface ImportProgress {
  done: number;
  total: number;
  file: string;
}

async function listFiles(root: string): Promise<string[]> {
  const info = await stat(root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT')
      throw new UsageError(`Nothing to import: ${root} does not exist. Check the path.`);
    throw error;
  });
  if (info.isFile()) return [root];
  const files: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) files.push(path.join(entry.parentPath, entry.name));
  }
  return files.sort();
}

/** Source, edition and country from the path: any segment naming a known source, then a year, then the file. */
export function inferFromPath(
  file: string,
  sources: SourceRegistry,
): { source?: string; edition?: number; country?: string; countrySlug: string } {
  const segments = path.resolve(file).split(path.sep);
  const countrySlug = path.basename(file, path.extname(file)).toLowerCase();
  const result: { source?: string; edition?: number; country?: string; countrySlug: string } = {
    countrySlug,
  };
  for (let i = segments.length - 2; i >= 0; i--) {
    const segment = segments[i] ?? '';
    if (result.edition === undefined && /^(19|20)\d{2}$/.test(segment)) result.edition = Number(segment);
    else if (result.source === undefined && sources.get(segment)) {
      result.source = segment;
      break;
    }
  }
  const country = resolveCountry(countrySlug);
  if (country) result.country = country;
  return result;
}

export async function importFiles(
  target: string,
  archive: Archive,
  sources: SourceRegistry,
  overrides: ImportOverrides = {},
  onProgress?: (p: ImportProgress) => void,
): Promise<ImportReport> {
  const report: ImportReport = { imported: [], unchanged: [], skipped: [] };
  const files = await listFiles(path.resolve(target));
  let done = 0;
  for (const file of files) {
    onProgress?.({ done, total: files.length, file });
    done++;
    const kind = FORMATS[path.extname(file).toLowerCase()];
    if (!kind) {
      if (!/(^|\/)(manifest\.json|README\.md|\.[^/]+)$/.test(file)) {
        report.skipped.push({
          file,
          reason: `unsupported file type "${path.extname(file) || 'none'}" (import reads .pdf, .html, .htm and .txt)`,
        });
      }
      continue;
    }
    const inferred = inferFromPath(file, sources);
    const sourceId = overrides.source ?? inferred.source;
    const edition = overrides.edition ?? inferred.edition;
    const country = overrides.country ? resolveCountry(overrides.country) : inferred.country;
    const missing: string[] = [];
    if (!sourceId) missing.push('source (--source, or a folder named after a source in sources.yaml)');
    if (edition === undefined) missing.push('edition (--edition, or a folder named after the year)');
    if (!country) {
      missing.push(
        overrides.country
          ? `country ("${overrides.country}" is not a country name or ISO code)`
          : `country ("${inferred.countrySlug}" is not a country name; use --country)`,
      );
    }
    if (!sourceId || edition === undefined || !country) {
      report.skipped.push({ file, reason: `cannot tell the ${missing.join(', ')}` });
      continue;
    }
    const source = sources.get(sourceId);
    if (!source) {
      report.skipped.push({
        file,
        reason: `unknown source "${sourceId}"; known: ${sources.sources.map((s) => s.id).join(', ')}`,
      });
      continue;
    }
    // The file's own name is the publisher's slug ("turkey.txt"); when --country names another country
    // than the file name does, the URL must be that country's, not the file name's ("report.txt").
    const countrySlug =
      inferred.country === country
        ? inferred.countrySlug
        : (countryByCode(country)?.slug ?? inferred.countrySlug);
    const url = source.documentUrl
      ? fillTemplate(source.documentUrl, { edition, country: countrySlug })
      : pathToFileURL(file).href;
    const body = await readFile(file);
    const { capture, created } = await archive.put(body, {
      url,
      // A capture's date is when its copy left the URL (a citation's "last visited"): for an import, the
      // day the user downloaded the files when they say so (--visited), else the import time.
      fetchedAt: overrides.visited ?? new Date().toISOString(),
      status: null,
      contentType: kind.contentType,
      etag: null,
      lastModified: null,
      source: source.id,
      edition,
      country,
      role: 'document',
      format: kind.format,
      origin: 'import',
      importedFrom: file,
    });
    (created ? report.imported : report.unchanged).push(capture);
  }
  onProgress?.({ done, total: files.length, file: '' });
  return report;
}
