/**
 * Typesetting for the pages we make ourselves (cover, indexes, tab dividers, text renderings of HTML and text
 * reports, certificate of service): an embedded serif font so every character of the reports is real,
 * selectable text; greedy line breaking with cached word widths; pages laid out before anything is drawn,
 * so the packet knows its page numbers before the index is written.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import { BlendMode, type PDFDocument, type PDFFont, type PDFPage, rgb } from 'pdf-lib';

/** US Letter, as 8 C.F.R. § 1003.32(b) asks for. */
export const LETTER: [number, number] = [612, 792];
export const MARGIN = 72;

export type FontName = 'regular' | 'bold' | 'italic';
export type Fonts = Record<FontName, PDFFont>;

const require = createRequire(import.meta.url);
const FONT_FILES: Record<FontName, string> = {
  regular: '@expo-google-fonts/tinos/400Regular/Tinos_400Regular.ttf',
  bold: '@expo-google-fonts/tinos/700Bold/Tinos_700Bold.ttf',
  italic: '@expo-google-fonts/tinos/400Regular_Italic/Tinos_400Regular_Italic.ttf',
};
let fontBytes: Record<FontName, Buffer> | undefined;

/**
 * No OpenType shaping: Latin text needs none, ligature glyphs ("ﬁ") make copied and searched text worse, and
 * shaping every line was most of the time spent drawing a packet.
 */
const PLAIN_GLYPHS = Object.fromEntries(
  ['liga', 'clig', 'calt', 'rlig', 'ccmp', 'locl', 'mark', 'mkmk', 'kern'].map((f) => [f, false]),
);

/**
 * Tinos (metrically compatible with Times New Roman) covers Latin, Greek and Cyrillic. It is
 * embedded whole: pdf-lib's subsetter drops glyphs of this font.
 */
export async function embedFonts(pdf: PDFDocument): Promise<Fonts> {
  fontBytes ??= {
    regular: readFileSync(require.resolve(FONT_FILES.regular)),
    bold: readFileSync(require.resolve(FONT_FILES.bold)),
    italic: readFileSync(require.resolve(FONT_FILES.italic)),
  };
  pdf.registerFontkit(fontkit);
  const [regular, bold, italic] = await Promise.all(
    (['regular', 'bold', 'italic'] as const).map((name) =>
      pdf.embedFont(fontBytes?.[name] as Buffer, { subset: false, features: PLAIN_GLYPHS }),
    ),
  );
  return { regular, bold, italic } as Fonts;
}

export const HIGHLIGHT = rgb(1, 0.9, 0.25);
const BRACKET = rgb(0.35, 0.35, 0.35);

/** A run of text in one font; `mark` names what the run belongs to (a passage id) so its page is known. */
export interface Run {
  text: string;
  font?: FontName;
  highlight?: boolean;
  mark?: string;
  /** Its words break as one (a pin cite: "Exh. B at 9" is never split over two lines). */
  keepTogether?: boolean;
}

export interface Paragraph {
  runs: Run[];
  size?: number;
  /** Extra space above, in points. */
  before?: number;
  indent?: number;
  align?: 'left' | 'center';
  /** Keep on the same page as the next paragraph (headings). */
  keepWithNext?: boolean;
  /** Draw a bar in the left margin beside the paragraph's highlighted lines. */
  bracket?: boolean;
}

export interface Segment {
  text: string;
  font: FontName;
  size: number;
  x: number;
  width: number;
  highlight: boolean;
}

export interface Line {
  /** Baseline, from the bottom of the page. */
  y: number;
  size: number;
  segments: Segment[];
  bracket: boolean;
}

export interface LaidPage {
  lines: Line[];
}

export interface Frame {
  /** Left edge and width of the text column. */
  x: number;
  width: number;
  /** Top baseline and lowest baseline allowed. */
  top: number;
  bottom: number;
}

export const BODY_FRAME: Frame = {
  x: MARGIN,
  width: LETTER[0] - 2 * MARGIN,
  top: LETTER[1] - 90,
  bottom: 90,
};

const LEADING = 1.3;

/**
 * Replaces characters the font cannot draw (pdf-lib would throw or draw nothing) and the private-use and
 * control characters that never belong in a filing.
 */
export class Measurer {
  private readonly widths = new Map<string, number>();
  private readonly charsets = new Map<FontName, Set<number>>();
  constructor(readonly fonts: Fonts) {}

