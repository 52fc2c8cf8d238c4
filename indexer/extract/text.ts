/**
 * Plain-text reports, such as the corpus's extractions of State Department PDFs: lines broken at the old PDF
 * line ends, no blank lines between paragraphs, headings as plain lines that may wrap over two or three lines.
 *
 * Paragraph ends are recovered from the line widths: a line that ends a sentence and stops well short of
 * the text width (the next line's first word would have fitted) ends its paragraph.
 */
import {
  appendLine,
  type Block,
  cleanText,
  type Extracted,
  endsSentence,
  isStructuralHeading,
  isTitleCase,
  MINOR_WORDS,
  runInLabel,
  vocabularyOf,
} from './blocks.ts';
import { isKnownHeading, startsKnownHeading } from './outlines.ts';

const MAX_HEADING_CHARS = 120;
/** The State Department's running header, left at the top of some extractions ("… for 202 3"). */
const RUNNING_HEADER = /^Country Reports on Human Rights Practices for [\d ]{4,6}$/;
/** "Wage, Hour, and OSH Enforcement:  The Ministry…": a paragraph that opens with a run-in label. */
const RUN_IN_START = /^[^:]{2,110}?\s?:\s+\S/;
/** A heading line at least this long may have wrapped onto the next line. */
const WRAPPED_HEADING_MIN_CHARS = 38;

export function extractText(input: string): Extracted {
  const lines = input
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => cleanText(l));
  const width = textWidth(lines);
  const vocabulary = vocabularyOf(lines);
  const blocks: Block[] = [];
  let title: string | null = null;
  let paragraph = '';
  let previousEnded = true;

  const flush = () => {
    if (paragraph)
      blocks.push({ kind: 'paragraph', text: paragraph, page: null, pageEnd: null, anchor: null });
    paragraph = '';
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (RUNNING_HEADER.test(line)) continue;
    if (!line) {
      // A blank line always ends a paragraph (texts that have them).
      flush();
      previousEnded = true;
      continue;
    }
    // A known heading stands on its own line even after a paragraph that lost its final period
    // ("…in the northeastern Karamoja region" + "b. Coercion in Population Control"); a one- or two-word
    // one ("Women") must follow a paragraph end.
    const known = knownHeadingLines(lines, i);
    const knownHere =
      known > 0 && (previousEnded || isStructuralHeading(line) || line.split(' ').length >= 3);
    if (knownHere || (previousEnded && looksLikeHeading(line, lines[i + 1], width, blocks.length === 0))) {
      flush();
      let heading = line;
      if (knownHere) {
        for (let k = 1; k < known; k++) heading = appendLine(heading, lines[i + k] ?? '', vocabulary);
        i += known - 1;
      } else {
        let lastPhysicalLine = line;
        // Wrapped headings: "Section 3. Freedom to Participate in the Political" + "Process". Only a long
        // line can have wrapped; a short heading followed by another is two headings.
        while (!isCompleteTitle(heading) && headingWraps(lastPhysicalLine, lines[i + 1])) {
          i++;
          lastPhysicalLine = lines[i] ?? '';
          heading = appendLine(heading, lastPhysicalLine, vocabulary);
        }
      }
      heading = unshout(heading);
      if (title === null && blocks.length === 0 && isReportTitle(heading)) {
        title = heading;
        blocks.push({ kind: 'heading', text: heading, level: 0, page: null, anchor: null });
      } else {
        blocks.push({ kind: 'heading', text: heading, level: 1, page: null, anchor: null });
      }
      previousEnded = true;
      continue;
    }
    paragraph = appendLine(paragraph, line, vocabulary);
    const next = lines[i + 1];
    previousEnded =
      endsParagraph(line, next, lines[i + 2], width) ||
      (endsSentence(line) &&
        next !== undefined &&
        (knownHeadingLines(lines, i + 1) > 0 || looksLikeHeading(next, lines[i + 2], width)));
    if (previousEnded) flush();
  }
  flush();
  return { blocks: assignTextHeadingLevels(blocks), title, pages: null };
}

/** The typical full line width: the 90th percentile of line lengths. */
function textWidth(lines: string[]): number {
  const lengths = lines
    .map((l) => l.length)
    .filter((n) => n > 20)
    .sort((a, b) => a - b);
  if (lengths.length === 0) return 80;
  return lengths[Math.floor(lengths.length * 0.9)] ?? 80;
}

function endsParagraph(
  line: string,
  next: string | undefined,
  afterNext: string | undefined,
  width: number,
): boolean {
  if (next === undefined || next === '') return true;
  if (!endsSentence(line)) return false;
  if (/^[\p{Ll}]/u.test(next)) return false;
  // A run-in label opens a paragraph ("Child Abuse:  The law…"), even after a line that filled the width;
  // the label itself may wrap onto a second line.
  if (runInLabel(`${next} ${afterNext ?? ''}`)) return true;
  const nextWord = next.split(/\s+/)[0] ?? '';
  // Would the next line's first word have fitted on this line? Then the writer broke the line on purpose.
  return line.length + 1 + nextWord.length <= width - 2;
}

/**
 * How many lines, from line i, make up a heading of a known outline (1–3), or 0. The longest wins:
 * "c. War Crimes, …, and Evidence of" + "Acts that May Constitute Genocide" is a whole heading and also
 * the start of "…, or Conflict-Related" + "Abuses".
 */
