/**
 * Where a passage sits on its original PDF page: the passage text is matched against the page's text lines
 * (pdf.js positions, as the indexer read them) with case, spacing, punctuation and hyphenation ignored, so
 * a passage joined across line ends and page breaks still matches. The result is one rectangle per line,
 * cut to the part of the line the passage covers.
 */
import type { PdfPageText } from '../../indexer/extract/pdf.ts';

export interface LineBox {
  page: number;
  x: number;
  /** Baseline. */
  y: number;
  width: number;
  size: number;
}

/** Letters and digits only, lower case: what survives every difference between extraction and layout. */
export function matchKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Running headers and footers sit in the top and bottom bands; passages never do. */
function inMargin(y: number, height: number): boolean {
  return y > height * 0.92 || y < height * 0.08;
}

/**
 * Boxes covering the passage on pages `page`..`pageEnd`, or null when its text cannot be found there (a
 * passage the PDF renders differently from its extracted text).
 */
export function locatePassage(
  pages: readonly PdfPageText[],
  text: string,
  page: number,
  pageEnd: number,
): LineBox[] | null {
  const lines = pages
    .filter((p) => p.page >= page && p.page <= pageEnd)
    .flatMap((p) => p.lines.filter((l) => !inMargin(l.y, p.height)));
  let haystack = '';
  const starts: number[] = [];
  for (const line of lines) {
    starts.push(haystack.length);
    haystack += matchKey(line.text);
  }
  const needle = matchKey(text);
  if (!needle) return null;
  const span = findSpan(haystack, needle);
  if (!span) return null;
  const boxes: LineBox[] = [];
  for (const [i, line] of lines.entries()) {
    const start = starts[i] ?? 0;
    const length = matchKey(line.text).length;
    const end = start + length;
    if (end <= span.start || start >= span.end || length === 0) continue;
    const from = Math.max(0, (span.start - start) / length);
    const to = Math.min(1, (span.end - start) / length);
    boxes.push({
      page: line.page,
      x: line.x + line.width * from,
      y: line.y,
      width: line.width * (to - from),
      size: line.size,
    });
  }
  return boxes.length ? boxes : null;
}

/** The whole passage, or else its beginning and its end (text between them may differ slightly). */
function findSpan(haystack: string, needle: string): { start: number; end: number } | null {
  const whole = haystack.indexOf(needle);
  if (whole >= 0) return { start: whole, end: whole + needle.length };
  for (const size of [80, 40, 20]) {
    if (needle.length < size * 2) continue;
    const head = haystack.indexOf(needle.slice(0, size));
    if (head < 0) continue;
    const tail = haystack.indexOf(needle.slice(-size), head);
    if (tail >= 0 && tail - head < needle.length * 1.5) return { start: head, end: tail + size };
  }
  return null;
}
