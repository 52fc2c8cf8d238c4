/**
 * Reports for the exhibit tests: a State Department-style PDF written with pdf-lib (several pages, so the
 * packet has original pages to copy and passages to find on them) beside the repository's text fixtures,
 * imported and indexed like `countrycite import` does. Also reads built PDFs back with pdf.js.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';
import { matchKey } from '../../server/exhibits/locate.ts';
import { FIXTURES } from './corpus.ts';
import { reportPdf } from './pdf-fixture.ts';

const TOPICS = ['the capital', 'rural areas', 'the highlands', 'the northern departments', 'coastal towns'];

/** Invented test prose, varied so every paragraph is its own passage. */
function filler(n: number): string[] {
  const place = TOPICS[n % TOPICS.length];
  return [
    `Observers reported ${n + 3} incidents of arbitrary detention in ${place} during the`,
    `reporting period, and local monitors said authorities rarely investigated them.`,
  ];
}

export const FEMICIDE_SENTENCE =
  'Femicide remained a serious problem, and police often failed to investigate complaints of gender-based violence in indigenous communities.';

export async function testlandPdf(): Promise<Uint8Array> {
  return reportPdf('Guatemala 2023 Human Rights Report', [
    { heading: 'Executive Summary', size: 18 },
    {
      paragraph: [
        'There were no significant changes in the human rights',
        'situation in the country during the year.',
      ],
    },
    { heading: 'Section 1. Respect for the Integrity of the Person', size: 18 },
    ...Array.from({ length: 24 }, (_, i) => ({ paragraph: filler(i) })),
    { heading: 'Section 6. Discrimination and Societal Abuses', size: 18 },
    { heading: 'Women', size: 15 },
    {
      paragraph: [
        'Femicide remained a serious problem, and police often failed to',
        'investigate complaints of gender-based violence in indigenous',
        'communities.',
      ],
    },
    ...Array.from({ length: 20 }, (_, i) => ({ paragraph: filler(i + 40) })),
  ]);
}

/** A folder laid out as <source>/<edition>/<country>.<ext>: the fixture PDF and the text fixtures. */
export async function exhibitFolder(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'countrycite-exhibits-'));
  cpSync(path.join(FIXTURES, 'reports'), dir, { recursive: true });
  mkdirSync(path.join(dir, 'us-dos-hrr', '2023'), { recursive: true });
  writeFileSync(path.join(dir, 'us-dos-hrr', '2023', 'guatemala.pdf'), await testlandPdf());
  return dir;
}

export interface ReadBackPage {
  text: string;
  /** Rectangles filled with the highlight colour (drawn marks), in page coordinates. */
  highlights: { x: number; y: number; width: number; height: number }[];
}

const HIGHLIGHT_RGB = '#ffe640';

/** Every page's text and its highlight marks, as a viewer reads them. */
export async function readBack(
  pdf: Uint8Array,
): Promise<{ pages: ReadBackPage[]; title: string | undefined }> {
  const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, verbosity: 0 }).promise;
  const pages: ReadBackPage[] = [];
  try {
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      const text = content.items
        .filter((i): i is TextItem => 'str' in i)
        .map((i) => i.str + (i.hasEOL ? '\n' : ''))
        .join(' ')
        .replace(/[ \t]+/g, ' ');
      const ops = await page.getOperatorList();
      const highlights: ReadBackPage['highlights'] = [];
      let fill = '';
      for (let i = 0; i < ops.fnArray.length; i++) {
        const fn = ops.fnArray[i];
        const args = ops.argsArray[i] as unknown[];
        if (fn === OPS.setFillRGBColor) fill = String(args[0]).toLowerCase();
        if (fn === OPS.constructPath && fill === HIGHLIGHT_RGB) {
          // pdf.js 5: [op, [path data], minMax]; the bounding box is the last argument.
          const box = args.at(-1) as number[] | Float32Array | null;
          if (box && box.length === 4) {
            const [x0, y0, x1, y1] = Array.from(box) as [number, number, number, number];
            highlights.push({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
          }
        }
      }
      pages.push({ text, highlights });
      page.cleanup();
    }
    const meta = await doc.getMetadata();
    return { pages, title: (meta.info as { Title?: string }).Title };
  } finally {
    await doc.destroy();
  }
}

