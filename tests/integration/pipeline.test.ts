/**
 * The whole pipeline on real reports: a local server laid out like state.gov serves the 2023 Nicaragua PDF
 * and the 2023 Guatemala text report from ../shared/corpus; the crawler fetches them with a test sources
 * file, the indexer puts them into the real Meilisearch, and the API finds the right passage with the right
 * country, section path and page.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Archive } from '../../core/archive.ts';
import { loadSources, SourceRegistry } from '../../core/sources.ts';
import { crawl, type SourceSummary } from '../../crawler/crawl.ts';
import { type IndexReport, indexArchive } from '../../indexer/indexer.ts';
import { createApp } from '../../server/app.ts';
import type { SearchResponse } from '../../server/schemas.ts';
import { corpusFile, describeWithCorpus } from '../helpers/corpus.ts';
import { type TestEngine, testEngine } from '../helpers/engine.ts';
import { html, type Site, startSite } from '../helpers/site.ts';

const EDITION_PATH = '/reports/2023-country-reports-on-human-rights-practices/';
const NI_PDF = '/wp-content/uploads/2024/02/528267_NICARAGUA-2023-HUMAN-RIGHTS-REPORT.pdf';
const GT_TEXT = '/wp-content/uploads/2024/03/GUATEMALA-2023-HUMAN-RIGHTS-REPORT.txt';

describeWithCorpus('pipeline: crawl → archive → index → search on real reports', () => {
  let site: Site;
  let engine: TestEngine;
  let dataDir: string;
  let summaries: SourceSummary[];
  let report: IndexReport;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    site = await startSite({
      '/robots.txt': { type: 'text/plain', body: 'User-agent: *\nDisallow: /private/\n' },
      [EDITION_PATH]: html(
        `<h1>2023 Country Reports on Human Rights Practices</h1><ul>
         <li><a href="${EDITION_PATH}guatemala/">Guatemala</a></li>
         <li><a href="${EDITION_PATH}nicaragua/">Nicaragua</a></li>
         <li><a href="/private/drafts/">Drafts</a></li><li><a href="/about/">About</a></li></ul>`,
      ),
      [`${EDITION_PATH}nicaragua/`]: html(
        `<main><h1>Nicaragua</h1><p><a href="${NI_PDF}">Download the report (PDF)</a></p></main>`,
      ),
      [`${EDITION_PATH}guatemala/`]: html(
        `<main><h1>Guatemala</h1><p><a href="${GT_TEXT}">Plain-text version</a></p></main>`,
      ),
      [NI_PDF]: { type: 'application/pdf', body: readFileSync(corpusFile('us-dos-hrr/2023/nicaragua.pdf')) },
      [GT_TEXT]: {
        type: 'text/plain; charset=utf-8',
        body: readFileSync(corpusFile('us-dos-hrr/2023/guatemala.txt')),
      },
    });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'countrycite-pipeline-'));
    const sourcesFile = path.join(dataDir, 'sources.yaml');
    writeFileSync(
      sourcesFile,
      `sources:
  - id: us-dos-hrr
    name: State Department Country Reports on Human Rights Practices (test site)
    publisher: U.S. Department of State
    office: Bureau of Democracy, Human Rights, and Labor
    series: Country Reports on Human Rights Practices
    homepage: ${site.origin}/
    cadence: annual
    publicationLagYears: 1
    license: { id: us-gov-public-domain, name: Public domain, display: full-text, commercialUse: true }
    title: "{country} {edition} Human Rights Report"
    citation: { author: "U.S. Dep't of State, Bureau of Democracy, Human Rights, and Labor", short: "{edition} {country} HRR" }
    preferFormats: [pdf, text, html]
    crawl:
      hosts: ["${site.host}"]
      delaySeconds: 0
      seeds:
        - url: ${site.origin}/reports/{edition}-country-reports-on-human-rights-practices/
          editions: [2023]
      follow:
        - { match: "${site.origin}/reports/{edition}-country-reports-on-human-rights-practices/{country}/", role: document, format: html }
        - { match: "${site.origin}/wp-content/uploads/*/*/*HUMAN-RIGHTS-REPORT*.pdf", role: document, format: pdf }
        - { match: "${site.origin}/wp-content/uploads/*/*/*HUMAN-RIGHTS-REPORT*.txt", role: document, format: text }
        - { match: "${site.origin}/private/*/", role: listing }
