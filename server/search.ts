/**
 * Search and passage look-up over Meilisearch, mapped to the HTTP contract. Everything the browser sees
 * comes through here: the Meilisearch key stays in this process, filter values are validated before they
 * reach a filter expression, and passage text is escaped with our own <mark> tags put back afterwards.
 */
import type { Hits, SearchResponse as MeiliSearchResponse, Meilisearch, MultiSearchQuery } from 'meilisearch';
import { bluebookDate, citePassage } from '../core/citation.ts';
import { Passage } from '../core/contract.ts';
import { countryByCode } from '../core/countries.ts';
import { meilisearchErrorCode } from '../core/meilisearch-http.ts';
import { HIGHLIGHT_POST, HIGHLIGHT_PRE, type IndexNames } from '../core/search-index.ts';
import type { SourceRegistry } from '../core/sources.ts';
import { HttpProblem } from './problem.ts';
import type { Hit, PassageResponse, SearchQuery, SearchResponse } from './schemas.ts';

export interface SearchDeps {
  client: Meilisearch;
  indexes: IndexNames;
  sources: SourceRegistry;
}

const SNIPPET_WORDS = 40;

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

/** Meilisearch output is checked against the contract before we rely on it. */
function parsePassage(raw: unknown): Passage {
  const parsed = Passage.safeParse(raw);
  if (!parsed.success) {
    throw new HttpProblem(
      500,
      'Index out of date',
      `The search index holds a passage that does not match the current data contract (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}). Re-index with "countrycite index --force".`,
    );
  }
  return parsed.data;
}

export function toHit(deps: SearchDeps, raw: Record<string, unknown>, origin: string): Hit {
  const passage = parsePassage(raw);
  const formatted = (raw._formatted as { text?: string } | undefined)?.text ?? passage.text;
  const source = deps.sources.get(passage.source);
  const snippetOnly = source?.license.display === 'snippet';
  const snippet = snippetAround(formatted);
  const shown = snippetOnly ? snippet : formatted;
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

/** Filter expressions from validated parameters only; values are quoted as JSON strings. */
export function buildFilter(query: SearchQuery, deps: SearchDeps): string[] {
  const filter: string[] = [];
  const quoted = (values: string[]) => values.map((v) => JSON.stringify(v)).join(', ');
  if (query.country?.length) filter.push(`country IN [${quoted(query.country)}]`);
  if (query.ground?.length) filter.push(`grounds IN [${quoted(query.ground)}]`);
  if (query.source?.length) {
    const unknown = query.source.filter((s) => !deps.sources.get(s));
    if (unknown.length) {
      throw new HttpProblem(
        400,
        'Invalid request',
        `Unknown source ${unknown.map((s) => `"${s}"`).join(', ')}; known sources: ${deps.sources.sources.map((s) => s.id).join(', ')}.`,
        unknown.map((s) => ({ parameter: 'source', message: `unknown source "${s}"` })),
      );
    }
    filter.push(`source IN [${quoted(query.source)}]`);
  }
  if (query.edition !== undefined) filter.push(`edition = ${query.edition}`);
  return filter;
}

function searchRequest(deps: SearchDeps, query: SearchQuery, filter: string[]): MultiSearchQuery {
  return {
    indexUid: deps.indexes.passages,
    q: query.q,
    filter,
    limit: query.limit,
    offset: query.offset,
    attributesToHighlight: ['text'],
    highlightPreTag: HIGHLIGHT_PRE,
    highlightPostTag: HIGHLIGHT_POST,
    ...(query.q.trim() ? {} : { sort: ['edition:desc', 'order:asc'] }),
  };
}

export async function searchPassages(
  deps: SearchDeps,
  query: SearchQuery,
  origin: string,
): Promise<SearchResponse> {
  const filter = buildFilter(query, deps);
  const latestOnly = query.edition === undefined && query.latest !== false;
  let mode: SearchResponse['editions']['mode'] = query.edition !== undefined ? 'edition' : 'all';
  let result: MeiliSearchResponse<Record<string, unknown>>;
  let olderEditionHits = 0;
  let showingHistorical = false;
  if (latestOnly) {
    mode = 'latest';
    const { results } = await engineCall(() =>
      deps.client.multiSearch({
        queries: [
          searchRequest(deps, query, [...filter, 'latest = true']),
          searchRequest(deps, query, [...filter, 'latest = false']),
        ],
      }),
    );
    const [latest, older] = results as MeiliSearchResponse<Record<string, unknown>>[];
    if (!latest || !older)
      throw new HttpProblem(502, 'Search engine error', 'Meilisearch returned an incomplete answer.');
    olderEditionHits = older.estimatedTotalHits ?? 0;
    if ((latest.estimatedTotalHits ?? 0) === 0 && olderEditionHits > 0) {
      result = older;
      showingHistorical = true;
    } else result = latest;
  } else {
    const { results } = await engineCall(() =>
      deps.client.multiSearch({ queries: [searchRequest(deps, query, filter)] }),
    );
    result = results[0] as MeiliSearchResponse<Record<string, unknown>>;
  }
  const notice = showingHistorical
    ? `No passage in the latest editions matches. These ${olderEditionHits} matches come from older, superseded editions; cite them as historical editions and check what the latest edition says.`
    : olderEditionHits > 0
      ? `${olderEditionHits} more matches are in older, superseded editions. Add latest=false to include them.`
      : null;
  return {
    hits: (result.hits as Hits<Record<string, unknown>>).map((raw) => toHit(deps, raw, origin)),
    estimatedTotalHits: result.estimatedTotalHits ?? result.hits.length,
    limit: query.limit,
    offset: query.offset,
    query: query.q,
    processingTimeMs: result.processingTimeMs,
    editions: { mode, olderEditionHits: showingHistorical ? 0 : olderEditionHits, showingHistorical, notice },
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
        `Meilisearch did not answer (${(error as Error).message}). Try again shortly; if it persists, restart CountryCite.`,
      );
    }
    throw error;
  }
}
