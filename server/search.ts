/**
 * Search and passage look-up over Meilisearch, mapped to the HTTP contract. Everything the browser sees
 * comes through here: the Meilisearch key stays in this process, filter values are validated before they
 * reach a filter expression, and passage text is escaped with our own <mark> tags put back afterwards.
 */
import { z } from '@hono/zod-openapi';
import type { Hits, SearchResponse as MeiliSearchResponse, Meilisearch, MultiSearchQuery } from 'meilisearch';
import { bluebookDate, citePassage } from '../core/citation.ts';
import { Passage } from '../core/contract.ts';
import { countryByCode } from '../core/countries.ts';
import { meilisearchErrorCode } from '../core/meilisearch-http.ts';
import { HIGHLIGHT_POST, HIGHLIGHT_PRE, type IndexNames } from '../core/search-index.ts';
import type { SourceRegistry } from '../core/sources.ts';
import { loadTaxonomy, type Taxonomy } from '../core/taxonomy.ts';
import { searchSynonyms } from '../indexer/settings.ts';
import { HttpProblem } from './problem.ts';
import {
  type CascadeStep,
  findTerms,
  planQuery,
  type QueryPlan,
  type QueryToken,
  queryTokens,
  RARE_BELOW,
  STOP_WORDS,
  wordForms,
} from './query.ts';
import {
  FACET_NAMES,
  type FacetName,
  type Facets,
  type FacetValue,
  type Hit,
  type PassageResponse,
  type SearchQuery,
  type SearchResponse,
} from './schemas.ts';

export interface SearchDeps {
  client: Meilisearch;
  indexes: IndexNames;
  sources: SourceRegistry;
  /** Labels and ids of topics and legal elements; core/taxonomy.yaml when not given. */
  taxonomy?: Taxonomy;
}

const taxonomyOf = (deps: SearchDeps): Taxonomy => deps.taxonomy ?? loadTaxonomy();

const synonymsByTaxonomy = new WeakMap<Taxonomy, Record<string, string[]>>();
/** The index's synonyms (the same function builds them for the settings), to find known terms in a query. */
function synonymsOf(deps: SearchDeps): Record<string, string[]> {
  const taxonomy = taxonomyOf(deps);
  const known = synonymsByTaxonomy.get(taxonomy) ?? (searchSynonyms(taxonomy) as Record<string, string[]>);
  synonymsByTaxonomy.set(taxonomy, known);
  return known;
}

const SNIPPET_WORDS = 40;

/** Meilisearch considers the first 10 terms of a query. */
const MAX_QUERY_WORDS = 10;
/** Words whose other forms are counted, rarest first. */
const MAX_FORM_GUESSES = 3;

/**
 * When not every query word matches, drop the most common words first (Meilisearch's `frequency`), not the
 * last ones typed (`last`, the default): "forced gang recruitment of children" keeps "recruitment" rather
 * than "children". On the eval (npm run eval:search) it is the largest single gain: nDCG@10 0.43 → 0.54
 * on top of the query as typed, and 0.52 instead of 0.70 when left out of the final setup.
 */
const MATCHING = 'frequency' as const;

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** Escapes crawled text, then turns our private-use highlight markers into <mark> tags. */
export function markHighlights(withMarkers: string): string {
  return escapeHtml(withMarkers).replaceAll(HIGHLIGHT_PRE, '<mark>').replaceAll(HIGHLIGHT_POST, '</mark>');
}

/** About `words` words around the first highlight, with an ellipsis where text was cut. */
export function snippetAround(withMarkers: string, words = SNIPPET_WORDS): string {
  const tokens = withMarkers.split(/\s+/);
  const first = Math.max(
    0,
    tokens.findIndex((t) => t.includes(HIGHLIGHT_PRE)),
  );
  const start = Math.max(0, first - Math.floor(words / 3));
  const end = Math.min(tokens.length, start + words);
  let piece = tokens.slice(start, end).join(' ');
  // Never cut inside a highlight.
  if (piece.lastIndexOf(HIGHLIGHT_PRE) > piece.lastIndexOf(HIGHLIGHT_POST)) piece += HIGHLIGHT_POST;
  if (piece.indexOf(HIGHLIGHT_POST) >= 0 && piece.indexOf(HIGHLIGHT_POST) < piece.indexOf(HIGHLIGHT_PRE)) {
    piece = HIGHLIGHT_PRE + piece;
  }
  return `${start > 0 ? '… ' : ''}${piece}${end < tokens.length ? ' …' : ''}`;
}

