/**
 * The source adapter, driven by sources.yaml: which links on a fetched page to follow and what each one is
 * (listing or document, format, edition, country, title, part). Metadata comes from the URL pattern first,
 * then from the link's text ("Afghanistan: country policy and information notes"), then from the page that
 * links to it (a country page linking its PDF), and for the country last from the file name
 * ("..._EUAA_COI_Report_Somalia_Security_Situation.pdf").
 */
import { load } from 'cheerio';
import { findCountryMentions, resolveCountry } from '../core/countries.ts';
import type { Source } from '../core/sources.ts';
import { type CompiledPattern, compilePattern, decodePathSegment, matchPattern } from './patterns.ts';
import type { FrontierEntry } from './state.ts';

export interface Link {
  url: string;
  /** The anchor's text, whitespace collapsed. */
  text: string;
}

/** Links on an HTML page (http and https only, fragments dropped, first text kept per URL). */
export function discoverLinks(html: string, baseUrl: string): Link[] {
  const $ = load(html);
  const links = new Map<string, string>();
  $('a[href]').each((_, a) => {
    const href = $(a).attr('href')?.trim();
    if (!href || href.startsWith('#') || /^(mailto|javascript|tel|data):/i.test(href)) return;
    try {
      const url = new URL(href, baseUrl);
      url.hash = '';
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return;
      const text = $(a).text().replace(/\s+/g, ' ').trim();
      if (!links.has(url.href) || (!links.get(url.href) && text)) links.set(url.href, text);
    } catch {
      // A malformed href is skipped like any other dead link.
    }
  });
  return [...links].map(([url, text]) => ({ url, text }));
}

/** The page's visible text (for editions stated only in the text). */
export function pageText(html: string): string {
  const $ = load(html);
  $('script, style, noscript').remove();
  return $('body').text().replace(/\s+/g, ' ').trim() || $.root().text().replace(/\s+/g, ' ').trim();
}

/** Link texts that name an action, not a document ("Download report", "PDF"). */
const GENERIC_LINK_TEXT = /^(download|read|view|open|pdf|html|full|english|here|more|click|link)\b/i;

export interface Parent {
  edition: number | null;
  country: string | null;
  title: string | null;
  /** A document's part passes to the files it links (a Refworld record page and its PDF). */
  part: string | null;
}

export interface CrawlFilter {
  country?: string | undefined;
  edition?: number | undefined;
}

export class SourceRules {
  private readonly rules: {
    pattern: CompiledPattern;
    rule: NonNullable<Source['crawl']>['follow'][number];
  }[];

  constructor(readonly source: Source) {
    this.rules = (source.crawl?.follow ?? []).map((rule) => ({ pattern: compilePattern(rule.match), rule }));
  }

  rule(index: number | null) {
    return index === null ? undefined : this.rules[index]?.rule;
  }

  /**
   * What a link is, or null when no rule follows it or the filters exclude it. A link whose edition or
   * country is known and differs from the filter is not followed; listings are followed whatever their
   * country, since they lead to the documents.
   */
  classify(link: Link, parent: Parent, filter: CrawlFilter = {}): FrontierEntry | null {
    for (const [index, { pattern, rule }] of this.rules.entries()) {
      const match = matchPattern(pattern, link.url);
      if (!match) continue;
      const edition = match.edition ?? parent.edition;
      if (filter.edition !== undefined && edition !== null && edition !== filter.edition) return null;
      const country = linkCountry(link, match.countrySlug, parent.country);
      if (filter.country && rule.role === 'document' && country !== filter.country) return null;
      const text = link.text.length >= 4 && !GENERIC_LINK_TEXT.test(link.text) ? link.text : null;
      return {
        url: link.url,
        source: this.source.id,
        host: new URL(link.url).host,
        role: rule.role,
        format: rule.format ?? null,
        edition,
        country,
        title: (text ?? parent.title)?.slice(0, 300) ?? null,
        part: match.part ?? parent.part,
        rule: index,
      };
    }
    return null;
  }
}

function linkCountry(link: Link, slug: string | undefined, parentCountry: string | null): string | null {
  const fromSlug = slug ? resolveCountry(slug) : undefined;
  if (fromSlug) return fromSlug;
  const fromText = findCountryMentions(link.text)[0]?.code;
  if (fromText) return fromText;
  if (parentCountry) return parentCountry;
  const file = decodePathSegment(new URL(link.url).pathname.split('/').pop() ?? '')
    .replace(/\.[a-z0-9]+$/i, '')
    .replace(/[_-]+/g, ' ');
  // File names are often capitalised ("NORTH-MACEDONIA"): mentions are matched on title case.
  const titled = file.replace(/\p{L}+/gu, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase());
  return findCountryMentions(titled)[0]?.code ?? null;
}

/** The edition stated in a page's text by the rule's `editionInText` expression. */
export function editionInText(text: string, expression: string): number | null {
  const year = new RegExp(expression).exec(text)?.[1];
  return year && /^(19|20)\d{2}$/.test(year) ? Number(year) : null;
}
