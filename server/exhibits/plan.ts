/**
 * Planning a packet: every page is placed before anything is drawn, so the index of exhibits, the tab
 * dividers and the annotated index can say on which packet page each exhibit and each cited passage is.
 * PDF reports contribute their original pages (the title page and the pages holding cited passages); HTML
 * and text reports, and PDFs that cannot be opened, a typeset rendering of the cited sections. Sources whose
 * licence allows only snippets contribute the cited passages alone, never their pages.
 */
import { PDFDocument } from 'pdf-lib';
import type { Archive } from '../../core/archive.ts';
import { bluebookDate, type Citation, citationDate, cite, pageRange } from '../../core/citation.ts';
import type { Passage } from '../../core/contract.ts';
import type { Logger } from '../../core/log.ts';
import type { Source } from '../../core/sources.ts';
import { HttpProblem } from '../problem.ts';
import type { SearchDeps } from '../search.ts';
import { type ExhibitPart, passagesInRange, type ResolvedExhibit, resolveExhibits } from './resolve.ts';
import { type ExhibitRequest, LIMITS } from './schemas.ts';
import {
  BODY_FRAME,
  embedFonts,
  type Fonts,
  type LaidPage,
  layout,
  layoutTable,
  Measurer,
  type Paragraph,
  type Run,
  type Table,
} from './typeset.ts';

export interface PacketDeps extends SearchDeps {
  archive: Archive;
  logger?: Logger | undefined;
}

export interface PacketPins {
  page: number;
  pageEnd: number;
}

interface OriginalPages {
  kind: 'original';
  /** Read again from the archive when drawn, so only one source PDF is in memory at a time. */
  sha256: string;
  /** Original page numbers (1-based) copied into the packet, in order. */
  pages: number[];
}

interface TypesetPages {
  kind: 'typeset';
  pages: LaidPage[];
}

export interface PlannedPart extends ExhibitPart {
  source: Source;
  citation: Citation;
  /** Year or date of publication as cited. */
  date: string;
  title: string;
  render: OriginalPages | TypesetPages;
  first: number;
  count: number;
  /** Packet pages of each cited passage. */
  pins: Map<string, PacketPins>;
  /** Said on the tab divider: licence, fallback, passages that could not be marked. */
  notes: string[];
}

export interface PlannedExhibit extends Omit<ResolvedExhibit, 'parts'> {
  parts: PlannedPart[];
  divider: number;
  last: number;
}

export interface PacketPlan {
  request: ExhibitRequest;
  fonts: Fonts;
  measurer: Measurer;
  exhibits: PlannedExhibit[];
  index: ReturnType<typeof layoutTable>;
  certificate: number | null;
  total: number;
}

/** Typeset pages are letter-size with the packet's header and footer; the text column sits inside. */
export const TYPESET_FRAME = BODY_FRAME;
export const INDEX_FRAME = { x: 54, width: 504, top: 792 - 130, bottom: 72 };

function originalDate(part: ExhibitPart, source: Source): string {
  const d = part.document;
  return citationDate(d.publishedAt, source.citation.date, d.edition + source.publicationLagYears);
}

/**
 * Opens the archived PDF, or says why it cannot be: the archived copy is missing or unreadable, with the
 * parser's own message in `error` for the log (never for the court).
 */
export async function openOriginal(
  archive: Archive,
  sha256: string,
): Promise<{ bytes: Uint8Array; pdf: PDFDocument } | { reason: string; error?: unknown }> {
  let bytes: Uint8Array;
  try {
    bytes = await archive.read(sha256);
  } catch (error) {
    return { reason: 'the archived copy of the PDF is missing', error };
  }
  try {
    const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
    // pdf-lib parses lazily: a damaged file fails only when its pages are read.
    if (pdf.getPageCount() < 1) return { reason: 'the archived PDF has no pages' };
    return { bytes, pdf };
  } catch (error) {
    return { reason: 'the archived PDF cannot be opened', error };
  }
}

