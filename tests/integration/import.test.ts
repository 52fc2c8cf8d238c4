/**
 * `import`: local files into the archive with metadata from a <source>/<edition>/<country>.<ext> path,
 * flags overriding it, and a clear reason for every file that cannot be placed.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Archive } from '../../core/archive.ts';
import { loadSources, SourceRegistry } from '../../core/sources.ts';
import { importFiles, inferFromPath } from '../../crawler/import.ts';
import { FIXTURES } from '../helpers/corpus.ts';

const sources = new SourceRegistry(loadSources());
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'countrycite-import-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('import', () => {
  it('reads source, edition and country from the path', () => {
    expect(inferFromPath('/x/us-dos-hrr/2023/el-salvador.txt', sources)).toEqual({
      source: 'us-dos-hrr',
      edition: 2023,
      country: 'SV',
      countrySlug: 'el-salvador',
    });
    expect(inferFromPath('/x/us-dos-hrr/2023/democratic-republic-of-the-congo.pdf', sources).country).toBe(
      'CD',
    );
  });

  it('archives a tree with the publisher URL, content type and provenance, and does not duplicate on re-import', async () => {
    const archive = new Archive(path.join(work, 'a'));
    const report = await importFiles(path.join(FIXTURES, 'reports'), archive, sources);
    expect(report.skipped).toEqual([]);
    expect(report.imported).toHaveLength(2);
    const capture = report.imported.find((c) => c.edition === 2023);
    expect(capture).toMatchObject({
      source: 'us-dos-hrr',
      country: 'HN',
      edition: 2023,
      format: 'text',
      origin: 'import',
      status: null,
      url: 'https://www.state.gov/reports/2023-country-reports-on-human-rights-practices/honduras/',
    });
    expect(capture?.importedFrom).toBe(path.join(FIXTURES, 'reports/us-dos-hrr/2023/honduras.txt'));
    const bytes = await readFile(path.join(FIXTURES, 'reports/us-dos-hrr/2023/honduras.txt'));
    expect((await archive.read(capture?.sha256 ?? '')).equals(bytes)).toBe(true);

    const again = await importFiles(
      path.join(FIXTURES, 'reports'),
      new Archive(path.join(work, 'a')),
      sources,
    );
    expect(again.imported).toHaveLength(0);
    expect(again.unchanged).toHaveLength(2);
    expect(await new Archive(path.join(work, 'a')).captures()).toHaveLength(2);
  });

  it('lets flags override what the path says', async () => {
    const dir = path.join(work, 'loose');
    await mkdir(dir, { recursive: true });
    await writeFile(
      path.join(dir, 'report-from-a-colleague.txt'),
      'Burma 2022 Human Rights Report\nExecutive Summary\nText.',
    );
    const report = await importFiles(dir, new Archive(path.join(work, 'b')), sources, {
      source: 'us-dos-hrr',
      edition: 2022,
      country: 'Burma',
    });
    expect(report.imported[0]).toMatchObject({ country: 'MM', edition: 2022, source: 'us-dos-hrr' });
    // The citation URL is the chosen country's page on the publisher's site, not one named after the file.
    const [capture] = await new Archive(path.join(work, 'b')).captures();
    expect(capture?.url).toBe(
      'https://www.state.gov/reports/2022-country-reports-on-human-rights-practices/burma/',
    );
  });

  it('skips, with the reason, files it cannot place or read', async () => {
    const dir = path.join(work, 'mixed', 'us-dos-hrr', '2023');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'atlantis.txt'), 'text');
    await writeFile(path.join(dir, 'guatemala.docx'), 'x');
    await writeFile(path.join(work, 'mixed', 'nowhere.txt'), 'text');
    const report = await importFiles(path.join(work, 'mixed'), new Archive(path.join(work, 'c')), sources);
    const reasons = Object.fromEntries(report.skipped.map((s) => [path.basename(s.file), s.reason]));
    expect(reasons['atlantis.txt']).toMatch(/"atlantis" is not a country name; use --country/);
    expect(reasons['guatemala.docx']).toMatch(/unsupported file type ".docx"/);
    expect(reasons['nowhere.txt']).toMatch(/cannot tell the source .*edition/);
    expect(report.imported).toHaveLength(0);
  });

  it('survives a catalog line cut short by a crash', async () => {
    const archive = new Archive(path.join(work, 'd'));
    await importFiles(path.join(FIXTURES, 'reports'), archive, sources);
    await writeFile(
      archive.catalogFile,
      `${await readFile(archive.catalogFile, 'utf8')}{"sha256":"abc`,
      'utf8',
    );
    const problems: number[] = [];
    const captures = await new Archive(path.join(work, 'd')).captures((p) => problems.push(p.line));
    expect(captures).toHaveLength(2);
    expect(problems).toEqual([3]);
    // The next record starts on a line of its own.
    const later = new Archive(path.join(work, 'd'));
    await later.put(new TextEncoder().encode('new'), {
      ...(captures[0] as NonNullable<(typeof captures)[0]>),
      url: 'https://example.org/new',
    });
    expect((await new Archive(path.join(work, 'd')).captures()).map((c) => c.url)).toContain(
      'https://example.org/new',
    );
  });
});
