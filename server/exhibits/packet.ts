/**
 * Drawing a planned packet into one PDF: cover page, index of exhibits, a tab divider before each exhibit,
 * the exhibits (original PDF pages with the cited passages highlighted where pdf.js finds their text, or
 * typeset pages with the URL and capture date in the footer), the certificate of service, and a packet page
 * number on every page. Source PDFs are opened one at a time.
 */
import {
  BlendMode,
  PDFDocument,
  type PDFPage,
  type PDFDocument as PdfDoc,
  popGraphicsState,
  pushGraphicsState,
  rgb,
} from 'pdf-lib';
import { bluebookDate } from '../../core/citation.ts';
import { readPdfLines } from '../../indexer/extract/pdf.ts';
import { HttpProblem } from '../problem.ts';
import { locatePassage } from './locate.ts';
import {
  exhibitPages,
  INDEX_FRAME,
  openOriginal,
  type PacketDeps,
  type PacketPlan,
  type PlannedExhibit,
  type PlannedPart,
  pagesPhrase,
  planPacket,
  TYPESET_FRAME,
} from './plan.ts';
import type { Caption, ExhibitRequest, Service } from './schemas.ts';
import {
  drawLines,
  drawTablePage,
  drawText,
  HIGHLIGHT,
  LETTER,
  layout,
  MARGIN,
  type Measurer,
  type Paragraph,
} from './typeset.ts';

const GREY = rgb(0.35, 0.35, 0.35);

/** "March 3, 2026", as dates are written on court papers. */
export function longDate(isoDate: string): string {
  return new Date(`${isoDate.slice(0, 10)}T00:00:00Z`).toLocaleDateString('en-US', {
    timeZone: 'UTC',
    month: 'long',
    day: 'numeric',
    year: 'numeric',
  });
}

/** The packet page number, bottom right on a white ground so it reads over any original page. */
function stamp(page: PDFPage, measurer: Measurer, n: number, total: number, tab?: string): void {
  const box = page.getMediaBox();
  const text = `${tab ? `Exh. ${tab} · ` : ''}Page ${n} of ${total}`;
  const size = 9;
  const width = measurer.width(text, 'bold', size);
  const x = box.x + box.width - 36 - width;
  const y = box.y + 16;
  page.drawRectangle({ x: x - 4, y: y - 4, width: width + 8, height: size + 7, color: rgb(1, 1, 1) });
  drawText(page, measurer, text, { x, y, size, font: 'bold' });
}

function tabsSpan(plan: PacketPlan): string {
  const tabs = plan.exhibits.map((e) => e.tab);
  return tabs.length === 1 ? `Tab ${tabs[0]}` : `Tabs ${tabs[0]}–${tabs.at(-1)}`;
}

function drawParagraphs(
  page: PDFPage,
  plan: PacketPlan,
  paragraphs: Paragraph[],
  frame = TYPESET_FRAME,
): number {
  const laid = layout(plan.measurer, paragraphs, frame);
  for (const p of laid.pages) drawLines(page, plan.fonts, p.lines);
  return laid.pages.length;
}

