import { PDFDocument } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PdfPageText } from '../../indexer/extract/pdf.ts';
import { locatePassage, matchKey } from '../../server/exhibits/locate.ts';
import { tabLetter } from '../../server/exhibits/resolve.ts';
import {
  BODY_FRAME,
  breakLines,
  embedFonts,
  layout,
  Measurer,
  type Paragraph,
  type Run,
} from '../../server/exhibits/typeset.ts';

describe('tab letters', () => {
  it.each([
    [0, 'A'],
    [2, 'C'],
    [25, 'Z'],
    [26, 'AA'],
    [51, 'AZ'],
  ])('exhibit %i is tab %s', (index, tab) => {
    expect(tabLetter(index)).toBe(tab);
  });
});

function page(n: number, lines: [string, number, number?][]): PdfPageText {
  return {
    page: n,
    width: 612,
    height: 792,
    lines: lines.map(([text, y, x = 72]) => ({ text, page: n, y, x, width: 400, size: 12, font: 'f' })),
  };
}

describe('finding a passage on its PDF page', () => {
  const pages = [
    page(4, [
      ['Page 4 of 9', 760, 470],
      ['Earlier text ends here. Femicide remained a serious', 300],
      ['problem, and police often failed to inves-', 280],
      ['tigate complaints.', 260],
      ['Country Reports on Human Rights Practices for 2023', 40, 170],
    ]),
    page(5, [
      ['Page 5 of 9', 760, 470],
      ['Courts rarely convicted anyone.  A new paragraph.', 700],
    ]),
  ];

  it('ignores case, spacing, punctuation and hyphenation', () => {
    expect(matchKey('Inves-\ntigate “Complaints”')).toBe('investigatecomplaints');
  });

  it('covers only the part of the first line where the passage starts', () => {
    const boxes = locatePassage(
      pages,
      'Femicide remained a serious problem, and police often failed to investigate complaints.',
      4,
      4,
    );
    expect(boxes?.map((b) => b.y)).toEqual([300, 280, 260]);
    const first = boxes?.[0];
    expect(first?.x).toBeGreaterThan(72 + 400 * 0.4);
    expect(first && first.x + first.width).toBeCloseTo(472);
  });

  it('follows a passage over a page break, skipping the running header and footer', () => {
    const text =
      'Femicide remained a serious problem, and police often failed to investigate complaints. Courts rarely convicted anyone.';
    const boxes = locatePassage(pages, text, 4, 5) ?? [];
    expect(boxes.map((b) => [b.page, b.y])).toEqual([
      [4, 300],
      [4, 280],
      [4, 260],
      [5, 700],
    ]);
    expect(boxes.at(-1)?.width).toBeLessThan(400 * 0.7);
  });

  it('says when the passage is not on the page', () => {
    expect(locatePassage(pages, 'Nothing like this is printed anywhere.', 4, 5)).toBeNull();
  });
});

