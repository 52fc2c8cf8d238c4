/**
 * The one data contract. Every stage and every test imports these schemas; nothing re-declares the fields.
 * Types are inferred from the schemas so the runtime check and the compile-time type can never drift.
 */
import { z } from 'zod';

export const GROUNDS = [
  'race',
  'religion',
  'nationality',
  'particular-social-group',
  'political-opinion',
] as const;
export const Ground = z.enum(GROUNDS);
export type Ground = z.infer<typeof Ground>;

/** ISO 3166-1 alpha-2, upper case. */
export const CountryCode = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as GT');

/** Meilisearch document ids: [A-Za-z0-9_-], at most 511 bytes. */
export const DocumentIdString = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/, 'only letters, digits, "-" and "_"')
  .max(511);

export const TagAxis = z.enum(['ground', 'topic', 'element']);
export type TagAxis = z.infer<typeof TagAxis>;

/** Why a passage carries a tag: the terms (as they appear in the text) that produced it. */
export const TagMatch = z.object({
  axis: TagAxis,
  tag: z.string(),
  terms: z.array(z.string()).min(1),
});
export type TagMatch = z.infer<typeof TagMatch>;

/** Provenance of the bytes a passage was read from. */
export const CaptureRef = z.object({
  sha256: z.string().regex(/^[a-f0-9]{64}$/),
  fetchedAt: z.string().datetime(),
});
export type CaptureRef = z.infer<typeof CaptureRef>;

export const DocumentFormat = z.enum(['pdf', 'html', 'text']);
export type DocumentFormat = z.infer<typeof DocumentFormat>;

/** Fields a passage shares with the document it belongs to. */
const DocumentFields = {
  source: z.string().min(1),
  publisher: z.string().min(1),
  series: z.string().min(1),
  title: z.string().min(1),
  country: CountryCode,
  edition: z.number().int().min(1900).max(2200),
  /** ISO date or a bare year ("2024") when only the year is known. */
  publishedAt: z.string().nullable(),
  url: z.string().url(),
  language: z.string().min(2),
  license: z.string().min(1),
  latest: z.boolean(),
  /** Edition of the same report that replaces this one, when the archive holds it. */
  supersededBy: z.number().int().nullable(),
  capture: CaptureRef,
};

/** The fields every passage repeats from its document; parsing picks exactly these from a larger object. */
export const SharedDocumentFields = z.object(DocumentFields);
export type SharedDocumentFields = z.infer<typeof SharedDocumentFields>;

export const Passage = z.object({
  id: DocumentIdString,
  documentId: DocumentIdString,
  ...DocumentFields,
  /** Other countries named in the passage (ISO alpha-2), excluding the subject country. */
  mentions: z.array(CountryCode),
  /** Fragment id in the source page when the format has one (HTML headings). */
  anchor: z.string().nullable(),
  /** First PDF page the passage appears on (1-based), null for HTML and text. */
  page: z.number().int().positive().nullable(),
  /** Last PDF page, equal to `page` unless the passage runs over a page break. */
  pageEnd: z.number().int().positive().nullable(),
  sectionPath: z.array(z.string().min(1)),
  /** 1-based ordinal of the paragraph within its section. */
  paragraph: z.number().int().positive(),
  /** 0-based position of the passage in the whole document, for previous/next navigation. */
  order: z.number().int().nonnegative(),
  text: z.string().min(1),
  grounds: z.array(Ground),
  topics: z.array(z.string()),
  elements: z.array(z.string()),
  matches: z.array(TagMatch),
  /** Which extraction produced this passage (capture hash + indexer version); stale revisions are deleted. */
  revision: z.string().min(1),
});
export type Passage = z.infer<typeof Passage>;

export const OutlineEntry = z.object({
  sectionPath: z.array(z.string()),
  /** `order` of the first passage in this section. */
  firstPassage: z.number().int().nonnegative(),
  passages: z.number().int().nonnegative(),
  page: z.number().int().positive().nullable(),
});
export type OutlineEntry = z.infer<typeof OutlineEntry>;

export const Document = z.object({
  id: DocumentIdString,
  ...DocumentFields,
  format: DocumentFormat,
  pages: z.number().int().positive().nullable(),
  passages: z.number().int().nonnegative(),
  outline: z.array(OutlineEntry),
  /** Version of the indexer that produced the passages; a newer indexer re-indexes unchanged captures. */
  indexerVersion: z.number().int().positive(),
});
export type Document = z.infer<typeof Document>;
