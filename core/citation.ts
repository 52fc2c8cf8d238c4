/**
 * Citations in the forms attorneys file (Bluebook as followed by EOIR, Appendix I): a full form for the first
 * cite and the exhibit index, a short form for later cites, each with a pin cite in the form the series is
 * cited by (section, numbered paragraph, indicator, page or named part), the URL and the date the capture was
 * made as the "last visited" date. Built at answer time from the passage and its source's `citation` rules
 * in sources.yaml, so a better citation format never needs a re-index. CSL-JSON and RIS carry the same
 * facts to reference managers.
 */
import type { Passage } from './contract.ts';
import { countryByCode } from './countries.ts';
import { type CitationRules, fillTemplate, type Source } from './sources.ts';

export interface Citation {
  /** Plain text, for pasting anywhere. */
  full: string;
  short: string;
  /** The full form with the title in <i>, for rich-text paste. Everything else is escaped. */
  fullHtml: string;
  /** The short form with the short title in <i>. */
  shortHtml: string;
  /** The pin as it follows the short title: "§ 6 (“Women: Rape and Domestic Violence”), at 41", "at 34", "D1". */
  pin: string;
  /** The URL cited (with the section's fragment when the page has one). */
  url: string;
  /** When the cited capture was made, as cited: "Mar. 3, 2026". */
  lastVisited: string;
}

/** What identifies the cited work: the document-level fields every passage and document carries. */
export type CitableWork = Pick<
  Passage,
  'source' | 'title' | 'country' | 'edition' | 'publishedAt' | 'url' | 'capture'
>;

/** Where in the work: absent for a whole document. */
export interface Locator {
  sectionPath: readonly string[];
  page: number | null;
  pageEnd: number | null;
  anchor?: string | null;
  /** The passage text, for numbered paragraphs ("3.1.2 Women who …") and indicators. */
  text?: string;
}

type CitablePassage = CitableWork & Locator;

const MONTHS = [
  'Jan.',
  'Feb.',
  'Mar.',
  'Apr.',
  'May',
  'June',
  'July',
  'Aug.',
  'Sept.',
  'Oct.',
  'Nov.',
  'Dec.',
];

/** Bluebook date: "Mar. 3, 2026". */
export function bluebookDate(iso: string): string {
  const d = new Date(iso);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
}

/** Year, month and day of an ISO date or partial date ("2024", "2024-06", "2024-06-24T…"). */
export function dateParts(value: string): [number] | [number, number] | [number, number, number] | null {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(value);
  if (!m) return null;
  const year = Number(m[1]);
  if (!m[2]) return [year];
  if (!m[3]) return [year, Number(m[2])];
  return [year, Number(m[2]), Number(m[3])];
}

/** The date parenthetical: as precise as the rules ask, never more precise than what we know. */
export function citationDate(
  publishedAt: string | null,
  precision: CitationRules['date'],
  year: number,
): string {
  const parts = (publishedAt && dateParts(publishedAt)) || [year];
  const [y, m, d] = parts;
  if (m === undefined || precision === 'year') return String(y);
  if (d === undefined || precision === 'month') return `${MONTHS[m - 1]} ${y}`;
  return `${MONTHS[m - 1]} ${d}, ${y}`;
}