describe('typesetting', () => {
  let measurer: Measurer;
  beforeAll(async () => {
    measurer = new Measurer(await embedFonts(await PDFDocument.create()));
  });

  it('breaks lines within the column and records on which page each marked passage lands', () => {
    const long = Array.from({ length: 1000 }, (_, i) => `word${i}`).join(' ');
    const { pages, marks } = layout(measurer, [
      { runs: [{ text: 'Heading', font: 'bold' }], keepWithNext: true },
      { runs: [{ text: long, highlight: true, mark: 'p1' }] },
      { runs: [{ text: 'Last words.', mark: 'p2' }] },
    ]);
    expect(pages.length).toBeGreaterThan(1);
    for (const p of pages) {
      for (const line of p.lines) {
        for (const s of line.segments)
          expect(s.x + s.width).toBeLessThanOrEqual(BODY_FRAME.x + BODY_FRAME.width + 0.01);
        expect(line.y).toBeGreaterThanOrEqual(BODY_FRAME.bottom);
      }
    }
    expect(marks.get('p1')).toEqual({ first: 0, last: pages.length - 1 });
    expect(marks.get('p2')?.first).toBe(pages.length - 1);
  });

  it('never leaves fewer than two lines of a paragraph alone at the foot or the head of a page', () => {
    // Paragraphs of 1 to 7 lines and headings, in an order that puts page breaks everywhere.
    const paragraphs: Paragraph[] = [];
    for (let n = 0; n < 240; n++) {
      const lines = ((n * 7) % 11) % 7;
      if (lines === 0) {
        paragraphs.push({
          runs: [{ text: `p${n}w0 heading`, font: 'bold' }],
          keepWithNext: true,
          before: 12,
        });
        continue;
      }
      const words = Array.from({ length: lines * 11 - 3 }, (_, w) => `p${n}w${w} text`).join(' ');
      paragraphs.push({ runs: [{ text: words }] });
    }
    const { pages } = layout(measurer, paragraphs);
    expect(pages.length).toBeGreaterThan(10);
    const perPage = pages.map((page) => {
      const counts = new Map<number, number>();
      for (const line of page.lines) {
        const id = Number(/p(\d+)w/.exec(line.segments[0]?.text ?? '')?.[1]);
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return counts;
    });
    for (const [n, paragraph] of paragraphs.entries()) {
      const shares = perPage.map((c) => c.get(n) ?? 0).filter((c) => c > 0);
      if (paragraph.keepWithNext) {
        // A heading is never the last thing on its page.
        const at = perPage.findIndex((c) => c.has(n));
        expect([...(perPage[at]?.keys() ?? [])].at(-1), `heading p${n}`).not.toBe(n);
      } else if (shares.length > 1) {
        for (const share of shares)
          expect(share, `paragraph p${n} split ${shares.join('/')}`).toBeGreaterThanOrEqual(2);
      }
    }
  });

  it('keeps a separator with what it follows when breaking lines', () => {
    const runs: Run[] = Array.from({ length: 12 }, (_, i) => [
      { text: `${i ? '; ' : ''}Exh. B at ${i + 7}`, font: 'bold' as const },
      { text: ' (2023 Honduras HRR § 6)' },
    ]).flat();
    // Every column width from 120 to 300 points, so some line ends fall right at a separator.
    for (let width = 120; width <= 300; width++) {
      const lines = breakLines(measurer, { runs, size: 10 }, width);
      for (const line of lines.slice(1)) expect(line[0]?.text, `width ${width}`).not.toBe(';');
    }
  });

  it('never splits a pin cite over two lines', () => {
    const runs: Run[] = Array.from({ length: 12 }, (_, i) => [
      ...(i ? [{ text: '; ' }] : []),
      { text: `Exh. B at ${i + 7}–${i + 9}`, font: 'bold' as const, keepTogether: true },
      { text: ' (2023 Honduras HRR § 6)' },
    ]).flat();
    for (let width = 120; width <= 300; width++) {
      const lines = breakLines(measurer, { runs, size: 10 }, width).map((l) =>
        l.map((w) => w.text).join(' '),
      );
      const pins = lines.join('\n').match(/Exh\.\sB\sat\s\d+–\d+/g) ?? [];
      expect(
        pins.filter((pin) => pin.includes('\n')),
        `width ${width}`,
      ).toEqual([]);
      expect(pins, `width ${width}`).toHaveLength(12);
    }
    // A pin still wider than the column is cut rather than lost.
    const narrow = breakLines(
      measurer,
      { runs: [{ text: 'Exh. B at 7', keepTogether: true }], size: 10 },
      20,
    );
    expect(
      narrow
        .flat()
        .map((w) => w.text)
        .join(''),
    ).toBe('Exh.Bat7');
  });

  it('sets a run that starts with punctuation right after the previous one', () => {
    const { pages } = layout(measurer, [
      { runs: [{ text: 'Report', font: 'italic' }, { text: ': summary' }] },
    ]);
    const [title, rest] = pages[0]?.lines[0]?.segments ?? [];
    expect(rest?.text).toBe(': summary');
    expect(rest?.x).toBeCloseTo((title?.x ?? 0) + (title?.width ?? 0));
  });

  it('replaces characters the font cannot draw and drops control characters', () => {
    expect(measurer.clean('Türkiye – “ok”\u0007\uE000', 'regular')).toBe('Türkiye – “ok”  ');
    expect(measurer.clean('中国', 'regular')).toBe('??');
  });
});