function knownHeadingLines(lines: string[], i: number): number {
  let joined = '';
  let found = 0;
  for (let k = 0; k < 3; k++) {
    const line = lines[i + k];
    if (!line) break;
    joined = joined ? `${joined} ${line}` : line;
    if (isKnownHeading(joined)) found = k + 1;
    else if (!startsKnownHeading(joined)) break;
  }
  return found;
}

function looksLikeHeading(line: string, next: string | undefined, width: number, atStart = false): boolean {
  if (!line || line.length > MAX_HEADING_CHARS) return false;
  if (isStructuralHeading(line) || /^executive summary$/i.test(line)) return true;
  if (/[.:;,]$/.test(line) || RUN_IN_START.test(line)) return false;
  // Outline headings carry no figures; a line with one is a sentence ("On March 24, the UN's Working
  // Group on…"), except the report title at the top ("Honduras 2023 Human Rights Report").
  if (/\d/.test(line) && !atStart) return false;
  // "Censorship or Content Restrictions for Members of the Press and Other" + "Media, Including Online
  // Media:  …" is a run-in label wrapped over two lines, not a heading.
  if (
    (line.length >= WRAPPED_HEADING_MIN_CHARS || endsWithConnector(line)) &&
    next &&
    /^[^.:;]{1,70}:\s+\S/.test(next) &&
    isTitleCase(next.split(':')[0] ?? '')
  ) {
    return false;
  }
  if (!isTitleCase(line)) return false;
  if (endsWithConnector(line)) return isHeadingContinuation(next);
  // A line that fills the text width is the first line of a paragraph, not a heading.
  if (line.length > width * 0.85) return false;
  // A heading is followed by text that starts a sentence, by another heading or by its own wrapped part;
  // a name followed by "(CEDAW) expressed concern…" is the subject of a sentence.
  return next === undefined || next === '' || /^[\p{Lu}\d“"‘]/u.test(next) || isHeadingContinuation(next);
}

/** Does this heading line continue on the next? Long lines and lines ending in "of", "the", "," wrap. */
function headingWraps(line: string, next: string | undefined): boolean {
  if (!isHeadingContinuation(next)) return false;
  return endsWithConnector(line) || line.length >= WRAPPED_HEADING_MIN_CHARS;
}

/** Heading fonts are large, so a wrapped heading's next line is short and strictly title-cased. */
function isHeadingContinuation(line: string | undefined): boolean {
  if (!line || line.length > 70) return false;
  if (
    isStructuralHeading(line) ||
    /[.:;]$/.test(line) ||
    RUN_IN_START.test(line) ||
    /^executive summary$/i.test(line) ||
    isKnownHeading(line)
  )
    return false;
  // A wrapped part may start with a small word: "… Abuses Based" + "on Sexual Orientation, …".
  const first = line.split(/\s+/)[0]?.toLowerCase() ?? '';
  return isTitleCase(MINOR_WORDS.has(first) ? line.slice(first.length).trim() : line, 1);
}

function endsWithConnector(line: string): boolean {
  const last = line.split(/\s+/).at(-1)?.toLowerCase() ?? '';
  return /[,-]$/.test(line) || MINOR_WORDS.has(last);
}

function isReportTitle(line: string): boolean {
  return /\b(19|20)\d{2}\b/.test(line) && /report|country reports/i.test(line);
}

/** A report title ends with "Report": "Turkey (Türkiye) 2023 Human Rights Report" + "Executive Summary". */
function isCompleteTitle(heading: string): boolean {
  return isReportTitle(heading) && /report$/i.test(heading);
}

/** "SOMALIA 2023 HUMAN RIGHTS REPORT" → "Somalia 2023 Human Rights Report"; mixed case is left alone. */
export function unshout(heading: string): string {
  if (/\p{Ll}/u.test(heading) || !/\p{Lu}.*\p{Lu}/u.test(heading)) return heading;
  return heading
    .toLowerCase()
    .split(' ')
    .map((word, i) =>
      i > 0 && MINOR_WORDS.has(word)
        ? word
        : word.replace(/^([^\p{L}]*)(\p{L})/u, (_, p, c) => p + c.toUpperCase()),
    )
    .join(' ');
}

/**
 * State Department outline, without fonts to tell the levels apart: "Section N." is level 1, "a." level 2,
 * and a named heading sits one level below the nearest numbered or lettered heading ("Women" under
 * "Section 6.", "Prison and Detention Center Conditions" under "c. Torture…").
 */
export function assignTextHeadingLevels(blocks: Block[]): Block[] {
  let structuralDepth = 0;
  return blocks.map((block) => {
    if (block.kind !== 'heading' || block.level === 0) return block;
    const text = block.text;
    let level: number;
    if (/^Section\s+\d+\./.test(text) || /^executive summary$/i.test(text)) {
      level = 1;
      structuralDepth = 1;
    } else if (/^[a-z]\.\s/.test(text)) {
      level = 2;
      structuralDepth = 2;
    } else {
      level = Math.max(1, structuralDepth) + 1;
      if (structuralDepth === 0) level = 1;
    }
    return { ...block, level };
  });
}
