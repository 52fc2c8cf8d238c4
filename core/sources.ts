/**
 * sources.yaml: the publishers and report series CountryCite crawls, how to find their documents, and the
 * licence and citation rules that travel with every passage. Strict: an unknown key is an error that names
 * the entry and the field, so a typo cannot silently disable a rule.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DocumentFormat } from './contract.ts';
import { UsageError } from './errors.ts';
import { parseYamlFile } from './yaml-file.ts';

const Slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a lower-case slug such as "us-dos-hrr"');

/**
 * A URL pattern: {edition} is a 4-digit year, {country} a country slug, {part} one path segment naming which
 * of several documents for a country and edition this is, * any characters but "/".
 */
const UrlPattern = z
  .string()
  .min(1)
  .refine((p) => /^https?:\/\//.test(p), 'must start with http:// or https://')
  .superRefine((p, ctx) => {
    for (const [placeholder] of p.matchAll(/\{[^}]*\}/g)) {
      if (!['{edition}', '{country}', '{part}'].includes(placeholder))
        ctx.addIssue({
          code: 'custom',
          message: `unknown placeholder ${placeholder}; use {edition}, {country} or {part}`,
        });
    }
  });

/** A regular expression whose first group is a four-digit year. */
const EditionRegex = z.string().superRefine((value, ctx) => {
  try {
    if (new RegExp(`${value}|`).exec('')?.length !== 2)
      ctx.addIssue({ code: 'custom', message: 'needs exactly one (group) around the year' });
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression (${(error as Error).message})` });
  }
});

export const License = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  url: z.string().url().optional(),
  /** full-text: passages are shown in full; snippet: a short excerpt and a link to the publisher. */
  display: z.enum(['full-text', 'snippet']),
  commercialUse: z.boolean(),
  /** Shown beside every passage from this source (e.g. CC BY-NC-ND attribution and no-derivatives rule). */
  notice: z.string().optional(),
});
export type License = z.infer<typeof License>;

const CrawlSeed = z.strictObject({
  url: UrlPattern,
  /** Editions to expand {edition} with; omit when the URL has no {edition}. */
  editions: z.array(z.number().int().min(1900).max(2200)).optional(),
});

const FollowRule = z.strictObject({
  match: UrlPattern,
  /** listing: fetched for its links only; document: archived and indexed. */
  role: z.enum(['listing', 'document']),
  format: DocumentFormat.optional(),
  /**
   * For pages whose URL carries no year: a regular expression run on the page text, its group being the
   * edition ("Amnesty International Report (\\d{4})/\\d{2}").
   */
  editionInText: EditionRegex.optional(),
});
export type FollowRule = z.infer<typeof FollowRule>;

const Crawl = z
  .strictObject({
    /** Hosts the crawler may contact for this source; redirects elsewhere are refused. */
    hosts: z.array(z.string().min(1)).min(1),
    /**
     * Minimum delay between two requests to the same host (robots.txt Crawl-delay wins when larger). A host
     * shared by several sources keeps the largest of their delays.
     */
    delaySeconds: z.number().min(0).max(300).default(1),
    seeds: z.array(CrawlSeed).min(1),
    /** First matching rule wins, so list specific patterns before general ones. */
    follow: z.array(FollowRule).min(1),
    /** Stop following links after this many pages per run (safety net). */
    maxPages: z.number().int().positive().default(5000),
  })
  .superRefine((crawl, ctx) => {
    const listed = new Set(crawl.hosts.map((h) => h.toLowerCase()));
    const check = (pattern: string, path: (string | number)[]) => {
      const host = /^https?:\/\/([^/]+)/i.exec(pattern)?.[1]?.toLowerCase();
      if (host && !listed.has(host))
        ctx.addIssue({
          code: 'custom',
          path,
          message: `host ${host} is not in crawl.hosts (${crawl.hosts.join(', ')}); add it there or fix the URL`,
        });
    };
    crawl.seeds.forEach((seed, i) => {
      check(seed.url, ['seeds', i, 'url']);
    });
    crawl.follow.forEach((rule, i) => {
      check(rule.match, ['follow', i, 'match']);
    });
  });
export type Crawl = z.infer<typeof Crawl>;

/**
 * How a series is cited (Bluebook as EOIR follows it): the author and title as cited, how precise the
 * publication date is, and what a pin cite points at.
 */
export const CitationRules = z.strictObject({
  /** Author as cited: "U.S. Dep't of State, Bureau of Democracy, Human Rights, and Labor". */
  author: z.string().min(1),
  /** Short form: "{edition} {country} HRR". */
  short: z.string().min(1),
  /** Title as cited, when it differs from the document title: "{edition} Annual Report: {country}". */
  title: z.string().min(1).optional(),
  /** Precision of the date in the parenthetical; never more precise than the publication date we hold. */
  date: z.enum(['year', 'month', 'day']).default('year'),
  /**
   * What a pin cite points at. section: "§ 6 (“Women”), at 41"; paragraph: numbered paragraphs, "¶ 3.1.2";
   * indicator: Freedom House indicators, "D1"; page: "34" in the full form, "at 34" in the short form;
   * named: a named part of the report, "at “Protection”". Each falls back to what the passage has.
   */
  pin: z.enum(['section', 'paragraph', 'indicator', 'page', 'named']).default('section'),
});
export type CitationRules = z.infer<typeof CitationRules>;

export const Source = z.strictObject({
  id: Slug,
  name: z.string().min(1),
  publisher: z.string().min(1),
  /** Sub-unit named in citations, e.g. "Bureau of Democracy, Human Rights, and Labor". */
  office: z.string().optional(),
  series: z.string().min(1),
  homepage: z.string().url(),
  language: z.string().min(2).default('en'),
  cadence: z.enum(['annual', 'biennial', 'irregular', 'continuous']),
  /** Years between the period a report covers and its publication (State Department: 1). */
  publicationLagYears: z.number().int().min(0).max(5).default(0),
  license: License,
  /** Why an adjudicator gives this source weight, with the authority. */
  legalWeight: z.string().optional(),
  caveats: z.array(z.string()).default([]),
  /** "{country}" and "{edition}" are filled from document metadata. */
  title: z.string().min(1),
  citation: CitationRules,
  /** When a report exists in several formats, which one to index (PDF keeps page numbers for pin cites). */
  preferFormats: z.array(DocumentFormat).min(1).default(['pdf', 'html', 'text']),
  /** Canonical page for a document, used for imported files: {edition}, {country} (slug as in the file name). */
  documentUrl: UrlPattern.optional(),
  crawl: Crawl.optional(),
});
export type Source = z.infer<typeof Source>;

export const SourcesFile = z.strictObject({ sources: z.array(Source).min(1) }).superRefine((file, ctx) => {
  const seen = new Set<string>();
  for (const [i, s] of file.sources.entries()) {
    if (seen.has(s.id))
      ctx.addIssue({ code: 'custom', path: ['sources', i, 'id'], message: `duplicate id "${s.id}"` });
    seen.add(s.id);
  }
});
export type SourcesFile = z.infer<typeof SourcesFile>;

export const DEFAULT_SOURCES_FILE = fileURLToPath(new URL('../sources.yaml', import.meta.url));

export function loadSources(file = DEFAULT_SOURCES_FILE): Source[] {
  return parseYamlFile(file, SourcesFile).sources;
}

export class SourceRegistry {
  private readonly byId: Map<string, Source>;
  constructor(readonly sources: Source[]) {
    this.byId = new Map(sources.map((s) => [s.id, s]));
  }
  get(id: string): Source | undefined {
    return this.byId.get(id);
  }
  require(id: string): Source {
    const source = this.byId.get(id);
    if (!source) {
      throw new UsageError(`Unknown source "${id}". Known sources: ${[...this.byId.keys()].join(', ')}.`);
    }
    return source;
  }
}

/** Fills {country}, {edition} and {edition+N}; placeholders without a value are left as they are. */
export function fillTemplate(template: string, values: { country?: string; edition?: number }): string {
  return template.replace(/\{(country|edition)(?:\+(\d+))?\}/g, (whole, key: string, plus?: string) => {
    if (key === 'edition' && values.edition !== undefined) return String(values.edition + Number(plus ?? 0));
    if (key === 'country' && values.country !== undefined) return values.country;
    return whole;
  });
}
