/**
 * Builds a small report PDF with pdf-lib, laid out like the State Department PDFs: a title, section and
 * subsection headings in larger bold type, body text with wider gaps between paragraphs than between lines,
 * a running banner at the foot of every page and "Page N of M" at the top.
 */
import { PDFDocument, StandardFonts } from 'pdf-lib';

export type PdfPart = { heading: string; size: number } | { paragraph: string[] };

export async function reportPdf(title: string, parts: PdfPart[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const pages: ReturnType<typeof pdf.addPage>[] = [];
  let page = pdf.addPage([612, 792]);
  pages.push(page);
  let y = 700;
  const newPage = () => {
    page = pdf.addPage([612, 792]);
    pages.push(page);
    y = 700;
  };
  page.drawText(title, { x: 72, y, size: 22, font: bold });
  y -= 50;
  for (const part of parts) {
    if ('heading' in part) {
      if (y < 140) newPage();
      page.drawText(part.heading, { x: 72, y, size: part.size, font: bold });
      y -= part.size * 2.2;
      continue;
    }
    for (const line of part.paragraph) {
      if (y < 90) newPage();
      page.drawText(line, { x: 72, y, size: 12, font: regular });
      y -= 20;
    }
    y -= 12;
  }
  const total = pages.length;
  pages.forEach((p, i) => {
    p.drawText(`Page ${i + 1} of ${total}`, { x: 470, y: 740, size: 10, font: regular });
    p.drawText('Country Reports on Human Rights Practices for 2023', {
      x: 170,
      y: 50,
      size: 10,
      font: regular,
    });
    p.drawText('Test Department of State • Test Bureau', { x: 200, y: 36, size: 10, font: regular });
  });
  return pdf.save();
}