const MatchPosition = z.object({ start: z.number().int().min(0), length: z.number().int().min(0) });
const SearchExtras = z.object({
  _formatted: z.object({ text: z.string().optional() }).optional(),
  _matchesPosition: z.object({ text: z.array(MatchPosition).optional() }).optional(),
});

/**
 * Puts highlight markers around the matches Meilisearch reports in `text`. Its positions are UTF-8 byte
 * offsets, so the text is marked as bytes; overlapping or out-of-range positions are ignored.
 */
export function markMatches(text: string, positions: readonly { start: number; length: number }[]): string {
  const bytes = Buffer.from(text, 'utf8');
  let out = '';
  let at = 0;
  for (const { start, length } of [...positions].sort((a, b) => a.start - b.start)) {
    const end = start + length;
    if (start < at || end > bytes.length || length === 0) continue;
    out += `${bytes.subarray(at, start).toString('utf8')}${HIGHLIGHT_PRE}${bytes.subarray(start, end).toString('utf8')}${HIGHLIGHT_POST}`;
    at = end;
  }
  return out + bytes.subarray(at).toString('utf8');
}

/**
 * Meilisearch output is checked against the contract before we rely on it; a record that does not fit is
 * an index written by an older version, and the problem says how to fix it.
 */
export function parseIndexed<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpProblem(
      500,
      'Index out of date',
      `The search index holds ${what} that does not match the current data contract (${issue?.path.join('.')}: ${issue?.message}). Re-index with "countrycite index --force".`,
    );
  }
  return parsed.data;
}

const parsePassage = (raw: unknown): Passage => parseIndexed(Passage, raw, 'a passage');

export function editionLabel(passage: Pick<Passage, 'edition' | 'latest' | 'supersededBy'>): string {
  if (passage.latest) return `${passage.edition} edition (latest)`;
  return passage.supersededBy
    ? `${passage.edition} edition (historical; superseded by the ${passage.supersededBy} edition)`
    : `${passage.edition} edition (historical)`;
}

export function toHit(deps: SearchDeps, raw: Record<string, unknown>, origin: string): Hit {
  const passage = parsePassage(raw);
  const extras = SearchExtras.safeParse(raw);
  const positions = extras.success ? extras.data._matchesPosition?.text : undefined;
  const crop = extras.success ? extras.data._formatted?.text : undefined;
  const marked = positions ? markMatches(passage.text, positions) : passage.text;
  const source = deps.sources.get(passage.source);
  const snippetOnly = source?.license.display === 'snippet';
  const snippet = crop ?? snippetAround(marked);
  const shown = snippetOnly ? snippet : marked;
  const plain = (s: string) => s.replaceAll(HIGHLIGHT_PRE, '').replaceAll(HIGHLIGHT_POST, '');
  const citation = source
    ? citePassage(passage, source)
    : {
        full: `${passage.publisher}, ${passage.title} (${passage.edition}), ${passage.url}`,
        short: passage.title,
        fullHtml: escapeHtml(passage.title),
        shortHtml: `<i>${escapeHtml(passage.title)}</i>`,
        pin: '',
        url: passage.url,
        lastVisited: bluebookDate(passage.capture.fetchedAt),
      };
  return {
    id: passage.id,
    documentId: passage.documentId,
    text: plain(shown),
    highlighted: markHighlights(shown),
    snippet: markHighlights(snippet),
    country: passage.country,
    countryName: countryByCode(passage.country)?.name ?? passage.country,
    mentions: passage.mentions,
    edition: passage.edition,
    editionLabel: editionLabel(passage),
    latest: passage.latest,
    supersededBy: passage.supersededBy,
    source: passage.source,
    publisher: passage.publisher,
    series: passage.series,
    title: passage.title,
    publishedAt: passage.publishedAt,
    sectionPath: passage.sectionPath,
    paragraph: passage.paragraph,
    page: passage.page,
    pageEnd: passage.pageEnd,
    url: passage.url,
    anchor: passage.anchor,
    permalink: `${origin}/passages/${passage.id}`,
    grounds: passage.grounds,
    topics: passage.topics,
    elements: passage.elements,
    matches: passage.matches,
    license: {
      id: passage.license,
      display: snippetOnly ? 'snippet' : 'full-text',
      notice: source?.license.notice ?? null,
    },
    capture: passage.capture,
    citation,
  };
}

