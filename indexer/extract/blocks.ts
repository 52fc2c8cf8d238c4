/**
 * What every extractor produces: a flat sequence of headings and paragraphs, in reading order, with the
 * page they sit on. The outline (section paths, paragraph ordinals) is built from it in one place
 * (indexer/outline.ts), so PDF, HTML and plain text cannot disagree about what a section is.
 */
export type Block =
  | {
      kind: 'heading';
      text: string;
      /** 0 is the document title; 1 the top sections; deeper numbers nest below. */
      level: number;
      page: number | null;
      anchor: string | null;
    }
  | {
      kind: 'paragraph';
      text: string;
      page: number | null;
      pageEnd: number | null;
      /** Where later pages begin in `text` (PDF paragraphs running over a page break). */
      pageBreaks?: PageBreak[];
      anchor: string | null;
    };

export interface PageBreak {
  /** Character offset in the paragraph text where the page begins. */
  offset: number;
  page: number;
}

/** Pages a span of a paragraph's text lies on. */
export function pagesOfSpan(
  first: number | null,
  breaks: readonly PageBreak[] | undefined,
  start: number,
  end: number,
): { page: number | null; pageEnd: number | null } {
  if (first === null) return { page: null, pageEnd: null };
  let page = first;
  let pageEnd = first;
  for (const b of breaks ?? []) {
    if (b.offset <= start) page = b.page;
    if (b.offset < end) pageEnd = b.page;
  }
  return { page, pageEnd };
}

export interface Extracted {
  blocks: Block[];
  /** Title found in the document itself (the first level-0 heading), if any. */
  title: string | null;
  pages: number | null;
}

/** Words that stay lower-case inside a title-cased heading. */
export const MINOR_WORDS: ReadonlySet<string> = new Set(
  'a an and as at but by for from in into nor of on or per the to vs via with within without against between among towards toward under upon over after before during that than may be is are its'.split(
    ' ',
  ),
);

/**
 * True for a line that reads like a heading: mostly capitalised words ("Prison and Detention Center
 * Conditions", "Acts that May Constitute Genocide, or Conflict-Related").
 */
export function isTitleCase(line: string, minRatio = 0.85): boolean {
  const words = line
    .replace(/^[a-z]\.\s+/, '')
    .split(/\s+/)
    .map((w) => w.replace(/^[“"‘'(]+|[”"’'),:;]+$/g, ''))
    .filter((w) => w.length > 0 && /\p{L}/u.test(w));
  if (words.length === 0) return false;
  let significant = 0;
  let capitalised = 0;
  for (const word of words) {
    if (MINOR_WORDS.has(word.toLowerCase())) continue;
    significant++;
    if (/^[\p{Lu}\d]/u.test(word)) capitalised++;
  }
  if (significant === 0) return false;
  if (!/^[\p{Lu}\d]/u.test(words[0] ?? '')) return false;
  return capitalised / significant >= minRatio;
}

/** Ends like a sentence or a clause: the line can close a paragraph. */
export function endsSentence(line: string): boolean {
  return /[.!?:;)”"’]$/.test(line.trimEnd()) || /\.\)$/.test(line.trimEnd());
}

const STRUCTURAL_HEADING = /^(Section\s+\d+\.|[a-z]\.\s+\p{Lu})/u;

export function isStructuralHeading(line: string): boolean {
  return STRUCTURAL_HEADING.test(line);
}

/**
 * A run-in heading at the start of a paragraph: "Rape and Domestic Violence:  The law criminalized…".
 * Returns the label without its colon.
 */
export function runInLabel(paragraph: string): string | null {
  // "Arbitrary Arrest :  Despite…": the extraction sometimes leaves a space before the colon.
  const match = /^([\p{Lu}][^.:;!?]{1,120}?)\s?:\s+(?=[\p{Lu}\d“"(‘'])/u.exec(paragraph);
  if (!match?.[1]) return null;
  const label = match[1].trim();
  if (label.split(/\s+/).length > 18 || !isTitleCase(label)) return null;
  return label;
}

/**
 * Joins a line that ends with a hyphen to the next. PDF reports mostly wrap at real hyphens ("life-" +
 * "threatening"), so the hyphen stays unless the document itself spells the joined word without it
 * elsewhere ("investi-" + "gation" → "investigation").
 */
export function joinHyphenated(left: string, right: string, vocabulary: ReadonlySet<string>): string {
  const head = /(\p{L}+)-$/u.exec(left)?.[1];
  const tail = /^(\p{L}+)/u.exec(right)?.[1];
  if (head && tail) {
    const joined = `${head}${tail}`.toLowerCase();
    const hyphenated = `${head}-${tail}`.toLowerCase();
    if (vocabulary.has(joined) && !vocabulary.has(hyphenated)) return `${left.slice(0, -1)}${right}`;
  }
  return `${left}${right}`;
}

/** Lower-cased words (including hyphenated compounds) that occur inside lines, for `joinHyphenated`. */
export function vocabularyOf(lines: Iterable<string>): Set<string> {
  const words = new Set<string>();
  for (const line of lines) {
    // The last word of a line may be cut by the wrap: leave it out.
    const inner = line.replace(/\S+$/, '');
    for (const m of inner.matchAll(/\p{L}+(?:-\p{L}+)*/gu)) {
      const w = m[0].toLowerCase();
      words.add(w);
      for (const part of w.split('-')) words.add(part);
    }
  }
  return words;
}

/** Appends a wrapped line to the text so far: hyphen joins, otherwise one space. */
export function appendLine(text: string, line: string, vocabulary: ReadonlySet<string>): string {
  if (!text) return line;
  if (/\p{L}-$/u.test(text)) return joinHyphenated(text, line, vocabulary);
  return `${text} ${line}`;
}

/** Removes characters that must never reach the index (controls, private-use highlight sentinels). */
export function cleanText(text: string): string {
  return (
    text
      .normalize('NFC')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u00AD\uE000-\uF8FF]/g, '')
      .replace(/[ \t\u00A0]+/g, ' ')
      .trim()
  );
}
