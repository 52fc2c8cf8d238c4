/**
 * The HTTP contract, as zod schemas from which validation and the OpenAPI document are both generated.
 * Later versions extend these shapes; they never remove or rename a field.
 */
import { z } from '@hono/zod-openapi';
import { GROUNDS } from '../core/contract.ts';
import { resolveCountry } from '../core/countries.ts';

/** Accepts `?country=GT&country=HN` and `?country=GT,HN` alike. */
function listOf<T extends z.ZodType>(item: T) {
  return z.preprocess((value) => {
    if (value === undefined || value === '') return undefined;
    const list = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(','));
    const clean = list.map((v) => v.trim()).filter(Boolean);
    return clean.length ? clean : undefined;
  }, z.array(item).optional());
}

const CountryParam = z.string().transform((value, ctx) => {
  const code = resolveCountry(value);
  if (!code) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not a country; use an ISO 3166-1 alpha-2 code such as GT, or a name such as Guatemala`,
    });
    return z.NEVER;
  }
  return code;
});

const BooleanParam = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const SearchQuery = z.object({
  q: z.string().max(1000, 'the query is limited to 1000 characters').default('').openapi({
    description: 'Words to find. Empty lists passages in report order.',
    example: 'femicide',
  }),
  country: listOf(CountryParam).openapi({
    description:
      'Subject country of the report, as ISO 3166-1 alpha-2 (or a name). Repeat or comma-separate for several.',
    example: ['GT'],
  }),
  ground: listOf(z.enum(GROUNDS, { error: `expected one of ${GROUNDS.join(', ')}` })).openapi({
    description: 'Protected ground the passage bears on. Repeat for several (any of them).',
  }),
  source: listOf(z.string().regex(/^[a-z0-9-]+$/, 'expected a source id such as us-dos-hrr')).openapi({
    description: 'Source id from /sources.yaml, e.g. us-dos-hrr. Repeat for several.',
  }),
  edition: z.coerce
    .number({ error: 'expected a year such as 2023' })
    .int('expected a year such as 2023')
    .min(1900, 'expected a year such as 2023')
    .max(2200, 'expected a year such as 2023')
    .optional()
    .openapi({
      description:
        'Edition (the year a report covers). Setting it searches that edition whether or not it is the latest.',
    }),
  latest: BooleanParam.optional().openapi({
    description:
      'Latest editions only (default true unless `edition` is given). When the latest editions have no match but older ones do, the older matches are returned and `editions.showingHistorical` is true.',
  }),
  limit: z.coerce
    .number({ error: 'expected a number from 1 to 100' })
    .int('expected a whole number')
    .min(1, 'expected a number from 1 to 100')
    .max(100, 'expected a number from 1 to 100')
    .default(20),
  offset: z.coerce
    .number({ error: 'expected a number from 0 to 1000' })
    .int('expected a whole number')
    .min(0, 'expected a number from 0 to 1000')
    .max(1000, 'results stop at 1000; narrow the search instead')
    .default(0),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

export const Citation = z
  .object({
    full: z.string().openapi({ description: 'Full form for a first cite or an exhibit index (plain text).' }),
    short: z.string().openapi({ description: 'Short form for later cites.' }),
    fullHtml: z
      .string()
      .openapi({ description: 'Full form with the title in <i>; everything else escaped.' }),
    pin: z.string().openapi({
      description:
        'Pin cite as it follows the short title, in the form the series is cited by: section and, for PDFs, page ("§ 6 (“Women”), at 41"), numbered paragraph ("¶ 3.1.2"), indicator ("D1") or page ("at 34").',
    }),
    shortHtml: z.string().openapi({ description: 'Short form with the short title in <i>.' }),
    url: z.string().openapi({ description: 'The URL cited, with the section fragment when there is one.' }),
    lastVisited: z
      .string()
      .openapi({ description: 'Date of the capture the passage was read from, as cited ("Mar. 3, 2026").' }),
  })
  .openapi('Citation');

export const TagMatch = z.object({
  axis: z.enum(['ground', 'topic', 'element']),
  tag: z.string(),
  terms: z.array(z.string()),
});

export const Hit = z
  .object({
    id: z.string().openapi({ example: 'us-dos-hrr_gt_2023_5Fa42tpwEHtM1_om' }),
    documentId: z.string(),
    text: z
      .string()
      .openapi({ description: 'Passage text (a snippet when the source licence allows no more).' }),
    highlighted: z
      .string()
      .openapi({ description: 'The text as HTML: <mark> around matches, everything else escaped.' }),
    snippet: z
      .string()
      .openapi({ description: 'About 40 words around the first match, as HTML like `highlighted`.' }),
    country: z.string().openapi({ description: 'ISO 3166-1 alpha-2 of the subject country.', example: 'GT' }),
    countryName: z.string(),
    mentions: z.array(z.string()).openapi({ description: 'Other countries named in the passage.' }),
    edition: z.number().int(),
    latest: z.boolean(),
    supersededBy: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'Newer edition of the same report, if held.' }),
    source: z.string(),
    publisher: z.string(),
    series: z.string(),
    title: z.string(),
    publishedAt: z.string().nullable(),
    sectionPath: z.array(z.string()),
    paragraph: z.number().int(),
    page: z.number().int().nullable(),
    pageEnd: z.number().int().nullable(),
    url: z.string().openapi({ description: 'Where the publisher has the document.' }),
    anchor: z.string().nullable(),
    permalink: z.string().openapi({ description: 'Stable CountryCite link to this passage.' }),
    grounds: z.array(z.enum(GROUNDS)),
    topics: z.array(z.string()),
    elements: z.array(z.string()),
    matches: z.array(TagMatch).openapi({ description: 'The terms that produced each tag.' }),
    license: z.object({
      id: z.string(),
      display: z.enum(['full-text', 'snippet']),
      notice: z.string().nullable(),
    }),
    capture: z.object({ sha256: z.string(), fetchedAt: z.string() }),
    citation: Citation,
  })
  .openapi('Hit');
export type Hit = z.infer<typeof Hit>;

export const EditionsNotice = z
  .object({
    mode: z.enum(['latest', 'all', 'edition']),
    olderEditionHits: z
      .number()
      .int()
      .openapi({ description: 'Matches in superseded editions that the latest-only results leave out.' }),
    showingHistorical: z.boolean().openapi({
      description: 'True when no latest edition matched and these hits come from older editions.',
    }),
    notice: z.string().nullable(),
  })
  .openapi('EditionsNotice');

export const SearchResponse = z
  .object({
    hits: z.array(Hit),
    estimatedTotalHits: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    query: z.string(),
    processingTimeMs: z.number(),
    editions: EditionsNotice,
  })
  .openapi('SearchResponse');
export type SearchResponse = z.infer<typeof SearchResponse>;

export const PassageResponse = Hit.extend({
  previous: z
    .string()
    .nullable()
    .openapi({ description: 'Id of the passage before this one in the document.' }),
  next: z.string().nullable().openapi({ description: 'Id of the passage after this one in the document.' }),
}).openapi('Passage');
export type PassageResponse = z.infer<typeof PassageResponse>;

export const Health = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    meilisearch: z.enum(['available', 'unreachable']),
    passages: z.number().int().nullable(),
    documents: z.number().int().nullable(),
    version: z.string(),
  })
  .openapi('Health');