function drawCover(pdf: PdfDoc, plan: PacketPlan): void {
  const page = pdf.addPage(LETTER);
  const caption: Partial<Caption> = plan.request.caption ?? {};
  const m = plan.measurer;
  const filer = caption.filer;
  if (filer) {
    const lines = [
      filer.name,
      filer.firm,
      ...(filer.address?.split(/\r?\n/) ?? []),
      filer.phone,
      filer.email,
      filer.eoirId ? `EOIR ID: ${filer.eoirId}` : undefined,
    ].filter((l): l is string => Boolean(l));
    lines.forEach((line, i) => {
      drawText(page, m, line, { x: MARGIN, y: 720 - i * 14, size: 11 });
    });
  }
  if (caption.detained !== undefined) {
    drawText(page, m, caption.detained ? 'DETAINED' : 'NON-DETAINED', {
      x: LETTER[0] - MARGIN,
      y: 720,
      size: 12,
      font: 'bold',
      align: 'right',
    });
  }
  const center = LETTER[0] / 2;
  const heading = [
    'UNITED STATES DEPARTMENT OF JUSTICE',
    'EXECUTIVE OFFICE FOR IMMIGRATION REVIEW',
    'IMMIGRATION COURT',
    ...(caption.court ? [caption.court.toUpperCase()] : []),
  ];
  heading.forEach((line, i) => {
    drawText(page, m, line, { x: center, y: 580 - i * 16, size: 12, font: 'bold', align: 'center' });
  });
  // The caption box: the matter on the left, file number and hearing on the right.
  const top = 580 - heading.length * 16 - 20;
  const rule = (y: number) =>
    page.drawLine({ start: { x: MARGIN, y }, end: { x: LETTER[0] - MARGIN, y }, thickness: 0.75 });
  rule(top);
  const left = [
    'In the Matter of:',
    '',
    `${(caption.respondent ?? '').toUpperCase() || '____________________'},`,
    '          Respondent.',
    '',
    `In ${caption.proceedings ?? 'Removal Proceedings'}`,
  ];
  left.forEach((line, i) => {
    drawText(page, m, line, { x: MARGIN + 6, y: top - 20 - i * 15, size: 11 });
    drawText(page, m, ')', { x: center - 10, y: top - 20 - i * 15, size: 11 });
  });
  const right = [
    `File No.: ${caption.aNumber ?? '____________'}`,
    '',
    ...(caption.judge ? [`Immigration Judge: ${caption.judge}`] : []),
    ...(caption.nextHearing
      ? [
          `Next Hearing: ${longDate(caption.nextHearing)}${caption.hearingType ? ` (${caption.hearingType})` : ''}`,
        ]
      : []),
  ];
  right.forEach((line, i) => {
    drawText(page, m, line, { x: center + 6, y: top - 20 - i * 15, size: 11 });
  });
  const bottom = top - 20 - left.length * 15;
  rule(bottom);
  drawParagraphs(
    page,
    plan,
    [
      {
        runs: [
          {
            text: (caption.title ?? "Respondent's Submission of Country Conditions Evidence").toUpperCase(),
            font: 'bold',
          },
        ],
        size: 13,
        align: 'center',
      },
      {
        runs: [{ text: `${tabsSpan(plan)} · Pages 1–${plan.total} · Index of exhibits on page 2` }],
        align: 'center',
        before: 10,
      },
    ],
    { x: MARGIN, width: LETTER[0] - 2 * MARGIN, top: bottom - 40, bottom: 60 },
  );
}

function drawIndex(pdf: PdfDoc, plan: PacketPlan): PDFPage[] {
  return plan.index.map((rows, i) => {
    const page = pdf.addPage(LETTER);
    const title = i === 0 ? 'INDEX OF EXHIBITS' : 'INDEX OF EXHIBITS (continued)';
    drawText(page, plan.measurer, title, {
      x: LETTER[0] / 2,
      y: 792 - 90,
      size: 14,
      font: 'bold',
      align: 'center',
    });
    drawTablePage(page, plan.fonts, rows, INDEX_FRAME.width);
    return page;
  });
}

function drawDivider(page: PDFPage, plan: PacketPlan, exhibit: PlannedExhibit): void {
  drawText(page, plan.measurer, `TAB ${exhibit.tab}`, {
    x: LETTER[0] / 2,
    y: 560,
    size: 40,
    font: 'bold',
    align: 'center',
  });
  const paragraphs: Paragraph[] = [];
  for (const part of exhibit.parts) {
    paragraphs.push(
      { runs: [{ text: part.title, font: 'italic' }], size: 15, align: 'center', before: 18 },
      {
        runs: [
          {
            text: `${part.document.publisher} · ${part.date} · exhibit ${pagesPhrase(exhibitPages(exhibit, part))}`,
          },
        ],
        align: 'center',
        size: 11,
      },
      { runs: [{ text: part.citation.full }], size: 10, align: 'center', before: 8 },
    );
    // The divider is filed: it states the edition's status, and gives the filer no advice.
    if (!part.document.latest) {
      paragraphs.push({
        runs: [
          {
            text: `Historical edition: the ${part.document.edition} edition${part.document.supersededBy ? `, superseded by the ${part.document.supersededBy} edition` : ''}.`,
            font: 'italic',
          },
        ],
        size: 10,
        align: 'center',
        before: 6,
      });
    }
    for (const note of part.notes) {
      paragraphs.push({ runs: [{ text: note, font: 'italic' }], size: 10, align: 'center', before: 6 });
    }
  }
  drawParagraphs(page, plan, paragraphs, { x: 90, width: LETTER[0] - 180, top: 500, bottom: 60 });
}