/** The tab each packet page is stamped with ("Exh. C · Page 9 of 16"), by packet page number. */
export function stampedTabs(pages: ReadBackPage[]): Map<number, string> {
  const tabs = new Map<number, string>();
  pages.forEach((page, i) => {
    // Our stamp is drawn last; an original page may print its own "Page 1 of 9" before it.
    const stamp = [...page.text.matchAll(/(?:Exh\. ([A-Z]+) · )?Page (\d+) of \d+/g)].at(-1);
    if (Number(stamp?.[2]) !== i + 1) throw new Error(`page ${i + 1} is stamped "${stamp?.[0]}"`);
    if (stamp?.[1]) tabs.set(i + 1, stamp[1]);
  });
  return tabs;
}

/** First and last packet page stamped with each tab, in packet order. */
export function tabRanges(tabs: Map<number, string>): Map<string, { first: number; last: number }> {
  const ranges = new Map<string, { first: number; last: number }>();
  for (const [n, tab] of tabs) {
    const range = ranges.get(tab) ?? { first: n, last: n };
    range.first = Math.min(range.first, n);
    range.last = Math.max(range.last, n);
    ranges.set(tab, range);
  }
  return ranges;
}

/** The rows of an annotated index in Markdown: tab, pages and every "Exh. C at 45" pin. */
export function annotatedRows(
  markdown: string,
): Map<string, { pages: string; pins: { first: number; last: number }[] }> {
  const rows = new Map<string, { pages: string; pins: { first: number; last: number }[] }>();
  for (const m of markdown.matchAll(/^\| ([A-Z]+) \| ([^|]+) \|.*\| ([^|]+) \|$/gm)) {
    const pins = [...(m[3] ?? '').matchAll(/Exh\. ([A-Z]+) at (\d+)(?:–(\d+))?/g)].map((p) => {
      if (p[1] !== m[1]) throw new Error(`row ${m[1]} holds the pin ${p[0]}`);
      return { first: Number(p[2]), last: Number(p[3] ?? p[2]) };
    });
    rows.set(m[1] as string, { pages: m[2] as string, pins });
  }
  return rows;
}

const span = (r: { first: number; last: number }) =>
  r.first === r.last ? `${r.first}` : `${r.first}–${r.last}`;

/**
 * Where an annotated index (Markdown) and the packet built from the same request disagree: a tab's pages
 * that are not the pages stamped with its letter, a pin on the divider or outside the exhibit, a cited
 * passage that no pin of its tab points at (its opening words are not printed there), a page pinned twice.
 */
export function pinProblems(
  pages: ReadBackPage[],
  markdown: string,
  passagesOf: Record<string, { id: string; text: string }[]>,
): string[] {
  const problems: string[] = [];
  const ranges = tabRanges(stampedTabs(pages));
  const rows = annotatedRows(markdown);
  const printed = (from: number, to: number) =>
    matchKey(
      pages
        .slice(from - 1, to)
        .map((p) => p.text)
        .join(' '),
    );
  for (const [tab, range] of ranges) {
    const row = rows.get(tab);
    if (!row) {
      problems.push(`tab ${tab} has no row`);
      continue;
    }
    if (row.pages !== span(range))
      problems.push(`tab ${tab}: index says ${row.pages}, packet ${span(range)}`);
    for (const pin of row.pins) {
      if (pin.first <= range.first || pin.last > range.last)
        problems.push(`Exh. ${tab} at ${span(pin)} is not on a page of the exhibit after its divider`);
    }
    if (new Set(row.pins.map(span)).size !== row.pins.length) problems.push(`tab ${tab} pins a page twice`);
    for (const passage of passagesOf[tab] ?? []) {
      const opening = matchKey(passage.text.split(/\s+/).slice(0, 5).join(' '));
      if (!row.pins.some((pin) => printed(pin.first, pin.last).includes(opening)))
        problems.push(`no pin of Exh. ${tab} points at the page printing ${passage.id}`);
    }
  }
  return problems;
}
