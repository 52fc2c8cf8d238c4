/**
 * Deterministic ids. Re-indexing the same capture yields the same ids, so a citation link or a saved exhibit
 * keeps pointing at the same passage; ids only change when the words or the section of a passage change.
 */
import { createHash } from 'node:crypto';
import { DocumentIdString } from './contract.ts';

const SLUG_UNSAFE = /[^a-z0-9]+/g;

/** Lower-case ASCII slug: "Côte d'Ivoire" → "cote-d-ivoire". */
export function slugify(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(SLUG_UNSAFE, '-')
    .replace(/^-+|-+$/g, '');
}

/** A document is one edition of one publisher's report on one country (and, for thematic series, one part). */
export function documentId(parts: {
  source: string;
  country: string;
  edition: number;
  part?: string | null;
}): string {
  const segments = [slugify(parts.source), parts.country.toLowerCase(), String(parts.edition)];
  if (parts.part) segments.push(slugify(parts.part));
  return DocumentIdString.parse(segments.join('_'));
}

/** Whitespace, Unicode form and case do not change what a passage says, so they do not change its id. */
export function normalizeForId(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
}

export function passageId(
  docId: string,
  sectionPath: readonly string[],
  text: string,
  occurrence = 1,
): string {
  // base64url may contain "-" and "_", both allowed in Meilisearch ids.
  const hash = createHash('sha256')
    .update(sectionPath.map(normalizeForId).join('\u001f'))
    .update('\u001e')
    .update(normalizeForId(text))
    .digest('base64url')
    .slice(0, 16);
  const suffix = occurrence > 1 ? `-${occurrence}` : '';
  return DocumentIdString.parse(`${docId}_${hash}${suffix}`);
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
