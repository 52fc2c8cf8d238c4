/**
 * PDF reports through pdf.js (pdfjs-dist, the kept PDF library): text with its page, position, size and
 * font. Typography carries the outline: headings are set larger than the body text, so heading levels come
 * from the ranking of the larger sizes; paragraphs are separated by wider vertical gaps than lines; running
 * headers and footers ("Page 3 of 59", the report banner) repeat at the same place on most pages and are
 * dropped.
 */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';
import {
  appendLine,
  type Block,
  cleanText,
  type Extracted,
  endsSentence,
  isStructuralHeading,
  type PageBreak,
  vocabularyOf,
} from './blocks.ts';

export class ExtractionError extends Error {
  override name = 'ExtractionError';
}

interface PdfLine {
  text: string;
  page: number;
  /** Baseline, from the bottom of the page. */
  y: number;
  x: number;
  width: number;
  size: number;
  font: string;
}

/** Positions of text lines, also used by the exhibit builder to find a passage on its page. */
export interface PdfPageText {
  page: number;
  width: number;
  height: number;
  lines: PdfLine[];
}

export async function readPdfLines(data: Uint8Array): Promise<PdfPageText[]> {
  let pdf: Awaited<ReturnType<typeof getDocument>['promise']>;
  try {
    // pdf.js takes ownership of the buffer it is given: pass a copy so callers keep theirs.
    pdf = await getDocument({
      data: new Uint8Array(data),
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      verbosity: 0,
    }).promise;
  } catch (error) {
    throw new ExtractionError(
      `cannot open the PDF: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  try {
    const pages: PdfPageText[] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const viewport = page.getViewport({ scale: 1 });
      const content = await page.getTextContent();
      const items = content.items.filter((i): i is TextItem => 'str' in i);
      pages.push({ page: n, width: viewport.width, height: viewport.height, lines: groupLines(items, n) });
      page.cleanup();
    }
    return pages;
  } catch (error) {
    throw new ExtractionError(
      `cannot read the PDF's text: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    await pdf.destroy();
  }
}

function groupLines(items: TextItem[], page: number): PdfLine[] {
  const lines: PdfLine[] = [];
  let current: { parts: TextItem[]; y: number } | undefined;
  const close = () => {
    if (!current) return;
    const parts = current.parts;
    let text = '';
    let end = Number.NEGATIVE_INFINITY;
    const fontChars = new Map<string, number>();
    let size = 0;
    for (const part of parts) {
      const x = part.transform[4] ?? 0;
      const partSize = Math.abs(part.transform[0] ?? 0) || Math.abs(part.transform[3] ?? 0);
      // pdf.js usually emits explicit spaces; add one where a visible gap separates two runs.
      if (text && !/\s$/.test(text) && !/^\s/.test(part.str) && x - end > partSize * 0.15) text += ' ';
      text += part.str;
      end = x + part.width;
      if (part.str.trim()) {
        fontChars.set(part.fontName, (fontChars.get(part.fontName) ?? 0) + part.str.length);
        size = Math.max(size, partSize);
      }
    }
    const clean = cleanText(text);
    if (clean) {
      const first = parts.find((p) => p.str.trim()) ?? parts[0];
      const x = first?.transform[4] ?? 0;
      const font = [...fontChars.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
      lines.push({
        text: clean,
        page,
        y: current.y,
        x,
        width: end - x,
        size: Math.round(size * 10) / 10,
        font,
      });
    }
    current = undefined;
  };
  for (const item of items) {
    const y = item.transform[5] ?? 0;
    const size = Math.abs(item.transform[0] ?? 0) || 10;
    if (current && Math.abs(current.y - y) > size * 0.4) close();
    if (!current) current = { parts: [], y };
    if (item.str) current.parts.push(item);
    if (item.hasEOL) close();
  }
  close();
  return lines;
}

/**
 * Running headers and footers: in the top or bottom band of the page, the same text (numbers ignored) at
 * the same height on most pages. Body text is never dropped, however often a line repeats.
 */
function dropRunningLines(pages: PdfPageText[]): PdfLine[][] {
  const inMargin = (l: PdfLine, p: PdfPageText) => l.y > p.height * 0.92 || l.y < p.height * 0.08;
  const key = (l: PdfLine) => `${Math.round(l.y / 4)}|${l.text.replace(/\d+/g, '#').toLowerCase()}`;
  const counts = new Map<string, number>();
  for (const p of pages) {
    for (const k of new Set(p.lines.filter((l) => inMargin(l, p)).map(key)))
      counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const threshold = Math.max(2, Math.ceil(pages.length * 0.5));
  return pages.map((p) =>
    p.lines.filter((l) => {
      if (!inMargin(l, p)) return true;
      if (pages.length >= 3 && (counts.get(key(l)) ?? 0) >= threshold) return false;
      // A bare page number or "Page 3 of 59".
      return !/^(page\s+)?\d+(\s+(of|\/)\s+\d+)?$/i.test(l.text);
    }),
  );
}

function mode(values: Map<number, number>): number {
  return [...values.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
}

export async function extractPdf(data: Uint8Array): Promise<Extracted> {
  const pages = await readPdfLines(data);
  const bodyLines = dropRunningLines(pages);
  const all = bodyLines.flat();
  if (all.length === 0) throw new ExtractionError('the PDF has no extractable text (a scan needs OCR first)');

  // Body size: the size carrying the most characters.
  const charsBySize = new Map<number, number>();
  for (const l of all) charsBySize.set(l.size, (charsBySize.get(l.size) ?? 0) + l.text.length);
  const body = mode(charsBySize);
  const headingSizes = [...charsBySize.keys()].filter((s) => s > body * 1.04).sort((a, b) => b - a);
  // The largest size on page 1 only is the document title (level 0).
  const titleSize =
    headingSizes[0] !== undefined && all.every((l) => l.size !== headingSizes[0] || l.page === 1)
      ? headingSizes[0]
      : undefined;
  const levelOf = (size: number) => {
    const rank = headingSizes.indexOf(size);
    if (rank < 0) return null;
    return titleSize !== undefined ? rank : rank + 1;
  };

  // Typical line spacing of body text, to tell a paragraph gap from a line break.
  const spacings = new Map<number, number>();
  let maxWidth = 0;
  for (const lines of bodyLines) {
    for (let i = 1; i < lines.length; i++) {
      const a = lines[i - 1];
      const b = lines[i];
      if (a && b && a.size === body && b.size === body) {
        const gap = Math.round(a.y - b.y);
        if (gap > 0) spacings.set(gap, (spacings.get(gap) ?? 0) + 1);
      }
    }
    for (const l of lines) if (l.size === body) maxWidth = Math.max(maxWidth, l.width);
  }
  const lineSpacing = mode(spacings) || body * 1.2;

  const vocabulary = vocabularyOf(all.map((l) => l.text));
  const blocks: Block[] = [];
  let title: string | null = null;
  let heading: { text: string; level: number; page: number; size: number } | null = null;
  let paragraph: { text: string; page: number; pageEnd: number; pageBreaks: PageBreak[] } | null = null;
  let previous: PdfLine | null = null;

  const flushHeading = () => {
    if (!heading) return;
    if (heading.level === 0 && title === null) title = heading.text;
    blocks.push({
      kind: 'heading',
      text: heading.text,
      level: heading.level,
      page: heading.page,
      anchor: null,
    });
    heading = null;
  };
  const flushParagraph = () => {
    if (!paragraph) return;
    blocks.push({
      kind: 'paragraph',
      text: paragraph.text,
      page: paragraph.page,
      pageEnd: paragraph.pageEnd,
      ...(paragraph.pageBreaks.length ? { pageBreaks: paragraph.pageBreaks } : {}),
      anchor: null,
    });
    paragraph = null;
  };

  for (const line of all) {
    const level = levelOf(line.size);
    if (level !== null) {
      flushParagraph();
      const continues =
        heading !== null &&
        heading.size === line.size &&
        !isStructuralHeading(line.text) &&
        !endsSentence(heading.text);
      if (heading && continues) heading.text = appendLine(heading.text, line.text, vocabulary);
      else {
        flushHeading();
        heading = { text: line.text, level, page: line.page, size: line.size };
      }
      previous = line;
      continue;
    }
    flushHeading();
    const newParagraph =
      paragraph === null ||
      previous === null ||
      (previous.page === line.page
        ? previous.y - line.y > lineSpacing * 1.3
        : endsSentence(previous.text) && previous.width < maxWidth * 0.9);
    if (newParagraph) {
      flushParagraph();
      paragraph = { text: line.text, page: line.page, pageEnd: line.page, pageBreaks: [] };
    } else if (paragraph) {
      paragraph.text = appendLine(paragraph.text, line.text, vocabulary);
      if (line.page !== paragraph.pageEnd)
        paragraph.pageBreaks.push({ offset: paragraph.text.length - line.text.length, page: line.page });
      paragraph.pageEnd = line.page;
    }
    previous = line;
  }
  flushHeading();
  flushParagraph();
  return { blocks, title, pages: pages.length };
}