/** Original pages with the cited passages highlighted (drawn marks: they print and survive flattening). */
async function drawOriginal(
  deps: PacketDeps,
  pdf: PdfDoc,
  plan: PacketPlan,
  exhibit: PlannedExhibit,
  part: PlannedPart,
) {
  if (part.render.kind !== 'original') return;
  const opened = await openOriginal(deps.archive, part.render.sha256);
  if ('reason' in opened)
    throw new HttpProblem(503, 'Archive changed', `While building the packet, ${opened.reason}. Try again.`);
  const pages = part.render.pages;
  const copied = await pdf.copyPages(
    opened.pdf,
    pages.map((n) => n - 1),
  );
  const text = part.passages.length ? await readPdfLines(opened.bytes).catch(() => null) : null;
  const boxesByPage = new Map<number, { x: number; y: number; width: number; size: number }[][]>();
  for (const passage of part.passages) {
    const boxes =
      text && passage.page !== null
        ? locatePassage(text, passage.text, passage.page, passage.pageEnd ?? passage.page)
        : null;
    if (!boxes) {
      part.notes.push(
        `The cited passage beginning “${passage.text.split(/\s+/).slice(0, 8).join(' ')}…” (original page ${passage.page ?? '?'}) is at Exh. ${exhibit.tab} at ${part.pins.get(passage.id)?.page ?? part.first}; it is not highlighted there.`,
      );
      continue;
    }
    for (const n of new Set(boxes.map((b) => b.page))) {
      const list = boxesByPage.get(n) ?? [];
      list.push(boxes.filter((b) => b.page === n));
      boxesByPage.set(n, list);
    }
  }
  copied.forEach((page, i) => {
    pdf.addPage(page);
    // Our marks are drawn in the page's default coordinates, whatever state the original content leaves.
    page.node.normalize();
    page.node.wrapContentStreams(
      pdf.context.register(pdf.context.contentStream([pushGraphicsState()])),
      pdf.context.register(pdf.context.contentStream([popGraphicsState()])),
    );
    for (const boxes of boxesByPage.get(pages[i] as number) ?? []) {
      const left = Math.min(...boxes.map((b) => b.x));
      for (const b of boxes) {
        page.drawRectangle({
          x: b.x - 1,
          y: b.y - b.size * 0.25,
          width: b.width + 2,
          height: b.size * 1.15,
          color: HIGHLIGHT,
          blendMode: BlendMode.Multiply,
        });
        page.drawRectangle({
          x: left - 9,
          y: b.y - b.size * 0.25,
          width: 1.5,
          height: b.size * 1.15,
          color: GREY,
        });
      }
    }
    stamp(page, plan.measurer, part.first + i, plan.total, exhibit.tab);
  });
}

function drawTypeset(pdf: PdfDoc, plan: PacketPlan, exhibit: PlannedExhibit, part: PlannedPart): void {
  if (part.render.kind !== 'typeset') return;
  const m = plan.measurer;
  const footer = layout(
    m,
    [
      { runs: [{ text: `Source: ${part.citation.url}` }], size: 8 },
      {
        runs: [
          {
            text: `Captured ${bluebookDate(part.document.capture.fetchedAt)} (sha256 ${part.document.capture.sha256.slice(0, 16)}…) · text as indexed by CountryCite`,
          },
        ],
        size: 8,
        before: 1,
      },
    ],
    { x: MARGIN, width: 330, top: 60, bottom: 10 },
  ).pages[0];
  part.render.pages.forEach((laid, i) => {
    const page = pdf.addPage(LETTER);
    drawText(page, m, `Exh. ${exhibit.tab}`, { x: MARGIN, y: 792 - 50, size: 9, font: 'bold' });
    drawText(page, m, part.title, {
      x: LETTER[0] - MARGIN,
      y: 792 - 50,
      size: 9,
      font: 'italic',
      align: 'right',
    });
    page.drawLine({
      start: { x: MARGIN, y: 792 - 56 },
      end: { x: LETTER[0] - MARGIN, y: 792 - 56 },
      thickness: 0.5,
      color: GREY,
    });
    drawLines(page, plan.fonts, laid.lines);
    if (footer) drawLines(page, plan.fonts, footer.lines);
    stamp(page, m, part.first + i, plan.total, exhibit.tab);
  });
}

