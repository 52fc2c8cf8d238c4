/**
 * Sources for crawl tests, built through the real sources.yaml schema (so defaults and checks apply), and
 * the same entries as YAML for tests that run the CLI.
 */
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { type Source, SourcesFile } from '../../core/sources.ts';

export interface TestCrawl {
  id?: string;
  hosts: string[];
  seeds: { url: string; editions?: number[] }[];
  follow: {
    match: string;
    role: 'listing' | 'document';
    format?: 'html' | 'pdf' | 'text';
    editionInText?: string;
  }[];
  delaySeconds?: number;
  maxPages?: number;
}

/** A sources.yaml entry (before validation) with this crawl section. */
export function testSourceEntry(crawl: TestCrawl) {
  const { id = 'test-source', ...rest } = crawl;
  return {
    id,
    name: `Test source ${id}`,
    publisher: 'Test Publisher',
    series: 'Test Reports',
    homepage: 'https://example.org/',
    cadence: 'annual',
    license: { id: 'pd', name: 'Public domain', display: 'full-text', commercialUse: true },
    title: '{country} {edition} Test Report',
    citation: { author: 'Test Publisher', short: '{edition} {country} TR' },
    preferFormats: ['pdf', 'html', 'text'],
    crawl: { delaySeconds: 0, ...rest },
  };
}

export function testSources(...crawls: TestCrawl[]): Source[] {
  return SourcesFile.parse({ sources: crawls.map(testSourceEntry) }).sources;
}

export function writeTestSources(file: string, ...crawls: TestCrawl[]): string {
  testSources(...crawls);
  writeFileSync(file, stringify({ sources: crawls.map(testSourceEntry) }));
  return file;
}
