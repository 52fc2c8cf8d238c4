/**
 * Outlined paragraphs → Passage records (the core contract): bounded in words, with deterministic ids,
 * country mentions and explainable tags.
 */
import {
  type Document,
  type DocumentFormat,
  type Ground,
  type OutlineEntry,
  type Passage,
  SharedDocumentFields,
} from '../core/contract.ts';
import { findCountryMentions } from '../core/countries.ts';
import { passageId } from '../core/ids.ts';
import { pagesOfSpan } from './extract/blocks.ts';
import type { OutlinedParagraph } from './outline.ts';
import { splitSentences } from './sentences.ts';
import type { Tagger } from './tag.ts';

/** A passage is about a paragraph; longer paragraphs are cut at sentence ends into parts of at most this. */
export const MAX_PASSAGE_WORDS = 220;

/** Bumped whenever extraction, segmentation or tagging changes, so unchanged captures are re-indexed. */
export const INDEXER_VERSION = 6;

export interface DocumentMeta extends SharedDocumentFields {
  documentId: string;
  format: DocumentFormat;
  pages: number | null;
  /** Capture hash + indexer version: which extraction a passage came from. */
  revision: string;
}

const wordCount = (s: string) => s.split(/\s+/).filter(Boolean).length;

/** Cuts a long paragraph into runs of whole sentences of roughly equal size, each at most `max` words. */
export function splitLongParagraph(text: string, max = MAX_PASSAGE_WORDS): string[] {
  const total = wordCount(text);
  if (total <= max) return [text];
  const sentences = splitSentences(text);
  const parts = Math.ceil(total / max);
  const target = total / parts;
  const result: string[] = [];
  let current: string[] = [];
  let words = 0;
  for (const sentence of sentences) {
    const n = wordCount(sentence);
    if (current.length > 0 && (words + n > max || words >= target)) {
      result.push(current.join(' '));
      current = [];
      words = 0;
    }
    current.push(sentence);
    words += n;
  }
  if (current.length) result.push(current.join(' '));
  return result;
}

/** The parts of a paragraph with where each lies in it, for the pages of a part. */
function partsWithOffsets(text: string): { text: string; start: number; end: number }[] {
  let cursor = 0;
  return splitLongParagraph(text).map((part) => {
    const start = Math.max(cursor, text.indexOf(part.slice(0, 40), cursor));
    cursor = start + part.length;
    return { text: part, start, end: cursor };
  });
}

export function buildPassages(
  meta: DocumentMeta,
  paragraphs: OutlinedParagraph[],
  tagger: Tagger,
): Passage[] {
  const passages: Passage[] = [];
  const shared = SharedDocumentFields.parse(meta);
  const seen = new Map<string, number>();
  for (const paragraph of paragraphs) {
    for (const { text, start, end } of partsWithOffsets(paragraph.text)) {
      const { page, pageEnd } = pagesOfSpan(paragraph.page, paragraph.pageBreaks, start, end);
      const key = `${paragraph.sectionPath.join('\u001f')}\u001e${text}`;
      const occurrence = (seen.get(key) ?? 0) + 1;
      seen.set(key, occurrence);
      const matches = tagger.tag(text, paragraph.sectionPath);
      passages.push({
        id: passageId(meta.documentId, paragraph.sectionPath, text, occurrence),
        documentId: meta.documentId,
        ...shared,
        mentions: findCountryMentions(text)
          .map((m) => m.code)
          .filter((code) => code !== meta.country),
        anchor: paragraph.anchor,
        page,
        pageEnd,
        sectionPath: paragraph.sectionPath,
        paragraph: paragraph.paragraph,
        order: passages.length,
        text,
        grounds: matches.filter((m) => m.axis === 'ground').map((m) => m.tag as Ground),
        topics: matches.filter((m) => m.axis === 'topic').map((m) => m.tag),
        elements: matches.filter((m) => m.axis === 'element').map((m) => m.tag),
        matches,
        revision: meta.revision,
      });
    }
  }
  return passages;
}

/** The document record: metadata plus its outline (each section with its first passage and page). */
export function buildDocument(
  meta: DocumentMeta,
  passages: Passage[],
  indexerVersion = INDEXER_VERSION,
): Document {
  const outlineEntries: OutlineEntry[] = [];
  const byPath = new Map<string, OutlineEntry>();
  for (const p of passages) {
    // Every prefix of the path is a section of the outline.
    for (let depth = 1; depth <= p.sectionPath.length; depth++) {
      const sectionPath = p.sectionPath.slice(0, depth);
      const key = sectionPath.join('\u001f');
      let entry = byPath.get(key);
      if (!entry) {
        entry = { sectionPath, firstPassage: p.order, passages: 0, page: p.page };
        byPath.set(key, entry);
        outlineEntries.push(entry);
      }
      entry.passages++;
    }
  }
  return {
    id: meta.documentId,
    ...SharedDocumentFields.parse(meta),
    format: meta.format,
    pages: meta.pages,
    passages: passages.length,
    outline: outlineEntries,
    indexerVersion,
  };
}
