/**
 * The HTTP contract, as zod schemas from which validation and the OpenAPI document are both generated.
 * Later versions extend these shapes; they never remove or rename a field.
 */
import { z } from '@hono/zod-openapi';
import { GROUNDS } from '../core/contract.ts';
import { resolveCountry } from '../core/countries.ts';
import { loadTaxonomy } from '../core/taxonomy.ts';

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

const Slug = (example: string) =>
  z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, `expected ${example} (lower-case letters, digits and "-")`);

const Year = z.coerce
  .number({ error: 'expected a year such as 2023' })
  .int('expected a year such as 2023')
  .min(1900, 'expected a year such as 2023')
  .max(2200, 'expected a year such as 2023');

const taxonomy = loadTaxonomy();
/** Ids from core/taxonomy.yaml for error messages, so an example is always an id that exists. */
const examplesOf = (ids: { id: string }[]) =>
  ids
    .slice(0, 2)
    .map((t) => t.id)
    .join(' or ');
const TOPIC_EXAMPLES = examplesOf(taxonomy.topics);
const ELEMENT_EXAMPLES = examplesOf(taxonomy.elements);

export const COUNTRY_SCOPES = ['subject', 'exclusive', 'mentioned', 'either'] as const;
export const SORTS = ['relevance', 'newest', 'oldest'] as const;

/**
 * The one parser for boolean query parameters: exactly `true` or `false`. Anything else is a 400, so that
 * `facets=no` cannot be read one way here and another way elsewhere.
 */
export const BooleanParam = z
  .enum(['true', 'false'], { error: 'expected true or false' })
  .transform((v) => v === 'true');

