/**
 * Citations in the forms attorneys file (Bluebook as followed by EOIR, Appendix I): a full form for the first
 * cite and the exhibit index, a short form for later cites, each with a pin cite to the section and, for
 * PDFs, the page. Built at answer time from the passage and its source, so a better citation format never
 * needs a re-index.
 */
import type { Passage } from './contract.ts';
import { countryByCode } from './countries.ts';
import { fillTemplate, type Source } from './sources.ts';

export interface Citation {
  /** Plain text, for pasting anywhere. */
  full: string;
  short: string;
  /** The full form with the title in <i>, for rich-text paste. Everything else is escaped. */
  fullHtml: string;
  /** "§ 6 (“Women: Rape and Domestic Violence”), at 41" */
  pin: string;
}

type CitablePassage = Pick<
  Passage,
  | 'source'
  | 'title'
  | 'country'
  | 'edition'
  | 'publishedAt'
  | 'url'
  | 'anchor'
  | 'sectionPath'
  | 'page'
  | 'pageEnd'
  | 'capture'
>;

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

/**
 * Pin cite from a section path: numbered and lettered headings become "§ 1.c"; named headings are quoted
 * after it ("Women: Rape and Domestic Violence").
 */
export function sectionPin(sectionPath: readonly string[]): string {
  const numbers: string[] = [];
  const names: string[] = [];
  for (const heading of sectionPath) {
    const numbered = /^Section\s+(\d+)\.\s*/i.exec(heading);
    const lettered = /^([a-z])\.\s+/.exec(heading);
    if (numbered?.[1]) numbers.splice(0, numbers.length, numbered[1]);
    else if (lettered?.[1] && numbers.length > 0) numbers.push(lettered[1]);
    else names.push(heading);
  }
  const section = numbers.length ? `§ ${numbers.join('.')}` : '';
  const named = names.length ? `(“${names.join(': ')}”)` : '';
  return [section, named].filter(Boolean).join(' ');
}

function pagePin(p: CitablePassage): string {
  if (p.page === null) return '';
  return p.pageEnd !== null && p.pageEnd !== p.page ? `at ${p.page}–${p.pageEnd}` : `at ${p.page}`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function citePassage(p: CitablePassage, source: Source): Citation {
  const countryName = countryByCode(p.country)?.name ?? p.country;
  const pin = [sectionPin(p.sectionPath), pagePin(p)].filter(Boolean).join(', ');
  const year = p.publishedAt?.slice(0, 4) ?? String(p.edition + source.publicationLagYears);
  const url = p.anchor ? `${p.url.replace(/#.*$/, '')}#${p.anchor}` : p.url;
  const visited = `(last visited ${bluebookDate(p.capture.fetchedAt)})`;
  const author = source.citation.author;
  const full = `${author}, ${p.title}${pin ? ` ${pin}` : ''} (${year}), ${url} ${visited}`;
  const fullHtml = `${escapeHtml(author)}, <i>${escapeHtml(p.title)}</i>${pin ? ` ${escapeHtml(pin)}` : ''} (${year}), ${escapeHtml(url)} ${escapeHtml(visited)}`;
  const shortTitle = fillTemplate(source.citation.short, { country: countryName, edition: p.edition });
  const short = `${shortTitle}${pin ? ` ${pin}` : ''}`;
  return { full, short, fullHtml, pin };
}