const SMALL_WORDS = new Set(['a', 'an', 'and', 'as', 'at', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to']);

/** Headings set in capitals ("TRAFFICKING PROFILE") are cited in title case ("Trafficking Profile"). */
export function headingAsCited(heading: string): string {
  const clean = heading.replace(/[:.]\s*$/, '').trim();
  if (clean !== clean.toUpperCase() || !/\p{Lu}{3}/u.test(clean)) return clean;
  return clean
    .toLowerCase()
    .split(/(\s+)/)
    .map((word, i) =>
      i > 0 && SMALL_WORDS.has(word) ? word : word.replace(/^\p{Ll}/u, (c) => c.toUpperCase()),
    )
    .join('');
}

const SECTION_WORD = /^Section\s+(\d+|[IVXL]+)\b\.?\s*/i;
const DECIMAL_HEADING = /^(\d{1,2}(?:\.\d{1,3})+)\.?\s+\S/;
const NUMBERED_HEADING = /^(\d{1,2})\.\s+\S/;
const LETTERED_HEADING = /^([a-z])\.\s+/;

/** Section numbers and named headings of a section path. */
function splitPath(sectionPath: readonly string[]): { numbers: string[]; names: string[] } {
  const numbers: string[] = [];
  const names: string[] = [];
  for (const heading of sectionPath) {
    const numbered =
      SECTION_WORD.exec(heading)?.[1] ??
      DECIMAL_HEADING.exec(heading)?.[1] ??
      NUMBERED_HEADING.exec(heading)?.[1];
    const lettered = LETTERED_HEADING.exec(heading)?.[1];
    if (numbered) numbers.splice(0, numbers.length, numbered);
    else if (lettered && numbers.length > 0) numbers.push(lettered);
    else names.push(headingAsCited(heading));
  }
  return { numbers, names };
}

/**
 * Pin cite from a section path: numbered and lettered headings become "§ 1.c" (also "§ II", "§ 2.4"), with
 * the named headings under them quoted after it ("§ 6 (“Women: Rape and Domestic Violence”)"). A path of
 * named headings only is cited "at “Executive Summary”": set bare after a title, a parenthetical would read
 * as part of the title and run into the date parenthetical ("Report (“Executive Summary”) (2024)").
 */
export function sectionPin(sectionPath: readonly string[]): string {
  const { numbers, names } = splitPath(sectionPath);
  if (!numbers.length) return namedPin(names, '');
  const named = names.length ? ` (“${names.join(': ')}”)` : '';
  return `§ ${numbers.join('.')}${named}`;
}

export function pageRange(page: number | null, pageEnd: number | null): string {
  if (page === null) return '';
  return pageEnd !== null && pageEnd !== page ? `${page}–${pageEnd}` : String(page);
}

/** "Exh. C at 45", "Exh. C at 45–46": the record cite to a page of a filed exhibit packet. */
export function exhibitPin(tab: string, page: number, pageEnd: number | null = null): string {
  return `Exh. ${tab} at ${pageRange(page, pageEnd)}`;
}

/** A pin as it follows the title in the full form and the short title in the short form. */
interface Pin {
  full: string;
  short: string;
}

const NO_PIN: Pin = { full: '', short: '' };

/** A section pin with the page: "§ 6 (“Women”), at 41"; a named part with its page, "at 41 (“Women”)". */
function sectionWithPage(sectionPath: readonly string[], pages: string): string {
  const { numbers, names } = splitPath(sectionPath);
  if (!numbers.length) return namedPin(names, pages);
  const pin = sectionPin(sectionPath);
  return pages ? `${pin}, at ${pages}` : pin;
}

function namedPin(names: string[], pages: string): string {
  const quoted = names.length ? `“${names.join(': ')}”` : '';
  if (pages) return quoted ? `at ${pages} (${quoted})` : `at ${pages}`;
  return quoted ? `at ${quoted}` : '';
}

const same = (pin: string): Pin => (pin ? { full: ` ${pin}`, short: ` ${pin}` } : NO_PIN);

function pinFor(locator: Locator | undefined, style: CitationRules['pin'], title: string): Pin {
  if (!locator) return NO_PIN;
  const pages = pageRange(locator.page, locator.pageEnd);
  const { names } = splitPath(locator.sectionPath);
  switch (style) {
    case 'section':
      return same(sectionWithPage(locator.sectionPath, pages));
    case 'paragraph': {
      const numbered = /^(\d{1,2}(?:\.\d{1,3}){1,3})\s/.exec(locator.text ?? '')?.[1];
      if (!numbered) return same(sectionWithPage(locator.sectionPath, pages));
      return same(pages ? `¶ ${numbered}, at ${pages}` : `¶ ${numbered}`);
    }
    case 'indicator': {
      const indicator = [...locator.sectionPath, locator.text ?? '']
        .map((h) => /^([A-G][1-4])\b/.exec(h)?.[1])
        .filter(Boolean)
        .at(-1);
      if (!indicator) return same(namedPin(names, pages));
      const at = pages ? `, at ${pages}` : '';
      return { full: `, indicator ${indicator}${at}`, short: ` ${indicator}${at}` };
    }
    case 'page':
      // Bluebook: a page follows the title bare in the full form ("Annual Report 34") and with "at" after a
      // short form ("Ann. Rep. at 34"); after a title ending in a numeral, with ", at" so the page cannot
      // be read as part of it ("Nicaragua 2024, at 176", not "Nicaragua 2024 176").
      if (!pages) return same(namedPin(names, pages));
      return { full: /\d$/.test(title) ? `, at ${pages}` : ` ${pages}`, short: ` at ${pages}` };
    case 'named':
      return same(namedPin(names, pages));
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function citedUrl(url: string, anchor: string | null | undefined): string {
  return anchor ? `${url.replace(/#.*$/, '')}#${anchor}` : url;
}

function titles(work: CitableWork, source: Source): { title: string; short: string } {
  const values = { country: countryByCode(work.country)?.name ?? work.country, edition: work.edition };
  return {
    title: source.citation.title ? fillTemplate(source.citation.title, values) : work.title,
    short: fillTemplate(source.citation.short, values),
  };
}

/** A work, or a place in it, cited by its source's rules. */
export function cite(work: CitableWork, source: Source, locator?: Locator): Citation {
  const rules = source.citation;
  const { title, short: shortTitle } = titles(work, source);
  const pin = pinFor(locator, rules.pin, title);
  const date = citationDate(work.publishedAt, rules.date, work.edition + source.publicationLagYears);
  const url = citedUrl(work.url, locator?.anchor);
  const lastVisited = bluebookDate(work.capture.fetchedAt);
  const tail = ` (${date}), ${url} (last visited ${lastVisited})`;
  return {
    full: `${rules.author}, ${title}${pin.full}${tail}`,
    short: `${shortTitle}${pin.short}`,
    fullHtml: `${escapeHtml(rules.author)}, <i>${escapeHtml(title)}</i>${escapeHtml(pin.full + tail)}`,
    shortHtml: `<i>${escapeHtml(shortTitle)}</i>${escapeHtml(pin.short)}`,
    pin: pin.short.trim(),
    url,
    lastVisited,
  };
}

export function citePassage(p: CitablePassage, source: Source): Citation {
  return cite(p, source, p);
}

/** CSL-JSON item (https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html). */
export interface CslItem {
  id: string;
  type: 'report';
  title: string;
  'title-short': string;
  author: { literal: string }[];
  publisher: string;
  'collection-title': string;
  issued: { 'date-parts': number[][] };
  accessed: { 'date-parts': number[][] };
  URL: string;
  language: string;
  section?: string;
  page?: string;
  archive: string;
  archive_location: string;
  note: string;
}

function publisherOf(source: Source): string {
  return source.office ? `${source.publisher}, ${source.office}` : source.publisher;
}

export function cslJson(id: string, work: CitableWork, source: Source, locator?: Locator): CslItem {
  const citation = cite(work, source, locator);
  const { title, short } = titles(work, source);
  const issued = (work.publishedAt && dateParts(work.publishedAt)) || [
    work.edition + source.publicationLagYears,
  ];
  const accessed = dateParts(work.capture.fetchedAt) ?? [];
  const pages = locator ? pageRange(locator.page, locator.pageEnd).replace('–', '-') : '';
  return {
    id,
    type: 'report',
    title,
    'title-short': short,
    author: [{ literal: source.citation.author }],
    publisher: publisherOf(source),
    'collection-title': source.series,
    issued: { 'date-parts': [issued] },
    accessed: { 'date-parts': [accessed] },
    URL: citation.url,
    language: source.language,
    ...(locator?.sectionPath.length ? { section: locator.sectionPath.join(' › ') } : {}),
    ...(pages ? { page: pages } : {}),
    archive: 'CountryCite',
    archive_location: `sha256:${work.capture.sha256}`,
    note: citation.pin ? `Pin cite: ${citation.pin}. ${citation.full}` : citation.full,
  };
}

const risDate = (parts: number[]) =>
  parts.map((n, i) => (i === 0 ? String(n) : String(n).padStart(2, '0'))).join('/');

/**
 * RIS (the tagged format every reference manager imports). RIS has no field for an institutional author and
 * importers split AU at its first comma, so AU holds the publisher (no commas) and the Bluebook author and the
 * full citation travel in PB and N1.
 */
export function ris(id: string, work: CitableWork, source: Source, locator?: Locator): string {
  const csl = cslJson(id, work, source, locator);
  const [first, last] = (csl.page ?? '').split('-');
  const lines: [string, string | undefined][] = [
    ['TY', 'RPRT'],
    ['ID', id],
    ['TI', csl.title],
    ['ST', csl['title-short']],
    ['AU', source.publisher],
    ['PB', csl.publisher],
    ['T2', csl['collection-title']],
    ['PY', String(csl.issued['date-parts'][0]?.[0])],
    ['DA', risDate(csl.issued['date-parts'][0] ?? [])],
    ['SE', csl.section],
    ['SP', first || undefined],
    ['EP', last],
    ['UR', csl.URL],
    ['Y2', risDate(csl.accessed['date-parts'][0] ?? [])],
    ['LA', csl.language],
    ['DB', csl.archive],
    ['AN', csl.archive_location],
    ['N1', csl.note],
    ['ER', ''],
  ];
  return lines
    .filter((line): line is [string, string] => line[1] !== undefined && (line[1] !== '' || line[0] === 'ER'))
    .map(([tag, value]) => `${tag}  - ${value.replace(/\s+/g, ' ')}`)
    .join('\r\n')
    .concat('\r\n');
}