/**
 * Said on the divider and above the text when a PDF's own pages cannot be reproduced. It is filed with the
 * court, so it says what the exhibit is and where the original is, in plain words; what went wrong goes to
 * the log.
 */
export function textRenderingNote(part: ExhibitPart, citation: Citation): string {
  const capture = part.document.capture;
  return `The original PDF could not be reproduced in this packet. The text of ${part.whole ? 'the captured document' : 'the cited sections of the captured document'} follows, as extracted from the PDF captured from ${citation.url} on ${bluebookDate(capture.fetchedAt)} (SHA-256 ${capture.sha256}); bracketed page numbers are the pages of that PDF.`;
}

function sameSection(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((h, i) => h === b[i]);
}

/** Order ranges of the sections holding the cited passages, merged. */
function sectionRanges(part: ExhibitPart): [number, number][] {
  if (part.whole) return [[0, part.document.passages]];
  const ranges = part.passages.map((p): [number, number] => {
    const section = part.document.outline.find((o) => sameSection(o.sectionPath, p.sectionPath));
    return section ? [section.firstPassage, section.firstPassage + section.passages] : [p.order, p.order + 1];
  });
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([...r]);
  }
  return merged;
}

/**
 * The cited sections as paragraphs: headings where the section changes, passages of one paragraph joined,
 * cited passages highlighted and bracketed, "* * *" where text is left out, and the original page where a
 * PDF's text is rendered.
 */
function sectionParagraphs(passages: Passage[][], cited: Set<string>, showPages: boolean): Paragraph[] {
  const out: Paragraph[] = [];
  let page: number | null = null;
  for (const [r, range] of passages.entries()) {
    // After a gap the headings are repeated, so each section reads on its own.
    let previousPath: readonly string[] = [];
    let current: Paragraph | null = null;
    let currentKey = '';
    if (r > 0) out.push({ runs: [{ text: '*  *  *' }], align: 'center', before: 10 });
    for (const p of range) {
      let from = 0;
      while (from < p.sectionPath.length && p.sectionPath[from] === previousPath[from]) from++;
      // A run-in label ("Rape and Domestic Violence:") is the last heading and starts the text: set it in
      // bold within the paragraph rather than as a heading of its own.
      const label = p.sectionPath.at(-1);
      const runIn = label !== undefined && p.paragraph === 1 && p.text.startsWith(`${label}:`) ? label : null;
      const headings = runIn ? p.sectionPath.length - 1 : p.sectionPath.length;
      if (from < p.sectionPath.length || p.sectionPath.length !== previousPath.length) {
        for (let depth = from; depth < headings; depth++) {
          out.push({
            runs: [{ text: p.sectionPath[depth] as string, font: 'bold' }],
            size: depth === 0 ? 13 : 12,
            before: 12,
            keepWithNext: true,
          });
        }
        current = null;
      }
      previousPath = p.sectionPath;
      const isCited = cited.has(p.id);
      const mark = isCited ? { mark: p.id } : {};
      const labelRun: Run[] =
        runIn && from < p.sectionPath.length
          ? [{ text: `${runIn}:`, font: 'bold', highlight: isCited, ...mark }]
          : [];
      const text = labelRun.length ? p.text.slice(`${runIn}:`.length) : p.text;
      const run: Run = { text, highlight: isCited, ...mark };
      const pageRun: Run[] =
        showPages && p.page !== null && p.page !== page ? [{ text: `[p. ${p.page}] `, font: 'italic' }] : [];
      if (p.page !== null) page = p.pageEnd ?? p.page;
      const key = `${p.sectionPath.join('\u001f')}|${p.paragraph}`;
      if (current && key === currentKey) {
        // Parts of one paragraph (a long paragraph cut into passages) continue after a space.
        const pieces = [...pageRun, ...labelRun, run];
        pieces[0] = { ...(pieces[0] as Run), text: ` ${(pieces[0] as Run).text}` };
        current.runs.push(...pieces);
        current.bracket ||= isCited;
      } else {
        current = { runs: [...pageRun, ...labelRun, run], bracket: isCited };
        currentKey = key;
        out.push(current);
      }
    }
  }
  return out;
}