  clean(text: string, font: FontName): string {
    let charset = this.charsets.get(font);
    if (!charset) {
      charset = new Set(this.fonts[font].getCharacterSet());
      this.charsets.set(font, charset);
    }
    let out = '';
    for (const ch of text) {
      const code = ch.codePointAt(0) ?? 32;
      const invisible = code < 32 || code === 127 || (code >= 0xe000 && code <= 0xf8ff);
      out += invisible ? ' ' : code === 32 || charset.has(code) ? ch : '?';
    }
    return out;
  }

  width(text: string, font: FontName, size: number): number {
    const key = `${font}|${size}|${text}`;
    let w = this.widths.get(key);
    if (w === undefined) {
      w = this.fonts[font].widthOfTextAtSize(text, size);
      if (this.widths.size > 50_000) this.widths.clear();
      this.widths.set(key, w);
    }
    return w;
  }
}

interface Word {
  text: string;
  /** Follows the previous word without a space (a run that starts with punctuation: "Title: summary"). */
  glue: boolean;
  /** Stays on the line of the previous word, a space apart (the later words of a `keepTogether` run). */
  bound: boolean;
  font: FontName;
  highlight: boolean;
  mark: string | undefined;
  width: number;
}

/** Greedy line breaking of one paragraph into lines of words. */
export function breakLines(measurer: Measurer, paragraph: Paragraph, width: number): Word[][] {
  const size = paragraph.size ?? 11.5;
  const words: Word[] = [];
  let spaceBefore = true;
  for (const run of paragraph.runs) {
    const font = run.font ?? 'regular';
    const text = measurer.clean(run.text, font);
    let glue = !spaceBefore && !/^\s/.test(text);
    let first = true;
    for (const token of text.split(/\s+/)) {
      if (!token) continue;
      words.push({
        text: token,
        glue: glue && words.length > 0,
        bound: (run.keepTogether ?? false) && !first,
        font,
        highlight: run.highlight ?? false,
        mark: run.mark,
        width: measurer.width(token, font, size),
      });
      glue = false;
      first = false;
    }
    if (text) spaceBefore = /\s$/.test(text);
  }
  const space = measurer.width(' ', 'regular', size);
  const lines: Word[][] = [];
  let line: Word[] = [];
  let used = 0;
  const place = (piece: Word) => {
    const needed = line.length ? used + (piece.glue ? 0 : space) + piece.width : piece.width;
    if (line.length && needed > width) {
      lines.push(line);
      line = [piece];
      used = piece.width;
    } else {
      line.push(piece);
      used = needed;
    }
  };
  // A word and the words glued or bound to it ("(…)" + ";", "Exh. B at 9") break as one: a line never
  // starts with "; Exh. B", nor ends with "Exh. B".
  const units: Word[][] = [];
  for (const word of words) {
    const last = units.at(-1);
    if ((word.glue || word.bound) && last) last.push(word);
    else units.push([word]);
  }
  for (const unit of units) {
    const unitWidth = unit.reduce((sum, w, i) => sum + w.width + (i && !w.glue ? space : 0), 0);
    if (unitWidth > width) {
      // Wider than the column (a long URL): cut into pieces that fit.
      for (const word of unit) {
        for (const piece of word.width > width ? splitWord(measurer, word, width, size) : [word])
          place(piece);
      }
      continue;
    }
    const needed = line.length ? used + space + unitWidth : unitWidth;
    if (line.length && needed > width) {
      lines.push(line);
      line = [...unit];
      used = unitWidth;
    } else {
      line.push(...unit);
      used = needed;
    }
  }
  if (line.length) lines.push(line);
  return lines;
}

function splitWord(measurer: Measurer, word: Word, width: number, size: number): Word[] {
  const pieces: Word[] = [];
  let current = '';
  for (const ch of word.text) {
    if (current && measurer.width(current + ch, word.font, size) > width) {
      pieces.push({
        ...word,
        glue: pieces.length === 0 && word.glue,
        text: current,
        width: measurer.width(current, word.font, size),
      });
      current = '';
    }
    current += ch;
  }
  if (current) {
    pieces.push({
      ...word,
      glue: pieces.length === 0 && word.glue,
      text: current,
      width: measurer.width(current, word.font, size),
    });
  }
  return pieces;
}

/** Where each mark landed: first and last page index (0-based, within the laid-out pages). */
export type MarkPages = Map<string, { first: number; last: number }>;

/**
 * Lines of a paragraph that must start on the same page (orphan control): all of a heading (it stays with
 * what follows), all of a paragraph of three lines or fewer (split, it would leave one line alone on a
 * page), else two.
 */
function openingLines(count: number, paragraph: Paragraph): number {
  if (paragraph.keepWithNext || count <= 3) return count;
  return 2;
}

/**
 * Lays paragraphs out over as many pages as they need, never leaving fewer than two lines of a paragraph
 * alone at the foot or the head of a page.
 */