/**
 * A value as a Meilisearch filter string literal: inside double quotes, `\` and `"` are the only characters
 * with a meaning, and both are escaped, so no value can close the literal and add a condition. Values are
 * validated before they get here as well; this is the second wall.
 */
export function filterLiteral(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

const list = (values: readonly string[]) => `[${values.map(filterLiteral).join(', ')}]`;

/** The filters a facet's counts ignore: its own, so the counts show what choosing another value gives. */
type FilterGroup = 'country' | 'source' | 'ground' | 'topic' | 'element' | 'edition' | 'latest';

const FACET_ATTRIBUTE: Record<FacetName, string> = {
  country: 'country',
  mentions: 'mentions',
  source: 'source',
  ground: 'grounds',
  topic: 'topics',
  element: 'elements',
  edition: 'edition',
  latest: 'latest',
};

const FACET_IGNORES: Record<FacetName, FilterGroup[]> = {
  country: ['country'],
  mentions: [],
  source: ['source'],
  ground: ['ground'],
  topic: ['topic'],
  element: ['element'],
  // Which editions hold matches is the question the edition facet answers, latest-only or not.
  edition: ['edition', 'latest'],
  latest: ['latest'],
};

function unknownValues(
  parameter: string,
  values: readonly string[] | undefined,
  known: readonly string[],
  what: string,
): void {
  const unknown = (values ?? []).filter((v) => !known.includes(v));
  if (!unknown.length) return;
  throw new HttpProblem(
    400,
    'Invalid request',
    `Unknown ${what} ${unknown.map((v) => `"${v}"`).join(', ')}; known ${what}s: ${known.length ? known.join(', ') : '(none yet)'}.`,
    unknown.map((v) => ({ parameter, message: `unknown ${what} "${v}"` })),
  );
}

function countryFilter(codes: string[], scope: SearchQuery['countryScope']): string {
  switch (scope) {
    case 'subject':
      return `country IN ${list(codes)}`;
    case 'exclusive':
      return `country IN ${list(codes)} AND mentions IS EMPTY`;
    case 'mentioned':
      return `mentions IN ${list(codes)} AND country NOT IN ${list(codes)}`;
    case 'either':
      return `(country IN ${list(codes)} OR mentions IN ${list(codes)})`;
  }
}

/**
 * Filter expressions by group, from validated parameters only: countries are ISO codes, grounds an enum,
 * sources, topics and legal elements must be known ids, editions are integers.
 */
export function filterGroups(query: SearchQuery, deps: SearchDeps): Partial<Record<FilterGroup, string>> {
  const taxonomy = taxonomyOf(deps);
  const sourceIds = deps.sources.sources.map((s) => s.id);
  unknownValues('source', query.source, sourceIds, 'source');
  unknownValues('excludeSource', query.excludeSource, sourceIds, 'source');
  unknownValues(
    'topic',
    query.topic,
    taxonomy.topics.map((t) => t.id),
    'topic',
  );
  unknownValues(
    'element',
    query.element,
    taxonomy.elements.map((t) => t.id),
    'legal element',
  );
  const groups: Partial<Record<FilterGroup, string>> = {};
  if (query.country?.length) groups.country = countryFilter(query.country, query.countryScope);
  const sources = [
    query.source?.length ? `source IN ${list(query.source)}` : '',
    query.excludeSource?.length ? `source NOT IN ${list(query.excludeSource)}` : '',
  ].filter(Boolean);
  if (sources.length) groups.source = sources.join(' AND ');
  if (query.ground?.length) groups.ground = `grounds IN ${list(query.ground)}`;
  if (query.topic?.length) groups.topic = `topics IN ${list(query.topic)}`;
  if (query.element?.length) groups.element = `elements IN ${list(query.element)}`;
  const editions = [
    query.edition !== undefined ? `edition = ${query.edition}` : '',
    query.editionFrom !== undefined ? `edition >= ${query.editionFrom}` : '',
    query.editionTo !== undefined ? `edition <= ${query.editionTo}` : '',
  ].filter(Boolean);
  if (editions.length) groups.edition = editions.join(' AND ');
  return groups;
}

function sortOf(query: SearchQuery): string[] | undefined {
  const words = query.q.trim() !== '';
  // Without words there is nothing to rank: report order, newest edition first unless asked otherwise.
  if (query.sort === 'oldest') return words ? ['edition:asc'] : ['edition:asc', 'order:asc'];
  if (query.sort === 'newest' || !words) return words ? ['edition:desc'] : ['edition:desc', 'order:asc'];
  return undefined;
}

function hitsRequest(deps: SearchDeps, query: SearchQuery, filter: string[]): MultiSearchQuery {
  const sort = sortOf(query);
  return {
    indexUid: deps.indexes.passages,
    q: query.q,
    filter,
    limit: query.limit,
    offset: query.offset,
    // Cropping and highlighting on the passage text only: headings and titles are shown whole, and the
    // format stage's cost grows with every attribute formatted.
    attributesToHighlight: ['text'],
    attributesToCrop: ['text'],
    cropLength: SNIPPET_WORDS,
    cropMarker: '…',
    highlightPreTag: HIGHLIGHT_PRE,
    highlightPostTag: HIGHLIGHT_POST,
    // Byte ranges of the matches, to mark the whole text as well as the crop.
    showMatchesPosition: true,
    // To merge the queries of one cascade step (one per spelling of a term) in ranking order.
    showRankingScore: true,
    matchingStrategy: MATCHING,
    ...(sort ? { sort } : {}),
  };
}

function countRequest(deps: SearchDeps, q: string, filter: string[], facets: string[]): MultiSearchQuery {
  return {
    indexUid: deps.indexes.passages,
    q,
    filter,
    limit: 0,
    facets,
    matchingStrategy: MATCHING,
  };
}

/**
 * The hit requests for one universe: one per query of each step of the cascade (strictest first), each
 * for the first offset + limit hits, merged by `mergeHits`; a single request when there is no cascade.
 */
function hitRequests(
  deps: SearchDeps,
  query: SearchQuery,
  filter: string[],
  cascade: CascadeStep[],
): MultiSearchQuery[] {
  const queries = cascade.flat();
  if (queries.length < 2) return [hitsRequest(deps, { ...query, q: queries[0] ?? query.q }, filter)];
  const window = { offset: 0, limit: query.offset + query.limit };
  return queries.map((q) => ({ ...hitsRequest(deps, { ...query, q }, filter), ...window }));
}

const rankingScore = (hit: Record<string, unknown>) =>
  typeof hit._rankingScore === 'number' ? hit._rankingScore : 0;

/**
 * The hits of a cascade in order, each passage once, the page asked for cut out of them. `steps`: how many
 * of the results each step has (one per spelling of its terms); a step's results are merged by ranking
 * score, so the best passage using either spelling comes first.
 */
function mergeHits(query: SearchQuery, results: RawResult[], steps: number[]): RawResult {
  const lastStep = steps.at(-1) ?? 1;
  const last = results.slice(-lastStep);
  if (results.length < 2) return results[0] as RawResult;
  const seen = new Set<unknown>();
  const starts = steps.map((_, i) => steps.slice(0, i).reduce((n, size) => n + size, 0));
  const merged = steps
    .flatMap((size, i) => {
      const step = results.slice(starts[i], (starts[i] ?? 0) + size).flatMap((r) => r.hits);
      return size > 1 ? step.sort((a, b) => rankingScore(b) - rankingScore(a)) : step;
    })
    .filter((h) => !seen.has(h.id) && seen.add(h.id));
  // The stricter steps find fewer than RARE_BELOW passages each, all of them fetched; the last step finds
  // the rest, so its total plus what only the stricter ones found is the total (a passage using two
  // spellings of a term is counted twice: hence "estimated").
  const lastIds = new Set(last.flatMap((r) => r.hits.map((h) => h.id)));
  const onlyStricter = merged.filter((h) => !lastIds.has(h.id)).length;
  return {
    ...(results.at(-1) as RawResult),
    hits: merged.slice(query.offset, query.offset + query.limit),
    estimatedTotalHits: sumOf(last, (r) => r.estimatedTotalHits ?? 0) + onlyStricter,
  };
}

const sumOf = <T>(items: T[], value: (item: T) => number) => items.reduce((n, item) => n + value(item), 0);

/** Facet counts of the queries of one step, added up. */
function addDistributions(results: (RawResult | undefined)[], attribute: string): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const r of results) {
    for (const [value, count] of Object.entries(r?.facetDistribution?.[attribute] ?? {})) {
      sum[value] = (sum[value] ?? 0) + count;
    }
  }
  return sum;
}