function serviceDetails(request: ExhibitRequest): Partial<Service> {
  return typeof request.certificateOfService === 'object' ? request.certificateOfService : {};
}

function drawCertificate(pdf: PdfDoc, plan: PacketPlan): PDFPage {
  const page = pdf.addPage(LETTER);
  const service = serviceDetails(plan.request);
  const caption: Partial<Caption> = plan.request.caption ?? {};
  const blank = '____________________';
  const title = caption.title ?? "Respondent's Submission of Country Conditions Evidence";
  const servedOn = service.servedOn ?? 'DHS/ICE Office of the Principal Legal Advisor';
  // ECAS serves through the case's electronic record, so it needs no address; any other method does, and a
  // blank is left to fill in rather than a certificate that does not say where.
  const address = service.address
    ? ` at ${service.address.replace(/\r?\n/g, ', ')}`
    : service.method === 'ECAS electronic service'
      ? ''
      : ` at ${blank}`;
  const matter = caption.respondent
    ? `In the Matter of ${caption.respondent}${caption.aNumber ? `, File No. ${caption.aNumber}` : ''}`
    : null;
  const paragraphs: Paragraph[] = [
    { runs: [{ text: 'CERTIFICATE OF SERVICE', font: 'bold' }], size: 14, align: 'center' },
    ...(matter ? [{ runs: [{ text: matter }], size: 11, align: 'center' as const, before: 6 }] : []),
    {
      // What 8 C.F.R. § 1003.32(a) asks for: service on the opposing party on a date certain. The filing is
      // named with its tabs and every page, so nothing is left to "any attached pages".
      runs: [
        {
          text: `I, ${caption.filer?.name ?? blank}, certify that on ${service.date ? longDate(service.date) : blank}, I served a complete copy of this ${title} (${tabsSpan(plan)}, pages 1–${plan.total}, this certificate included) on ${servedOn}${address} by ${service.method ?? blank}.`,
        },
      ],
      size: 12,
      before: 30,
    },
  ];
  drawParagraphs(page, plan, paragraphs, {
    x: MARGIN,
    width: LETTER[0] - 2 * MARGIN,
    top: 792 - 120,
    bottom: 480,
  });
  const m = plan.measurer;
  const signatureY = 420;
  for (const [x, label] of [
    [MARGIN, 'Signature'],
    [MARGIN + 300, 'Date'],
  ] as const) {
    page.drawLine({ start: { x, y: signatureY }, end: { x: x + 200, y: signatureY }, thickness: 0.75 });
    drawText(page, m, label, { x, y: signatureY - 14, size: 10 });
  }
  if (caption.filer?.name) drawText(page, m, caption.filer.name, { x: MARGIN, y: signatureY - 34, size: 12 });
  return page;
}

/** The packet as one PDF. */
export async function buildPacket(deps: PacketDeps, request: ExhibitRequest): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const plan = await planPacket(deps, request, pdf);
  drawCover(pdf, plan);
  const front = [pdf.getPage(0), ...drawIndex(pdf, plan)];
  front.forEach((page, i) => {
    stamp(page, plan.measurer, i + 1, plan.total);
  });
  for (const exhibit of plan.exhibits) {
    const divider = pdf.addPage(LETTER);
    stamp(divider, plan.measurer, exhibit.divider, plan.total, exhibit.tab);
    for (const part of exhibit.parts) {
      if (part.render.kind === 'original') await drawOriginal(deps, pdf, plan, exhibit, part);
      else drawTypeset(pdf, plan, exhibit, part);
    }
    // Drawn last: it lists what could not be marked on the original pages.
    drawDivider(divider, plan, exhibit);
  }
  if (plan.certificate !== null)
    stamp(drawCertificate(pdf, plan), plan.measurer, plan.certificate, plan.total);
  if (pdf.getPageCount() !== plan.total) {
    throw new Error(`packet has ${pdf.getPageCount()} pages but ${plan.total} were planned`);
  }
  const caption = request.caption;
  pdf.setTitle(caption?.title ?? "Respondent's Submission of Country Conditions Evidence");
  if (caption?.respondent)
    pdf.setSubject(`In the Matter of ${caption.respondent}${caption.aNumber ? `, ${caption.aNumber}` : ''}`);
  pdf.setCreator('CountryCite');
  pdf.setProducer('CountryCite (pdf-lib)');
  return pdf.save({ useObjectStreams: true });
}
