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