/** Facet queries for one universe: facets sharing a filter share one count-only query. */
function facetPlan(
  groups: Partial<Record<FilterGroup, string>>,
): { filter: string[]; facets: FacetName[] }[] {
  const plan = new Map<string, { filter: string[]; facets: FacetName[] }>();
  for (const facet of FACET_NAMES) {
    const filter = Object.entries(groups)
      .filter(([group]) => !FACET_IGNORES[facet].includes(group as FilterGroup))
      .map(([, expression]) => expression as string);
    const key = JSON.stringify(filter);
    const entry = plan.get(key) ?? { filter, facets: [] };
    entry.facets.push(facet);
    plan.set(key, entry);
  }
  return [...plan.values()];
}

function facetLabel(deps: SearchDeps, facet: FacetName, value: string): string {
  const taxonomy = taxonomyOf(deps);
  switch (facet) {
    case 'country':
    case 'mentions':
      return countryByCode(value)?.name ?? value;
    case 'source':
      return deps.sources.get(value)?.name ?? value;
    case 'ground':
      return taxonomy.grounds.find((t) => t.id === value)?.label ?? value;
    case 'topic':
      return taxonomy.topics.find((t) => t.id === value)?.label ?? value;
    case 'element':
      return taxonomy.elements.find((t) => t.id === value)?.label ?? value;
    case 'edition':
      return `${value} edition`;
    case 'latest':
      return value === 'true' ? 'Latest editions' : 'Older, superseded editions';
  }
}