async function typesetPart(
  deps: PacketDeps,
  measurer: Measurer,
  part: ExhibitPart,
  snippetOnly: boolean,
  lead: string[],
): Promise<{ pages: LaidPage[]; marks: Map<string, { first: number; last: number }> }> {
  const cited = new Set(part.passages.map((p) => p.id));
  const ranges = snippetOnly
    ? [part.passages]
    : await Promise.all(sectionRanges(part).map(([a, b]) => passagesInRange(deps, part.document.id, a, b)));
  const intro: Paragraph[] = lead.map((text) => ({ runs: [{ text, font: 'italic' }], size: 10, before: 4 }));
  const body = sectionParagraphs(ranges, cited, part.document.format === 'pdf');
  return layout(measurer, [...intro, ...body], TYPESET_FRAME);
}

/**
 * The packet pages an exhibit, or one document of it, occupies: the one answer the index of exhibits, the tab
 * divider and the annotated index all give. The tab divider is the first page of its exhibit. Consecutive
 * pagination (8 C.F.R. § 1003.32(b)) numbers every page filed, and in an ECAS filing the divider is a
 * numbered page carrying the exhibit's letter and citation, not a physical tab outside the count. Counting it
 * lets the ranges tile the packet, so a reader who turns to the first page in the index lands on "TAB B" and
 * no numbered page belongs to no exhibit. Pin cites ("Exh. B at 9") still name the page that prints the
 * passage, never the divider. Within an exhibit of several documents, the divider goes with the first one.
 */
export function exhibitPages(
  exhibit: { divider: number; last: number; parts: readonly PlannedPart[] },
  part?: PlannedPart,
): { first: number; last: number } {
  if (!part) return { first: exhibit.divider, last: exhibit.last };
  const first = exhibit.parts[0] === part ? exhibit.divider : part.first;
  return { first, last: part.first + part.count - 1 };
}

/** "3–7" for the index columns. */
export function exhibitSpan(exhibit: Parameters<typeof exhibitPages>[0], part?: PlannedPart): string {
  const { first, last } = exhibitPages(exhibit, part);
  return pageRange(first, last);
}

/** "page 9", "pages 8–9", as running text says it. */
export function pagesPhrase({ first, last }: { first: number; last: number }): string {
  return first === last ? `page ${first}` : `pages ${pageRange(first, last)}`;
}

/** The index of exhibits; while the packet is being planned the pages column holds a placeholder of fixed width. */
export function indexTable(exhibits: PlannedExhibit[], numbered: boolean): Table {
  return {
    columns: [
      { title: 'Tab', width: 34 },
      { title: 'Document', width: 236 },
      { title: 'Publisher', width: 120 },
      { title: 'Date', width: 54 },
      { title: 'Pages', width: 60 },
    ],
    rows: exhibits.flatMap((e) =>
      e.parts.map((part, i) => ({
        cells: [
          [{ text: i === 0 ? e.tab : '', font: 'bold' as const }],
          [
            { text: part.title, font: 'italic' as const },
            ...(part.document.latest
              ? []
              : [
                  {
                    text: ` (historical edition${part.document.supersededBy ? `; superseded by the ${part.document.supersededBy} edition` : ''})`,
                  },
                ]),
          ],
          [
            {
              text: part.source.office
                ? `${part.document.publisher}, ${part.source.office}`
                : part.document.publisher,
            },
          ],
          [{ text: part.date }],
          [{ text: numbered ? exhibitSpan(e, part) : '0000–0000' }],
        ],
      })),
    ),
  };
}