export function layout(
  measurer: Measurer,
  paragraphs: Paragraph[],
  frame: Frame = BODY_FRAME,
): { pages: LaidPage[]; marks: MarkPages } {
  const pages: LaidPage[] = [{ lines: [] }];
  const marks: MarkPages = new Map();
  let y = frame.top;
  let first = true;
  const space = (size: number) => measurer.width(' ', 'regular', size);
  // Lines of the paragraphs looked ahead at (a heading's followers), so each is broken once.
  const broken = new Map<number, Word[][]>();
  const linesOf = (i: number): Word[][] => {
    let lines = broken.get(i);
    if (!lines) {
      const p = paragraphs[i] as Paragraph;
      lines = breakLines(measurer, p, frame.width - (p.indent ?? 0));
      broken.set(i, lines);
    }
    return lines;
  };
  for (const [i, paragraph] of paragraphs.entries()) {
    const size = paragraph.size ?? 11.5;
    const lead = size * LEADING;
    const indent = paragraph.indent ?? 0;
    const lines = linesOf(i);
    broken.delete(i);
    const before = first ? 0 : (paragraph.before ?? size * 0.6);
    if (!first) {
      // What must share this page: the paragraph's opening lines, and for a heading, the headings after
      // it and the opening lines of the text it introduces.
      let lowest = y - before - lead - (openingLines(lines.length, paragraph) - 1) * lead;
      for (let j = i + 1; paragraphs[j - 1]?.keepWithNext && j < paragraphs.length; j++) {
        const next = paragraphs[j] as Paragraph;
        const nextLead = (next.size ?? 11.5) * LEADING;
        const nextBefore = next.before ?? (next.size ?? 11.5) * 0.6;
        lowest -= nextBefore + nextLead + (openingLines(linesOf(j).length, next) - 1) * nextLead;
      }
      if (lowest < frame.bottom) {
        pages.push({ lines: [] });
        y = frame.top;
        first = true;
      }
    }
    if (!first) y -= before + lead;
    for (const [k, words] of lines.entries()) {
      // Widow control: when only the last line would go over, the one before it goes too.
      const widow = k >= 2 && lines.length - k === 2 && y - lead < frame.bottom;
      if (y < frame.bottom || widow) {
        pages.push({ lines: [] });
        y = frame.top;
      }
      const gapBefore = (w: Word, j: number) => (j && !w.glue ? space(size) : 0);
      const widthUsed = words.reduce((sum, w, j) => sum + w.width + gapBefore(w, j), 0);
      let x = frame.x + indent + (paragraph.align === 'center' ? (frame.width - indent - widthUsed) / 2 : 0);
      const segments: Segment[] = [];
      for (const [j, word] of words.entries()) {
        const last = segments.at(-1);
        const gap = gapBefore(word, j);
        if (last && last.font === word.font && last.highlight === word.highlight) {
          last.text += `${gap ? ' ' : ''}${word.text}`;
          last.width += gap + word.width;
        } else {
          segments.push({
            text: word.text,
            font: word.font,
            size,
            x: x + gap,
            width: word.width,
            highlight: word.highlight,
          });
          if (last && word.highlight && last.highlight) last.width += gap;
        }
        x += gap + word.width;
        if (word.mark) {
          const page = pages.length - 1;
          const seen = marks.get(word.mark);
          if (seen) seen.last = page;
          else marks.set(word.mark, { first: page, last: page });
        }
      }
      (pages.at(-1) as LaidPage).lines.push({
        y,
        size,
        segments,
        bracket: (paragraph.bracket ?? false) && segments.some((s) => s.highlight),
      });
      y -= lead;
      first = false;
    }
    y += lead;
  }
  return { pages, marks };
}

/** Draws laid-out lines: highlights first (text stays on top), then the text. */
export function drawLines(page: PDFPage, fonts: Fonts, lines: Line[]): void {
  for (const line of lines) {
    for (const s of line.segments) {
      if (!s.highlight) continue;
      page.drawRectangle({
        x: s.x - 1,
        y: line.y - s.size * 0.28,
        width: s.width + 2,
        height: s.size * LEADING,
        color: HIGHLIGHT,
        blendMode: BlendMode.Multiply,
      });
    }
    if (line.bracket) {
      page.drawRectangle({
        x: MARGIN - 12,
        y: line.y - line.size * 0.3,
        width: 2,
        height: line.size * LEADING,
        color: BRACKET,
      });
    }
  }
  for (const line of lines) {
    for (const s of line.segments) {
      page.drawText(s.text, { x: s.x, y: line.y, size: s.size, font: fonts[s.font] });
    }
  }
}

