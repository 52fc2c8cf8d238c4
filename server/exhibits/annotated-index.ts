/**
 * The annotated exhibit index (the annotated table of contents practitioners file with a brief): for each
 * element of the claim, the tabs that prove it, their packet pages, a one-line summary and pin cites in the
 * record form "Exh. C at 45". Written as PDF, DOCX (editable in Word) or Markdown from the packet plan, so
 * its page numbers are the packet's.
 */
import {
  AlignmentType,
  Document as DocxDocument,
  Paragraph as DocxParagraph,
  Table as DocxTable,
  HeadingLevel,
  Packer,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { PDFDocument } from 'pdf-lib';
import { citePassage, exhibitPin } from '../../core/citation.ts';
import { splitSentences } from '../../indexer/sentences.ts';
import { longDate } from './packet.ts';
import { exhibitSpan, type PacketDeps, type PacketPlan, planPacket } from './plan.ts';
import type { ExhibitRequest } from './schemas.ts';
import { drawLines, drawTablePage, drawText, LETTER, layout, layoutTable, type Table } from './typeset.ts';

export interface AnnotatedRow {
  tab: string;
  pages: string;
  title: string;
  summary: string;
  /** "Exh. C at 45" with the source's own short cite. */
  pins: { record: string; source: string }[];
}

export interface AnnotatedIndex {
  title: string;
  caption: string | null;
  groups: { element: string; rows: AnnotatedRow[] }[];
}

const DEFAULT_ELEMENT = 'Country conditions';
const SUMMARY_WORDS = 30;

function defaultSummary(text: string): string {
  const first = splitSentences(text)[0] ?? text;
  const words = first.split(/\s+/);
  return `“${words.slice(0, SUMMARY_WORDS).join(' ')}${words.length > SUMMARY_WORDS ? ' …' : ''}”`;
}

/** Passages of one section printed on the same page cite the same way: the index names that place once. */
function uniquePins(pins: AnnotatedRow['pins']): AnnotatedRow['pins'] {
  const seen = new Set<string>();
  return pins.filter((p) => {
    const key = `${p.record}\u0000${p.source}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Groups follow the packet: a claim element comes where its first exhibit is, and its tabs are listed in
 * letter order. The attorney ordered the exhibits; the index does not reorder them, and the group heading
 * names its tabs so an element whose exhibits are not consecutive (Tabs A, C) reads as such.
 */
export function annotatedIndex(plan: PacketPlan): AnnotatedIndex {
  const groups: AnnotatedIndex['groups'] = [];
  for (const exhibit of plan.exhibits) {
    const element = exhibit.spec.claimElement ?? DEFAULT_ELEMENT;
    let group = groups.find((g) => g.element === element);
    if (!group) {
      group = { element, rows: [] };
      groups.push(group);
    }
    const cited = exhibit.parts.flatMap((part) => part.passages.map((p) => ({ part, passage: p })));
    const firstCited = cited[0]?.passage;
    group.rows.push({
      tab: exhibit.tab,
      pages: exhibitSpan(exhibit),
      title: exhibit.parts.map((p) => p.title).join('; '),
      summary:
        exhibit.spec.summary ?? (firstCited ? defaultSummary(firstCited.text) : 'Full text of the report.'),
      pins: uniquePins(
        cited.map(({ part, passage }) => {
          const pin = part.pins.get(passage.id) ?? { page: part.first, pageEnd: part.first };
          return {
            record: exhibitPin(exhibit.tab, pin.page, pin.pageEnd),
            source: citePassage(passage, part.source).short,
          };
        }),
      ),
    });
  }
  const caption = plan.request.caption;
  const matter = caption?.respondent
    ? `In the Matter of ${caption.respondent}${caption.aNumber ? ` (${caption.aNumber})` : ''}`
    : null;
  const tabs = plan.exhibits.map((e) => e.tab);
  const span = `${tabs.length === 1 ? `Tab ${tabs[0]}` : `Tabs ${tabs[0]}–${tabs.at(-1)}`}, pages 1–${plan.total}`;
  return {
    title: 'Annotated Index of Exhibits',
    caption: [
      matter,
      caption?.title,
      span,
      caption?.nextHearing ? `Hearing ${longDate(caption.nextHearing)}` : null,
    ]
      .filter(Boolean)
      .join(' · '),
    groups,
  };
}

/** "Nexus (Tabs B, E)". */
export function groupHeading(group: AnnotatedIndex['groups'][number]): string {
  const tabs = group.rows.map((r) => r.tab);
  return `${group.element} (${tabs.length === 1 ? 'Tab' : 'Tabs'} ${tabs.join(', ')})`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\|*_[\]<>`#])/g, '\\$1').replace(/\r?\n/g, ' ');
}

export function annotatedIndexMarkdown(index: AnnotatedIndex): string {
  const lines = [`# ${index.title}`, ''];
  if (index.caption) lines.push(escapeMarkdown(index.caption), '');
  for (const group of index.groups) {
    lines.push(
      `## ${escapeMarkdown(groupHeading(group))}`,
      '',
      '| Tab | Pages | Summary | Pin cites |',
      '| --- | --- | --- | --- |',
    );
    for (const row of group.rows) {
      const pins = row.pins
        .map((p) => `${escapeMarkdown(p.record)} (${escapeMarkdown(p.source)})`)
        .join('<br>');
      lines.push(
        `| ${row.tab} | ${row.pages} | *${escapeMarkdown(row.title)}*: ${escapeMarkdown(row.summary)} | ${pins || '—'} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

const cell = (children: DocxParagraph[], width: number) =>
  new TableCell({ children, width: { size: width, type: WidthType.PERCENTAGE } });

export async function annotatedIndexDocx(index: AnnotatedIndex): Promise<Uint8Array> {
  const font = 'Times New Roman';
  const text = (value: string, options: { bold?: boolean; italics?: boolean } = {}) =>
    new TextRun({ text: value, font, size: 22, ...options });
  const body: (DocxParagraph | DocxTable)[] = [
    new DocxParagraph({
      heading: HeadingLevel.TITLE,
      alignment: AlignmentType.CENTER,
      children: [new TextRun({ text: index.title, font })],
    }),
  ];
  if (index.caption)
    body.push(new DocxParagraph({ alignment: AlignmentType.CENTER, children: [text(index.caption)] }));
  for (const group of index.groups) {
    body.push(
      new DocxParagraph({
        heading: HeadingLevel.HEADING_2,
        children: [new TextRun({ text: groupHeading(group), font })],
      }),
    );
    const header = new TableRow({
      tableHeader: true,
      children: [
        cell([new DocxParagraph({ children: [text('Tab', { bold: true })] })], 8),
        cell([new DocxParagraph({ children: [text('Pages', { bold: true })] })], 12),
        cell([new DocxParagraph({ children: [text('Summary', { bold: true })] })], 45),
        cell([new DocxParagraph({ children: [text('Pin cites', { bold: true })] })], 35),
      ],
    });
    const rows = group.rows.map(
      (row) =>
        new TableRow({
          children: [
            cell([new DocxParagraph({ children: [text(row.tab, { bold: true })] })], 8),
            cell([new DocxParagraph({ children: [text(row.pages)] })], 12),
            cell(
              [
                new DocxParagraph({
                  children: [text(row.title, { italics: true }), text(`: ${row.summary}`)],
                }),
              ],
              45,
            ),
            cell(
              row.pins.length
                ? row.pins.map(
                    (p) =>
                      new DocxParagraph({
                        children: [text(p.record, { bold: true }), text(` (${p.source})`)],
                      }),
                  )
                : [new DocxParagraph({ children: [text('—')] })],
              35,
            ),
          ],
        }),
    );
    body.push(new DocxTable({ rows: [header, ...rows], width: { size: 100, type: WidthType.PERCENTAGE } }));
  }
  const doc = new DocxDocument({
    creator: 'CountryCite',
    title: index.title,
    sections: [{ properties: { page: { size: { width: 12240, height: 15840 } } }, children: body }],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}

const FRAME = { x: 54, width: 504, top: 792 - 150, bottom: 72 };

export async function annotatedIndexPdf(
  plan: PacketPlan,
  pdf: PDFDocument,
  index: AnnotatedIndex,
): Promise<Uint8Array> {
  const table: Table = {
    size: 10,
    columns: [
      { title: 'Tab', width: 34 },
      { title: 'Pages', width: 56 },
      { title: 'Summary', width: 230 },
      { title: 'Pin cites', width: 184 },
    ],
    rows: index.groups.flatMap((group) => [
      { heading: groupHeading(group) },
      ...group.rows.map((row) => ({
        cells: [
          [{ text: row.tab, font: 'bold' as const }],
          [{ text: row.pages }],
          [{ text: row.title, font: 'italic' as const }, { text: `: ${row.summary}` }],
          row.pins.length
            ? row.pins.flatMap((p, i) => [
                ...(i ? [{ text: '; ' }] : []),
                { text: p.record, font: 'bold' as const, keepTogether: true },
                { text: ` (${p.source})` },
              ])
            : [{ text: '—' }],
        ],
      })),
    ]),
  };
  const pages = layoutTable(plan.measurer, table, FRAME);
  const heading = layout(
    plan.measurer,
    [
      { runs: [{ text: index.title.toUpperCase(), font: 'bold' }], size: 14, align: 'center' },
      ...(index.caption
        ? [{ runs: [{ text: index.caption }], size: 10, align: 'center' as const, before: 6 }]
        : []),
    ],
    { x: 54, width: 504, top: 792 - 80, bottom: 792 - 150 },
  ).pages[0];
  pages.forEach((rows, i) => {
    const page = pdf.addPage(LETTER);
    if (i === 0 && heading) drawLines(page, plan.fonts, heading.lines);
    drawTablePage(page, plan.fonts, rows, FRAME.width);
    drawText(page, plan.measurer, `Page ${i + 1} of ${pages.length}`, {
      x: LETTER[0] - 36,
      y: 20,
      size: 9,
      align: 'right',
    });
  });
  pdf.setTitle(index.title);
  pdf.setCreator('CountryCite');
  return pdf.save({ useObjectStreams: true });
}

export type IndexFormat = 'index-pdf' | 'index-docx' | 'index-md';

/** The annotated index in the format asked for. */
export async function buildAnnotatedIndex(
  deps: PacketDeps,
  request: ExhibitRequest,
  format: IndexFormat,
): Promise<Uint8Array | string> {
  const pdf = await PDFDocument.create();
  const plan = await planPacket(deps, request, pdf);
  const index = annotatedIndex(plan);
  if (format === 'index-md') return annotatedIndexMarkdown(index);
  if (format === 'index-docx') return annotatedIndexDocx(index);
  return annotatedIndexPdf(plan, pdf, index);
}