export const SearchQuery = z
  .object({
    q: z.string().max(1000, 'the query is limited to 1000 characters').default('').openapi({
      description:
        'Words to find. `"exact phrase"` in double quotes matches the words side by side (a quote left open runs to the end); `-word` or `-"a phrase"` leaves out passages containing it. Taxonomy synonyms are applied (FGM finds female genital mutilation); a known term of several words ("Mara Salvatrucha") or a quoted synonym is searched as one unit in each of its spellings (MS-13). `rewrite` in the response says what was searched. Empty lists passages in report order.',
      example: 'police "domestic violence" -femicide',
    }),
    country: listOf(CountryParam).openapi({
      description:
        'Country, as ISO 3166-1 alpha-2 (or a name). Repeat or comma-separate for several (any of them). See `countryScope`.',
      example: ['GT'],
    }),
    countryScope: z
      .enum(COUNTRY_SCOPES, { error: `expected one of ${COUNTRY_SCOPES.join(', ')}` })
      .default('subject')
      .openapi({
        description:
          'How `country` applies. `subject` (default): passages of reports about the country. `exclusive`: only passages about the country that name no other country. `mentioned`: passages of reports about other countries that name it (e.g. a Mexico report on Guatemalan migrants). `either`: subject or mentioned.',
      }),
    ground: listOf(z.enum(GROUNDS, { error: `expected one of ${GROUNDS.join(', ')}` })).openapi({
      description: 'Protected ground the passage bears on. Repeat for several (any of them).',
    }),
    topic: listOf(Slug(`a topic id such as ${TOPIC_EXAMPLES}`)).openapi({
      description: 'Topic id from the taxonomy (see `facets.topic`). Repeat for several (any of them).',
    }),
    element: listOf(Slug(`a legal element id such as ${ELEMENT_EXAMPLES}`)).openapi({
      description:
        'Legal element id from the taxonomy, e.g. unable or unwilling to protect (see `facets.element`). Repeat for several (any of them).',
    }),
    source: listOf(Slug('a source id such as us-dos-hrr')).openapi({
      description: 'Only these sources (ids as in /api/sources). Repeat for several.',
    }),
    excludeSource: listOf(Slug('a source id such as us-dos-hrr')).openapi({
      description: 'Leave these sources out (ids as in /api/sources). Repeat for several.',
    }),
    edition: Year.optional().openapi({
      description:
        'Edition (the year a report covers). Setting it searches that edition whether or not it is the latest.',
    }),
    editionFrom: Year.optional().openapi({
      description: 'Earliest edition to search (inclusive). A range searches historical editions too.',
    }),
    editionTo: Year.optional().openapi({ description: 'Latest edition to search (inclusive).' }),
    latest: BooleanParam.optional().openapi({
      description:
        'Latest editions only (default true unless `edition`, `editionFrom` or `editionTo` is given). When the latest editions have no match but older ones do, the older matches are returned and `editions.showingHistorical` is true.',
    }),
    sort: z
      .enum(SORTS, { error: `expected one of ${SORTS.join(', ')}` })
      .default('relevance')
      .openapi({
        description:
          '`relevance` (default; report order when `q` is empty), `newest` or `oldest` edition first. Date order applies among passages matching as many of the words.',
      }),
    facets: BooleanParam.default(true).openapi({
      description: 'Include facet counts for every filter (default true); false saves a little time.',
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
  })
  .superRefine((query, ctx) => {
    if (
      query.editionFrom !== undefined &&
      query.editionTo !== undefined &&
      query.editionFrom > query.editionTo
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['editionFrom'],
        message: `editionFrom (${query.editionFrom}) is after editionTo (${query.editionTo}); swap them`,
      });
    }
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
    snippet: z.string().openapi({
      description:
        'About 40 words of the text where the query matches best, as HTML like `highlighted` (… where text was cut).',
    }),
    country: z.string().openapi({ description: 'ISO 3166-1 alpha-2 of the subject country.', example: 'GT' }),
    countryName: z.string(),
    mentions: z.array(z.string()).openapi({ description: 'Other countries named in the passage.' }),
    edition: z.number().int(),
    editionLabel: z.string().openapi({
      description: 'How to name the edition in a brief.',
      example: '2023 edition (historical; superseded by the 2024 edition)',
    }),
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
    mode: z.enum(['latest', 'all', 'edition']).openapi({
      description:
        '`latest` editions only (the default), `all` editions (latest=false), or an `edition` or edition range.',
    }),
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

export const FacetValue = z
  .object({
    value: z.string().openapi({ description: 'The value to pass back as the filter parameter.' }),
    label: z.string(),
    count: z.number().int().openapi({ description: 'Matching passages with this value.' }),
  })
  .openapi('FacetValue');
export type FacetValue = z.infer<typeof FacetValue>;

export const FACET_NAMES = [
  'country',
  'mentions',
  'source',
  'ground',
  'topic',
  'element',
  'edition',
  'latest',
] as const;
export type FacetName = (typeof FACET_NAMES)[number];

export const Facets = z
  .object(
    Object.fromEntries(FACET_NAMES.map((name) => [name, z.array(FacetValue)])) as Record<
      FacetName,
      z.ZodArray<typeof FacetValue>
    >,
  )
  .openapi('Facets', {
    description:
      "Counts for every filter, most frequent first. Each filter's counts ignore that filter itself (so they show what choosing another value would give) but apply all the others; `edition` also ignores `latest`. `mentions` counts passages naming each other country.",
  });
export type Facets = z.infer<typeof Facets>;

export const QueryRewriteNotice = z
  .object({
    searched: z.string().openapi({
      description:
        'The query as searched; when a term is searched in several spellings, one query per spelling, separated by " | ".',
    }),
    ignored: z.array(z.string()).openapi({ description: 'Words no passage contains in any form; left out.' }),
    olderOnly: z.array(z.string()).openapi({
      description:
        'Those of `ignored` that older editions contain: only the latest editions were searched (set latest=false to search them all).',
    }),
    replaced: z
      .array(z.object({ word: z.string(), with: z.string() }))
      .openapi({ description: 'Words replaced by the form passages use, e.g. stripping → stripped.' }),
    rare: z.array(z.string()).openapi({
      description: 'Words few passages contain: passages with them come first, then passages without them.',
    }),
    terms: z.array(z.object({ term: z.string(), spellings: z.array(z.string()) })).openapi({
      description:
        'Known terms of the taxonomy ("Mara Salvatrucha", "domestic violence", or any quoted synonym) searched as one unit: as the phrase of each spelling that passages use.',
    }),
    required: z.array(z.array(z.string())).openapi({
      description:
        'What every result contains, for each step of the search (strictest first; with rare words, the results of each step follow those of the one before): its phrases and terms, or else its rarest word.',
    }),
    notice: z.string().openapi({ description: 'All of the above in plain words, for display.' }),
  })
  .openapi('QueryRewrite');

export const SearchResponse = z
  .object({
    hits: z.array(Hit),
    estimatedTotalHits: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    query: z.string(),
    rewrite: QueryRewriteNotice.nullable().openapi({
      description:
        'Set when a word of `q` occurs in no passage and was replaced by another form of it, or left out.',
    }),
    sort: z.enum(SORTS),
    processingTimeMs: z.number(),
    editions: EditionsNotice,
    facets: Facets.nullable().openapi({ description: 'Null when the request set facets=false.' }),
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

export const SourceProfile = z
  .object({
    id: z.string().openapi({ example: 'us-dos-hrr' }),
    name: z.string(),
    publisher: z.string(),
    office: z.string().nullable(),
    series: z.string(),
    homepage: z.string(),
    language: z.string(),
    cadence: z.enum(['annual', 'biennial', 'irregular', 'continuous']),
    publicationLagYears: z
      .number()
      .int()
      .openapi({ description: 'Years between the period a report covers and its publication.' }),
    license: z.object({
      id: z.string(),
      name: z.string(),
      url: z.string().nullable(),
      display: z.enum(['full-text', 'snippet']).openapi({
        description:
          '`snippet`: only a short excerpt of each passage is shown, with a link to the publisher.',
      }),
      commercialUse: z.boolean(),
      notice: z.string().nullable(),
    }),
    legalWeight: z
      .string()
      .nullable()
      .openapi({ description: 'Why an adjudicator gives this source weight, with the authority.' }),
    caveats: z.array(z.string()).openapi({ description: 'What to keep in mind when citing this source.' }),
    citation: z.object({
      author: z.string().openapi({ description: 'Author as cited in a full citation.' }),
      short: z.string().openapi({ description: 'Short-form template ({country}, {edition}).' }),
    }),
    coverage: z
      .object({
        documents: z.number().int(),
        passages: z.number().int(),
        countries: z.array(z.string()).openapi({ description: 'ISO codes of the countries held.' }),
        editions: z.array(z.number().int()).openapi({ description: 'Editions held, newest first.' }),
      })
      .nullable()
      .openapi({ description: 'What the index holds from this source; null when the index cannot be read.' }),
  })
  .openapi('SourceProfile');
export type SourceProfile = z.infer<typeof SourceProfile>;

export const SourcesResponse = z.object({ sources: z.array(SourceProfile) }).openapi('SourcesResponse');

export const CountrySummary = z
  .object({
    code: z.string().openapi({ example: 'HN' }),
    name: z.string().openapi({ example: 'Honduras' }),
    documents: z.number().int().openapi({ description: 'Reports held about the country (all editions).' }),
    passages: z.number().int().openapi({ description: 'Passages of those reports, all editions.' }),
    latestPassages: z.number().int().openapi({ description: 'Passages of the latest editions.' }),
    mentionedIn: z.number().int().openapi({
      description: 'Passages of reports about other countries that name this one (see countryScope).',
    }),
    editions: z.array(z.number().int()).openapi({ description: 'Editions held, newest first.' }),
    sources: z.array(z.string()).openapi({ description: 'Source ids with a report about the country.' }),
  })
  .openapi('CountrySummary');
export type CountrySummary = z.infer<typeof CountrySummary>;

export const CountriesResponse = z
  .object({ countries: z.array(CountrySummary) })
  .openapi('CountriesResponse');