/** One line of text at a position, cleaned for the font; returns its width. */
export function drawText(
  page: PDFPage,
  measurer: Measurer,
  text: string,
  at: { x: number; y: number; size: number; font?: FontName; align?: 'left' | 'right' | 'center' },
): number {
  const font = at.font ?? 'regular';
  const clean = measurer.clean(text, font);
  const width = measurer.width(clean, font, at.size);
  const x = at.align === 'right' ? at.x - width : at.align === 'center' ? at.x - width / 2 : at.x;
  page.drawText(clean, { x, y: at.y, size: at.size, font: measurer.fonts[font] });
  return width;
}

/** A table: columns with widths, rows of cells made of runs; header repeated on every page. */
export interface Table {
  columns: { title: string; width: number }[];
  /** A row of cells, or a full-width group heading. */
  rows: ({ cells: Run[][] } | { heading: string })[];
  size?: number;
}

interface LaidRow {
  height: number;
  cells: Word[][][];
  heading?: string;
}

/** Lays a table out into pages of rows; row heights do not depend on page numbers inside the cells' text width. */
export function layoutTable(
  measurer: Measurer,
  table: Table,
  frame: Frame,
): { x: number; y: number; page: number; cells: Line[]; rule: boolean }[][] {
  const size = table.size ?? 10;
  const lead = size * LEADING;
  const pad = 4;
  const pages: { x: number; y: number; page: number; cells: Line[]; rule: boolean }[][] = [[]];
  const laid: LaidRow[] = table.rows.map((row) => {
    if ('heading' in row) return { height: lead * 1.8, cells: [], heading: row.heading };
    const cells = row.cells.map((runs, i) =>
      breakLines(measurer, { runs, size }, (table.columns[i]?.width ?? 0) - 2 * pad),
    );
    return { height: Math.max(1, ...cells.map((c) => c.length)) * lead + 2 * pad, cells };
  });
  const header = (): Line[] => {
    let x = frame.x;
    return [
      {
        y: -(pad + size),
        size,
        bracket: false,
        segments: table.columns.map((c) => {
          const seg = { text: c.title, font: 'bold' as const, size, x: x + pad, width: 0, highlight: false };
          x += c.width;
          return seg;
        }),
      },
    ];
  };
  let y = frame.top;
  const startPage = () => {
    const page = pages.length - 1;
    (pages.at(-1) as (typeof pages)[number]).push({ x: frame.x, y, page, cells: header(), rule: true });
    y -= lead + pad;
  };
  startPage();
  for (const row of laid) {
    if (y - row.height < frame.bottom) {
      pages.push([]);
      y = frame.top;
      startPage();
    }
    const page = pages.length - 1;
    const current = pages.at(-1) as (typeof pages)[number];
    if (row.heading) {
      current.push({
        x: frame.x,
        y,
        page,
        rule: false,
        cells: [
          {
            y: -lead * 1.3,
            size: size + 1,
            bracket: false,
            segments: [
              { text: row.heading, font: 'bold', size: size + 1, x: frame.x, width: 0, highlight: false },
            ],
          },
        ],
      });
      y -= row.height;
      continue;
    }
    const lines: Line[] = [];
    let x = frame.x;
    for (const [i, cell] of row.cells.entries()) {
      for (const [n, words] of cell.entries()) {
        let wx = x + pad;
        const segments: Segment[] = [];
        for (const [j, word] of words.entries()) {
          if (j && !word.glue) wx += measurer.width(' ', 'regular', size);
          segments.push({
            text: word.text,
            font: word.font,
            size,
            x: wx,
            width: word.width,
            highlight: false,
          });
          wx += word.width;
        }
        lines.push({ y: -(pad + size + n * lead), size, segments, bracket: false });
      }
      x += table.columns[i]?.width ?? 0;
    }
    current.push({ x: frame.x, y, page, cells: lines, rule: true });
    y -= row.height;
  }
  return pages;
}

/** Draws one page of a laid-out table. */
export function drawTablePage(
  page: PDFPage,
  fonts: Fonts,
  rows: { x: number; y: number; cells: Line[]; rule: boolean }[],
  width: number,
): void {
  for (const row of rows) {
    if (row.rule) {
      page.drawLine({
        start: { x: row.x, y: row.y },
        end: { x: row.x + width, y: row.y },
        thickness: 0.5,
        color: rgb(0.6, 0.6, 0.6),
      });
    }
    for (const line of row.cells) {
      for (const s of line.segments) {
        page.drawText(s.text, { x: s.x, y: row.y + line.y, size: s.size, font: fonts[s.font] });
      }
    }
  }
}