function facetValues(
  deps: SearchDeps,
  facet: FacetName,
  distribution: Record<string, number> | undefined,
): FacetValue[] {
  return Object.entries(distribution ?? {})
    .map(([value, count]) => ({ value, label: facetLabel(deps, facet, value), count }))
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

type RawResult = MeiliSearchResponse<Record<string, unknown>>;

async function multiSearch(deps: SearchDeps, queries: MultiSearchQuery[]): Promise<RawResult[]> {
  if (!queries.length) return [];
  const { results } = await engineCall(() => deps.client.multiSearch({ queries }));
  if (results.length !== queries.length) {
    throw new HttpProblem(502, 'Search engine error', 'Meilisearch returned an incomplete answer.');
  }
  return results as RawResult[];
}

const editionGivenIn = (query: SearchQuery) =>
  query.edition !== undefined || query.editionFrom !== undefined || query.editionTo !== undefined;
/** Only the latest editions are searched first: the default, unless editions are named or latest=false. */
const latestOnlyOf = (query: SearchQuery) => !editionGivenIn(query) && query.latest !== false;

/**
 * The requests for one search and how to read their answers back. `cascade`: see hitRequests; counts and
 * facets use its last step, which finds all but the few passages only the rare words find (one count per
 * query of the step, added up).
 */
function searchPlan(
  deps: SearchDeps,
  query: SearchQuery,
  groups: Partial<Record<FilterGroup, string>>,
  cascade: CascadeStep[] = [[query.q]],
) {
  const lastStep = cascade.at(-1) ?? [query.q];
  const stepSizes = cascade.map((step) => step.length);
  const counted = (filter: string[], facets: string[]) =>
    lastStep.map((q) => countRequest(deps, q, filter, facets));
  const editionGiven = editionGivenIn(query);
  const latestOnly = latestOnlyOf(query);
  const withLatest = (latest: boolean | null) =>
    latest === null ? groups : { ...groups, latest: `latest = ${latest}` };
  const facetQueries = (latest: boolean | null) =>
    query.facets
      ? facetPlan(withLatest(latest)).map((entry) => ({
          ...entry,
          requests: counted(
            entry.filter,
            entry.facets.map((f) => FACET_ATTRIBUTE[f]),
          ),
        }))
      : [];
  const firstFacets = facetQueries(latestOnly ? true : null);
  const hits = hitRequests(deps, query, Object.values(withLatest(latestOnly ? true : null)), cascade);
  const requests = [
    ...hits,
    // Older editions are counted, not fetched: their hits are needed only when the latest have none.
    ...(latestOnly ? counted(Object.values(withLatest(false)), []) : []),
    ...firstFacets.flatMap((f) => f.requests),
  ];
  return {
    mode: (editionGiven ? 'edition' : latestOnly ? 'latest' : 'all') as SearchResponse['editions']['mode'],
    requests,
    /** Reads the answers; when only older editions match, fetches their hits and facets (a second round). */
    async read(results: RawResult[]) {
      let result = mergeHits(query, results.slice(0, hits.length), stepSizes);
      const countAt = hits.length + (latestOnly ? lastStep.length : 0);
      let facetEntries = firstFacets;
      let facetResults = results.slice(countAt);
      let olderEditionHits = 0;
      let showingHistorical = false;
      if (latestOnly) {
        olderEditionHits = sumOf(results.slice(hits.length, countAt), (r) => r.estimatedTotalHits ?? 0);
        if ((result.estimatedTotalHits ?? 0) === 0 && olderEditionHits > 0) {
          showingHistorical = true;
          facetEntries = facetQueries(false);
          const olderHits = hitRequests(deps, query, Object.values(withLatest(false)), cascade);
          const second = await multiSearch(deps, [...olderHits, ...facetEntries.flatMap((f) => f.requests)]);
          result = mergeHits(query, second.slice(0, olderHits.length), stepSizes);
          facetResults = second.slice(olderHits.length);
        }
      }
      let facets: Facets | null = null;
      if (query.facets) {
        const collected = {} as Facets;
        facetEntries.forEach((entry, i) => {
          const answers = facetResults.slice(i * lastStep.length, (i + 1) * lastStep.length);
          for (const facet of entry.facets) {
            collected[facet] = facetValues(deps, facet, addDistributions(answers, FACET_ATTRIBUTE[facet]));
          }
        });
        facets = collected;
      }
      return { result, olderEditionHits, showingHistorical, facets };
    },
  };
}

/**
 * How many passages (in the filtered universe) each of `words` finds on its own; with `exact`, without
 * typos or prefixes (a one-word phrase), so that a guessed form like "inactment" is not counted for
 * "enactment".
 */
async function passageCounts(
  deps: SearchDeps,
  words: string[],
  filter: string[],
  exact = false,
): Promise<Map<string, number>> {
  const results = await multiSearch(
    deps,
    words.map((w) => ({ indexUid: deps.indexes.passages, q: exact ? `"${w}"` : w, filter, limit: 0 })),
  );
  return new Map(words.map((w, i) => [w, results[i]?.estimatedTotalHits ?? 0]));
}

/**
 * The query planned in one universe: its free words as Meilisearch matches them, and exactly with the
 * spellings of its terms, counted there (two small multi-searches at once), then other forms of the rare
 * or missing words, the words found only through typos counted exactly in the whole index, and, with
 * `older`, what is missing counted in the older editions for the notice (one more).
 */
async function planIn(
  deps: SearchDeps,
  tokens: QueryToken[],
  free: string[],
  spellings: string[],
  universe: string[],
  options: { isStopWord: (word: string) => boolean; older: string[] | null },
): Promise<QueryPlan> {
  // Exact counts (no typos, no prefixes) of the terms' spellings and of the free words, in one request.
  const [counts, exactCounts] = await Promise.all([
    passageCounts(deps, free, universe),
    passageCounts(deps, [...new Set([...spellings, ...free])], universe, true),
  ]);
  // A word before the last is matched as typed or with typos, never as a prefix: found here only with typos,
  // it may be another word ("Protestant" finds only "protesting" in the China reports). Whether it is a
  // misspelling (keep the typo matches) or a word the reports use elsewhere (drop them) is asked below.
  const last = tokens.at(-1);
  const lastWord = last?.kind === 'word' ? last.text : undefined;
  const typoOnly = free.filter(
    (w) => w !== lastWord && (counts.get(w) ?? 0) > 0 && (exactCounts.get(w) ?? 0) === 0,
  );
  // Other forms are tried for the rarest few only: each word costs about a dozen more counts.
  const rareOrMissing = free
    .filter((w) => (counts.get(w) ?? 0) < RARE_BELOW)
    .sort((a, b) => (counts.get(a) ?? 0) - (counts.get(b) ?? 0))
    .slice(0, MAX_FORM_GUESSES);
  const forms = [...new Set([...rareOrMissing, ...typoOnly].flatMap((w) => wordForms(w)))];
  const { older } = options;
  const missingWords = older ? free.filter((w) => counts.get(w) === 0) : [];
  const missingTerms = older
    ? tokens.flatMap((t) => (t.kind === 'term' && t.spellings.every((s) => !exactCounts.get(s)) ? [t] : []))
    : [];
  const [formCounts, olderWords, olderSpellings, typoOnlyElsewhere] = await Promise.all([
    passageCounts(deps, forms, universe, true),
    passageCounts(deps, missingWords, older ?? []),
    passageCounts(deps, [...new Set(missingTerms.flatMap((t) => t.spellings))], older ?? [], true),
    passageCounts(deps, typoOnly, [], true),
  ]);
  // Spelled so in some report: a real word that this universe lacks, so its typo matches here are other
  // words; it is missing here (another form of it, or left out with a notice).
  const planCounts = new Map(counts);
  for (const w of typoOnly) if ((typoOnlyElsewhere.get(w) ?? 0) > 0) planCounts.set(w, 0);
  const inOlderEditions = new Set([
    ...missingWords.filter((w) => (olderWords.get(w) ?? 0) > 0),
    ...missingTerms.filter((t) => t.spellings.some((s) => olderSpellings.get(s))).map((t) => t.text),
  ]);
  return planQuery(
    tokens,
    planCounts,
    new Map([...formCounts, ...exactCounts]),
    options.isStopWord,
    inOlderEditions,
  );
}

/**
 * Searches with the latest-edition default: the hits, the older-edition count and the facet counts go to
 * Meilisearch in one multi-search. Before it, the free words and the spellings of known terms are counted
 * in the universe the hits come from (one small multi-search, and one more for other forms of rare or
 * missing words) to plan the query: missing words replaced or left out, terms searched in the spellings
 * passages use, rare words relaxed in a cascade (server/query.ts). The response says what was searched
 * and what every result contains.
 */
export async function searchPassages(
  deps: SearchDeps,
  query: SearchQuery,
  origin: string,
): Promise<SearchResponse> {
  const groups = filterGroups(query, deps);
  const tokens = findTerms(queryTokens(query.q), synonymsOf(deps));
  // Stop words are ignored by Meilisearch anyway; counting them would only say no passage "contains" them.
  const isStopWord = (w: string) => STOP_WORDS.has(w.toLowerCase());
  // Meilisearch reads only the first 10 words of a query, so counting more would be work for nothing.
  const free = [
    ...new Set(tokens.filter((t) => t.kind === 'word' && !isStopWord(t.text)).map((t) => t.text)),
  ].slice(0, MAX_QUERY_WORDS);
  const spellings = [...new Set(tokens.flatMap((t) => (t.kind === 'term' ? t.spellings : [])))];
  let plan = searchPlan(deps, query, groups);
  let rewrite: QueryPlan | null = null;
  if (
    free.length ||
    spellings.length ||
    tokens.some((t) => t.kind !== 'word' && t.kind !== 'term' && t.unclosed)
  ) {
    // Counted where the first hits are searched: with the latest-edition default, a word found only in
    // older editions would otherwise be kept, and Meilisearch would then require another word instead.
    const latestOnly = latestOnlyOf(query);
    const where = (latest: string[]) => [...Object.values(groups), ...latest];
    let planned = await planIn(deps, tokens, free, spellings, where(latestOnly ? ['latest = true'] : []), {
      isStopWord,
      older: latestOnly ? where(['latest = false']) : null,
    });
    // Nothing of the query is in the latest editions but older ones hold some of it: the search falls back
    // to the older editions (editions.showingHistorical), so plan it there.
    if (planned.unmatched && planned.olderOnly.length) {
      planned = await planIn(deps, tokens, free, spellings, where(['latest = false']), {
        isStopWord,
        older: null,
      });
    }
    // A query searched as typed (stop words aside) needs no notice.
    const changed = [planned.ignored, planned.replaced, planned.rare, planned.terms].some((l) => l.length);
    if (changed || planned.closedQuote) rewrite = planned;
    plan = searchPlan(deps, query, groups, planned.cascade);
  }
  const results = await multiSearch(deps, plan.requests);
  const { result, olderEditionHits, showingHistorical, facets } = await plan.read(results);

  const notice = showingHistorical
    ? `No passage in the latest editions matches. ${olderEditionHits === 1 ? 'This match comes' : `These ${olderEditionHits} matches come`} from older, superseded editions; cite them as historical editions and check what the latest edition says.`
    : olderEditionHits > 0
      ? `${olderEditionHits} more ${olderEditionHits === 1 ? 'match is' : 'matches are'} in older, superseded editions. Add latest=false to include them.`
      : null;
  return {
    hits: (result.hits as Hits<Record<string, unknown>>).map((raw) => toHit(deps, raw, origin)),
    estimatedTotalHits: result.estimatedTotalHits ?? result.hits.length,
    limit: query.limit,
    offset: query.offset,
    query: query.q,
    rewrite: rewrite
      ? {
          searched: rewrite.q,
          ignored: rewrite.ignored,
          olderOnly: rewrite.olderOnly,
          replaced: rewrite.replaced,
          rare: rewrite.rare,
          terms: rewrite.terms,
          required: rewrite.required,
          notice: rewrite.notice,
        }
      : null,
    sort: query.sort,
    processingTimeMs: Math.max(...results.map((r) => r.processingTimeMs)),
    editions: {
      mode: plan.mode,
      olderEditionHits: showingHistorical ? 0 : olderEditionHits,
      showingHistorical,
      notice,
    },
    facets,
  };
}

export async function getPassage(deps: SearchDeps, id: string, origin: string): Promise<PassageResponse> {
  const index = deps.client.index(deps.indexes.passages);
  const raw = await engineCall(() => index.getDocument(id), {
    document_not_found: () =>
      new HttpProblem(
        404,
        'Passage not found',
        `No passage has the id "${id}". Ids change only when a report's text changes; search again to find the current passage.`,
      ),
  });
  const hit = toHit(deps, raw as Record<string, unknown>, origin);
  const order = (raw as { order: number }).order;
  const neighbours = await engineCall(() =>
    index.getDocuments({
      filter: `documentId = ${JSON.stringify(hit.documentId)} AND order IN [${order - 1}, ${order + 1}]`,
      fields: ['id', 'order'],
      limit: 2,
    }),
  );
  const find = (o: number) =>
    (neighbours.results.find((r) => r.order === o)?.id as string | undefined) ?? null;
  return { ...hit, previous: find(order - 1), next: find(order + 1) };
}

/**
 * Meilisearch being down is a 503 with a plain explanation, not a stack trace; `known` maps Meilisearch
 * error codes the caller expects (e.g. document_not_found) to its own problems.
 */
export async function engineCall<T>(
  call: () => Promise<T>,
  known: Record<string, () => HttpProblem> = {},
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const api = meilisearchErrorCode(error);
    if (api) {
      const mapped = known[api.code];
      if (mapped) throw mapped();
      if (api.code === 'index_not_found') {
        throw new HttpProblem(
          503,
          'Index not ready',
          'Nothing has been indexed yet. Run "countrycite import <path>" or "countrycite crawl", or wait for the first crawl to finish.',
        );
      }
      throw new HttpProblem(
        502,
        'Search engine error',
        `Meilisearch rejected the request: ${api.message} (${api.code})`,
      );
    }
    const name = (error as Error).name;
    if (name === 'MeilisearchRequestError' || name === 'MeilisearchRequestTimeOutError') {
      throw new HttpProblem(
        503,
        'Search engine unavailable',
        // The request error names the engine's internal address, which is not the client's business.
        'Meilisearch did not answer. Try again shortly; if it persists, restart CountryCite.',
      );
    }
    throw error;
  }
}