/** Resolves the request and places every page. `pdf` is the document the packet will be drawn into. */
export async function planPacket(
  deps: PacketDeps,
  request: ExhibitRequest,
  pdf: PDFDocument,
): Promise<PacketPlan> {
  const resolved = await resolveExhibits(deps, request);
  const fonts = await embedFonts(pdf);
  const measurer = new Measurer(fonts);
  const exhibits: PlannedExhibit[] = [];
  for (const exhibit of resolved) {
    const parts: PlannedPart[] = [];
    for (const part of exhibit.parts) {
      const source = deps.sources.get(part.document.source);
      if (!source) {
        throw new HttpProblem(
          409,
          'Source no longer configured',
          `Document ${part.document.id} comes from source "${part.document.source}", which is no longer in sources.yaml, so it cannot be cited. Restore the source or re-index.`,
        );
      }
      const snippetOnly = source.license.display === 'snippet';
      const notes: string[] = [];
      const citation = cite(part.document, source);
      let render: PlannedPart['render'] | null = null;
      let marks = new Map<string, { first: number; last: number }>();
      if (snippetOnly) {
        notes.push(
          `${source.license.notice ?? 'The publisher allows only excerpts of this report to be reproduced.'} Only the cited passages are reproduced here; the full text is at ${citation.url}.`,
        );
      } else if (part.document.format === 'pdf') {
        const original = await openOriginal(deps.archive, part.document.capture.sha256);
        if ('reason' in original) {
          deps.logger?.warn(
            { err: original.error, document: part.document.id, sha256: part.document.capture.sha256 },
            `exhibit typeset from the indexed text: ${original.reason}`,
          );
          notes.push(textRenderingNote(part, citation));
        } else {
          const cited = part.passages.flatMap((p) => range(p.page ?? 1, p.pageEnd ?? p.page ?? 1));
          const count = original.pdf.getPageCount();
          const pages = part.whole ? range(1, count) : [...new Set([1, ...cited])];
          render = {
            kind: 'original',
            sha256: part.document.capture.sha256,
            pages: pages.filter((n) => n >= 1 && n <= count).sort((a, b) => a - b),
          };
        }
      }
      if (!render) {
        const lead = [
          `${part.whole ? 'Full text' : 'The cited sections'} of ${citation.full}. Highlighted and bracketed: the cited passages.`,
          ...notes.slice(-1),
        ];
        const laid = await typesetPart(deps, measurer, part, snippetOnly, lead);
        render = { kind: 'typeset', pages: laid.pages };
        marks = laid.marks;
      }
      parts.push({
        ...part,
        source,
        citation,
        date: originalDate(part, source),
        title: exhibit.spec.title && exhibit.parts.length === 1 ? exhibit.spec.title : part.document.title,
        render,
        first: 0,
        count: render.pages.length,
        pins: new Map(
          part.passages.map((p) => {
            const m = marks.get(p.id);
            return [p.id, m ? { page: m.first, pageEnd: m.last } : { page: -1, pageEnd: -1 }];
          }),
        ),
        notes,
      });
    }
    exhibits.push({ ...exhibit, parts, divider: 0, last: 0 });
  }

  const indexPages = layoutTable(measurer, indexTable(exhibits, false), INDEX_FRAME).length;
  let page = 1 + indexPages + 1;
  for (const exhibit of exhibits) {
    exhibit.divider = page++;
    for (const part of exhibit.parts) {
      part.first = page;
      for (const [id, pin] of part.pins) {
        if (part.render.kind === 'original') {
          const p = part.passages.find((x) => x.id === id) as Passage;
          const at = (n: number) => part.first + (part.render as OriginalPages).pages.indexOf(n);
          part.pins.set(id, { page: at(p.page ?? 1), pageEnd: at(p.pageEnd ?? p.page ?? 1) });
        } else {
          const at = (n: number) => part.first + Math.max(0, n);
          part.pins.set(id, { page: at(pin.page), pageEnd: at(pin.pageEnd) });
        }
      }
      page += part.count;
    }
    exhibit.last = page - 1;
  }
  const certificate = request.certificateOfService ? page++ : null;
  const total = page - 1;
  if (total > LIMITS.pages) {
    throw new HttpProblem(
      413,
      'Packet too large',
      `The packet would have ${total} pages; one packet holds at most ${LIMITS.pages}. Split it into several filings, or cite passages rather than whole documents.`,
    );
  }
  const index = layoutTable(measurer, indexTable(exhibits, true), INDEX_FRAME);
  return { request, fonts, measurer, exhibits, index, certificate, total };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}