`,
    );
    const sources = new SourceRegistry(loadSources(sourcesFile));
    const archive = new Archive(dataDir);
    ({ summaries } = await crawl({ archive, sources: sources.sources, dataDir }));
    engine = testEngine();
    report = await indexArchive({ client: engine.client, archive, sources, indexPrefix: engine.prefix });
    app = createApp({ client: engine.client, indexes: engine.indexes, sources });
  });

  afterAll(async () => {
    await engine?.cleanup();
    await site?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function search(query: string): Promise<SearchResponse> {
    const response = await app.request(`/api/search?${query}`);
    expect(response.status).toBe(200);
    return (await response.json()) as SearchResponse;
  }

  it('crawled the listing, both country pages and both reports, and honoured robots.txt', () => {
    const [summary] = summaries;
    expect(summary?.failures).toEqual([]);
    expect(summary?.newCaptures).toBe(5);
    expect(summary?.skippedByRobots).toBe(1);
    const paths = site.requests.map((r) => r.path);
    expect(paths[0]).toBe('/robots.txt');
    expect(paths).toContain(NI_PDF);
    expect(paths).not.toContain('/private/drafts/');
    expect(paths).not.toContain('/about/');
    expect(
      site.requests.every((r) => /\bCountryCiteBot\/\d.*\+https:\/\//.test(String(r.headers['user-agent']))),
    ).toBe(true);
  });

  it('indexed one document per report, reading the PDF and the text rather than the thin HTML pages', () => {
    expect(report.failed).toBe(0);
    expect(report.indexed).toBe(2);
    expect(report.passages).toBeGreaterThan(250);
  });

  it('finds the Guatemala femicide passages in the section on women', async () => {
    const result = await search('q=femicide&country=GT');
    expect(result.hits.length).toBeGreaterThanOrEqual(2);
    const inWomen = result.hits.filter((h) => h.sectionPath[1] === 'Women');
    expect(inWomen.length).toBeGreaterThanOrEqual(2);
    for (const hit of result.hits) {
      expect(hit.country).toBe('GT');
      expect(hit.title).toBe('Guatemala 2023 Human Rights Report');
    }
    const top = inWomen[0];
    expect(top?.sectionPath).toEqual([
      'Section 6. Discrimination and Societal Abuses',
      'Women',
      'Rape and Domestic Violence',
    ]);
    expect(top?.citation.full).toContain("U.S. Dep't of State");
    expect(top?.citation.full).toContain(
      'Guatemala 2023 Human Rights Report § 6 (“Women: Rape and Domestic Violence”)',
    );
  });

  it('finds a Nicaragua passage on the PDF page it is printed on', async () => {
    const result = await search(
      `q=${encodeURIComponent('Catholics for the Right to Decide reported 36 femicides')}&country=NI`,
    );
    const hit = result.hits[0];
    expect(hit?.country).toBe('NI');
    expect(hit?.sectionPath).toEqual([
      'Section 6. Discrimination and Societal Abuses',
      'Women',
      'Other Forms of Gender-based Violence or Harassment',
    ]);
    // The paragraph starts at the foot of page 41 and ends on page 42 of the original PDF.
    expect(hit?.page).toBe(41);
    expect(hit?.pageEnd).toBe(42);
    expect(hit?.citation.pin).toBe(
      '§ 6 (“Women: Other Forms of Gender-based Violence or Harassment”), at 41–42',
    );
    expect(hit?.url).toBe(`${site.origin}${NI_PDF}`);
  });

  it('makes no new capture of unchanged reports on the next crawl, so nothing is re-indexed', async () => {
    const before = site.requests.length;
    const sources = new SourceRegistry(loadSources(path.join(dataDir, 'sources.yaml')));
    const { summaries: again } = await crawl({
      archive: new Archive(dataDir),
      sources: sources.sources,
      dataDir,
    });
    expect(again[0]?.newCaptures).toBe(0);
    expect((again[0]?.unchanged ?? 0) + (again[0]?.notModified ?? 0)).toBe(5);
    expect(site.requests.length - before).toBeGreaterThan(0);
    const reindex = await indexArchive({
      client: engine.client,
      archive: new Archive(dataDir),
      sources,
      indexPrefix: engine.prefix,
    });
    expect(reindex.indexed).toBe(0);
    expect(reindex.skipped).toBe(2);
  });
});
