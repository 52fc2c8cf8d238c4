/** Picks the extractor for a capture's format. */
import type { DocumentFormat } from '../../core/contract.ts';
import type { Extracted } from './blocks.ts';
import { extractHtml } from './html.ts';
import { extractPdf } from './pdf.ts';
import { extractText } from './text.ts';

export { ExtractionError } from './pdf.ts';

export async function extract(format: DocumentFormat, body: Uint8Array): Promise<Extracted> {
  switch (format) {
    case 'pdf':
      return extractPdf(body);
    case 'html':
      return extractHtml(new TextDecoder('utf-8').decode(body));
    case 'text':
      return extractText(new TextDecoder('utf-8').decode(body));
  }
}

/** Format from the capture's declared format, its content type, or its URL. */
export function formatOf(
  declared: DocumentFormat | null,
  contentType: string | null,
  url: string,
): DocumentFormat | null {
  if (declared) return declared;
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/pdf') return 'pdf';
  if (type === 'text/html' || type === 'application/xhtml+xml') return 'html';
  if (type === 'text/plain') return 'text';
  const path = new URL(url).pathname.toLowerCase();
  if (path.endsWith('.pdf')) return 'pdf';
  if (path.endsWith('.txt')) return 'text';
  if (path.endsWith('.html') || path.endsWith('.htm') || path.endsWith('/')) return 'html';
  return null;
}
