/**
 * The web UI: server-rendered pages over the same search service as the API (server/search.ts), plus a
 * small script for one-click citation copy. Crawled text reaches the page only as escaped text, or as our
 * own escaped-and-marked highlight HTML. The same-origin UI needs no API key.
 */
import { readFileSync } from 'node:fs';
import type { Context } from 'hono';
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { secureHeaders } from 'hono/secure-headers';
import { pageRange } from '../core/citation.ts';
import { GROUNDS } from '../core/contract.ts';
import { countryByCode } from '../core/countries.ts';
import { loadTaxonomy } from '../core/taxonomy.ts';
import { type AppDeps, createApp, originOf } from '../server/app.ts';
import { longDate } from '../server/exhibits/packet.ts';
import { HttpProblem } from '../server/problem.ts';
import {
  type FacetName,
  type FacetValue,
  type Hit,
  SearchQuery,
  type SearchResponse,
  SORTS,
} from '../server/schemas.ts';
import { engineCall, getPassage, searchPassages } from '../server/search.ts';
import { AddToExhibits, CartLink, ExhibitCart } from './exhibits.tsx';

const GROUND_LABELS: Record<(typeof GROUNDS)[number], string> = {
  race: 'Race / ethnicity',
  religion: 'Religion',
  nationality: 'Nationality',
  'particular-social-group': 'Particular social group',
  'political-opinion': 'Political opinion',
};

const STATIC: Record<string, { body: string; type: string }> = Object.fromEntries(
  [
    ['app.js', 'text/javascript; charset=utf-8'],
    ['cart.js', 'text/javascript; charset=utf-8'],
    ['style.css', 'text/css; charset=utf-8'],
    ['favicon.svg', 'image/svg+xml'],
  ].map(([name, type]) => [
    name,
    { body: readFileSync(new URL(`./static/${name}`, import.meta.url), 'utf8'), type },
  ]),
);

function Layout(props: { title: string; children: Child }) {
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{props.title}</title>
          <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href="/static/style.css" />
          <script src="/static/app.js" defer />
          <script src="/static/cart.js" defer />
        </head>
        <body>
          <a class="skip" href="#content">
            Skip to results
          </a>
          <header class="site">
            <div class="bar">
              <a class="brand" href="/">
                CountryCite
              </a>
              <span class="tagline">Country-conditions evidence, cited to the section and page</span>
              <CartLink />
            </div>
          </header>
          <main id="content">{props.children}</main>
          <footer class="site">
            Passages come from public reports; check the publisher's current text before filing. Silence in a
            report is not evidence that abuse is absent. <a href="/openapi.json">API</a>
          </footer>
          <div id="status" class="sr-only" aria-live="polite" />
        </body>
      </html>
    </>
  );
}

/** Values for the filter menus, from the whole index (the facet panel beside results counts the search). */
interface Facets {
  /** False when the index holds no passage yet (a first crawl still running); null when it cannot be told. */
  indexed: boolean | null;
  countries: { code: string; name: string; count: number }[];
  editions: number[];
  sources: { id: string; name: string }[];
  topics: { id: string; label: string }[];
  elements: { id: string; label: string }[];
}

async function facets(deps: AppDeps): Promise<Facets> {
  try {
    const result = await engineCall(() =>
      deps.client.index(deps.indexes.passages).search('', { limit: 0, facets: ['country', 'edition'] }),
    );
    const dist = result.facetDistribution ?? {};
    const countries = Object.entries(dist.country ?? {})
      .map(([code, count]) => ({ code, name: countryByCode(code)?.name ?? code, count }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const editions = Object.keys(dist.edition ?? {})
      .map(Number)
      .sort((a, b) => b - a);
    return { indexed: (result.estimatedTotalHits ?? 0) > 0, countries, editions, ...vocabularies(deps) };
  } catch {
    return { indexed: null, countries: [], editions: [], ...vocabularies(deps) };
  }
}

function vocabularies(deps: AppDeps): Pick<Facets, 'sources' | 'topics' | 'elements'> {
  const taxonomy = deps.taxonomy ?? loadTaxonomy();
  return {
    sources: deps.sources.sources.map((s) => ({ id: s.id, name: s.name })),
    topics: taxonomy.topics.map((t) => ({ id: t.id, label: t.label })),
    elements: taxonomy.elements.map((t) => ({ id: t.id, label: t.label })),
  };
}

const SCOPE_LABELS: Record<SearchQuery['countryScope'], string> = {
  subject: 'Reports about the country',
  exclusive: 'Only passages about it alone',
  mentioned: 'Reports on other countries naming it',
  either: 'Both',
};

const SORT_LABELS: Record<SearchQuery['sort'], string> = {
  relevance: 'Relevance',
  newest: 'Newest edition first',
  oldest: 'Oldest edition first',
};

function Select(props: {
  label: string;
  name: string;
  selected: string | undefined;
  empty?: string;
  options: { value: string; label: string }[];
}) {
  return (
    <label>
      {props.label}
      <select name={props.name}>
        {props.empty !== undefined ? <option value="">{props.empty}</option> : null}
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.selected}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function SearchForm(props: { query: Partial<SearchQuery>; facets: Facets }) {
  const { query, facets: f } = props;
  const selectedCountry = query.country?.[0] ?? '';
  const selectedGround = query.ground?.[0] ?? '';
  const moreOpen = Boolean(
    (query.countryScope && query.countryScope !== 'subject') ||
      query.source?.length ||
      query.excludeSource?.length ||
      query.topic?.length ||
      query.element?.length ||
      query.editionFrom !== undefined ||
      query.editionTo !== undefined ||
      (query.sort && query.sort !== 'relevance'),
  );
  return (
    <search>
      <form class="search" method="get" action="/" data-autosubmit>
        <div class="query">
          <label class="sr-only" for="q">
            Search passages
          </label>
          <input
            id="q"
            type="search"
            name="q"
            value={query.q ?? ''}
            placeholder="e.g. police inaction on domestic violence"
            autocomplete="off"
          />
          <button type="submit">Search</button>
        </div>
        <div class="filters">
          <label>
            Country
            <select name="country">
              <option value="">All countries</option>
              {f.countries.map((c) => (
                <option value={c.code} selected={c.code === selectedCountry}>
                  {c.name} ({c.count})
                </option>
              ))}
            </select>
          </label>
          <label>
            Protected ground
            <select name="ground">
              <option value="">Any ground</option>
              {GROUNDS.map((g) => (
                <option value={g} selected={g === selectedGround}>
                  {GROUND_LABELS[g]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Edition
            <select name="edition">
              <option value="">Latest editions</option>
              {f.editions.map((e) => (
                <option value={String(e)} selected={e === query.edition}>
                  {e}
                </option>
              ))}
            </select>
          </label>
          <label class="check">
            <input type="checkbox" name="latest" value="false" checked={query.latest === false} />
            Include older editions
          </label>
        </div>
        <details class="more" open={moreOpen}>
          <summary>More filters</summary>
          <div class="filters">
            <Select
              label="Country means"
              name="countryScope"
              selected={query.countryScope}
              options={Object.entries(SCOPE_LABELS).map(([value, label]) => ({ value, label }))}
            />
            <Select
              label="Source"
              name="source"
              selected={query.source?.[0]}
              empty="All sources"
              options={f.sources.map((s) => ({ value: s.id, label: s.name }))}
            />
            <Select
              label="Leave out source"
              name="excludeSource"
              selected={query.excludeSource?.[0]}
              empty="None"
              options={f.sources.map((s) => ({ value: s.id, label: s.name }))}
            />
            {f.topics.length ? (
              <Select
                label="Topic"
                name="topic"
                selected={query.topic?.[0]}
                empty="Any topic"
                options={f.topics.map((t) => ({ value: t.id, label: t.label }))}
              />
            ) : null}
            {f.elements.length ? (
              <Select
                label="Legal element"
                name="element"
                selected={query.element?.[0]}
                empty="Any element"
                options={f.elements.map((t) => ({ value: t.id, label: t.label }))}
              />
            ) : null}
            {(['editionFrom', 'editionTo'] as const).map((name) => (
              <Select
                label={name === 'editionFrom' ? 'Editions from' : 'to'}
                name={name}
                selected={query[name] === undefined ? undefined : String(query[name])}
                empty="Any"
                options={f.editions.map((e) => ({ value: String(e), label: String(e) }))}
              />
            ))}
            <Select
              label="Order"
              name="sort"
              selected={query.sort}
              options={SORTS.map((value) => ({ value, label: SORT_LABELS[value] }))}
            />
          </div>
        </details>
      </form>
    </search>
  );
}

function EditionBadge(props: { hit: Hit }) {
  const { hit } = props;
  return hit.latest ? (
    <span class="badge latest">Latest edition</span>
  ) : (
    <span class="badge historical">
      Historical edition{hit.supersededBy ? ` · superseded by ${hit.supersededBy}` : ''}
    </span>
  );
}

function SectionPath(props: { path: string[] }) {
  return (
    <p class="path">
      <span class="sr-only">Section: </span>
      {props.path.map((p) => (
        <span class="step">{p}</span>
      ))}
    </p>
  );
}

function CopyButton(props: { hit: Hit; form: 'full' | 'short'; label: string }) {
  const text = props.form === 'full' ? props.hit.citation.full : props.hit.citation.short;
  return (
    <button
      type="button"
      class="secondary"
      data-copy-citation
      data-citation={text}
      data-citation-html={props.form === 'full' ? props.hit.citation.fullHtml : ''}
      title={text}
    >
      <span class="label">{props.label}</span>
    </button>
  );
}

function HitCard(props: { hit: Hit }) {
  const { hit } = props;
  return (
    <li class="hit">
      <h2>
        <a href={`/passages/${hit.id}`}>{hit.title}</a>
      </h2>
      <div class="meta">
        <span>{hit.publisher}</span>
        <EditionBadge hit={hit} />
        {hit.page !== null ? (
          <span>
            Page {hit.page === hit.pageEnd || hit.pageEnd === null ? hit.page : `${hit.page}–${hit.pageEnd}`}
          </span>
        ) : null}
        <span>¶ {hit.paragraph}</span>
      </div>
      <SectionPath path={hit.sectionPath} />
      <p class="text" dangerouslySetInnerHTML={{ __html: hit.highlighted }} />
      {hit.grounds.length ? (
        <ul class="tags" aria-label="Protected grounds">
          {hit.grounds.map((g) => (
            <li
              class="badge"
              title={`Matched: ${hit.matches.find((m) => m.tag === g)?.terms.join(', ') ?? ''}`}
            >
              {GROUND_LABELS[g]}
            </li>
          ))}
        </ul>
      ) : null}
      <div class="actions">
        <CopyButton hit={hit} form="full" label="Copy citation" />
        <CopyButton hit={hit} form="short" label="Copy short cite" />
        <AddToExhibits hit={hit} />
        <a href={hit.url} rel="noopener noreferrer">
          Publisher's page
        </a>
      </div>
    </li>
  );
}

/** When a capture was made, as a reader says it: "December 1, 2026, 22:19 UTC". */
export function captureTime(iso: string): string {
  return `${longDate(iso)}, ${new Date(iso).toISOString().slice(11, 16)} UTC`;
}

/** This page's URL with some parameters set (or removed, for null). */
function linkWith(c: Context, changes: Record<string, string | null>): string {
  const url = new URL(c.req.url);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) url.searchParams.delete(key);
    else url.searchParams.set(key, value);
  }
  return `${url.pathname}${url.search}`;
}

function pageLink(c: Context, offset: number): string {
  return linkWith(c, { offset: String(offset) });
}

/** What was searched when it differs from what was typed, in the server's plain words (server/query.ts). */
function RewriteNotice(props: { rewrite: NonNullable<SearchResponse['rewrite']> }) {
  return <p class="notice rewrite">{props.rewrite.notice}</p>;
}

const FACET_TITLES: Partial<Record<FacetName, string>> = {
  country: 'Country',
  mentions: 'Also named',
  source: 'Source',
  ground: 'Protected ground',
  topic: 'Topic',
  element: 'Legal element',
  edition: 'Edition',
};

/** The values of a facet the search is filtered by, as the facet counts name them. */
function selectedValues(query: SearchQuery, facet: FacetName): string[] {
  const mentioned = query.countryScope === 'mentioned';
  switch (facet) {
    case 'country':
      return mentioned ? [] : (query.country ?? []);
    case 'mentions':
      return mentioned ? (query.country ?? []) : [];
    case 'source':
      return query.source ?? [];
    case 'ground':
      return query.ground ?? [];
    case 'topic':
      return query.topic ?? [];
    case 'element':
      return query.element ?? [];
    case 'edition':
      return query.edition === undefined ? [] : [String(query.edition)];
    case 'latest':
      return [];
  }
}

/** A link that drops a selected facet value (and keeps every other filter). */
function facetRemoveLink(c: Context, facet: FacetName, query: SearchQuery, value: string): string {
  const url = new URL(c.req.url);
  url.searchParams.delete('offset');
  const param = facet === 'mentions' ? 'country' : facet;
  const rest = selectedValues(query, facet).filter((v) => v !== value);
  url.searchParams.delete(param);
  for (const v of rest) url.searchParams.append(param, v);
  if (facet === 'mentions' && !rest.length) url.searchParams.delete('countryScope');
  return `${url.pathname}${url.search}`;
}

/** A link that sets one filter (and keeps the others), for the facet panel. */
function facetLink(c: Context, facet: FacetName, value: string): string {
  const url = new URL(c.req.url);
  url.searchParams.delete('offset');
  if (facet === 'mentions') {
    url.searchParams.set('country', value);
    url.searchParams.set('countryScope', 'mentioned');
  } else {
    if (facet === 'edition') url.searchParams.delete('latest');
    url.searchParams.set(facet, value);
  }
  return `${url.pathname}${url.search}`;
}

const FACET_VALUES_SHOWN = 12;

/**
 * Counts for every filter: each value links to the search narrowed to it. The values the search is
 * filtered by come first, checked, whatever their count (the most frequent twelve alone could leave the
 * chosen country out), and link to the search without them.
 */
function FacetPanel(props: {
  c: Context;
  query: SearchQuery;
  facets: NonNullable<SearchResponse['facets']>;
}) {
  const groups = (Object.keys(FACET_TITLES) as FacetName[])
    .map((facet) => {
      const all = props.facets[facet] as FacetValue[];
      const selected = selectedValues(props.query, facet).map(
        (value) => all.find((v) => v.value === value) ?? { value, label: value, count: 0 },
      );
      const others = all.filter((v) => !selected.some((s) => s.value === v.value));
      return {
        facet,
        selected,
        values: others.slice(0, Math.max(0, FACET_VALUES_SHOWN - selected.length)),
      };
    })
    .filter((g) => g.values.length + g.selected.length > 0);
  if (!groups.length) return null;
  return (
    <aside class="facets" aria-label="Narrow the results">
      {groups.map((g) => (
        <section>
          <h3>{FACET_TITLES[g.facet]}</h3>
          <ul>
            {g.selected.map((v) => (
              <li class="selected">
                <a
                  href={facetRemoveLink(props.c, g.facet, props.query, v.value)}
                  aria-current="true"
                  title="Selected: follow to remove this filter"
                >
                  <span class="sr-only">Selected: </span>
                  {v.label}
                </a>{' '}
                <span class="count">{v.count}</span>
              </li>
            ))}
            {g.values.map((v) => (
              <li>
                <a href={facetLink(props.c, g.facet, v.value)}>{v.label}</a>{' '}
                <span class="count">{v.count}</span>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </aside>
  );
}

/** An empty index is not "no match": say why nothing can be found and how that changes. */
function NothingIndexed() {
  return (
    <p class="notice" role="status">
      Nothing is indexed yet. If CountryCite was just started on an empty data directory, its first crawl is
      running and passages appear as reports are indexed; otherwise run{' '}
      <code>countrycite import &lt;path&gt;</code> or <code>countrycite crawl</code>.
    </p>
  );
}

function Results(props: { c: Context; query: SearchQuery; result: SearchResponse }) {
  const { result, c } = props;
  const from = result.offset + 1;
  const to = result.offset + result.hits.length;
  return (
    <section aria-label="Results">
      <p class="summary">
        {result.hits.length
          ? `${from}–${to} of about ${result.estimatedTotalHits} passages${result.query ? ` for “${result.query}”` : ''}`
          : 'No passage matches. Try fewer words or other filters.'}
      </p>
      {result.rewrite ? <RewriteNotice rewrite={result.rewrite} /> : null}
      {result.editions.olderEditionHits > 0 && !result.editions.showingHistorical ? (
        // The API's notice tells a client which parameter to add; a reader gets words and the link.
        <p class="notice">
          {`${result.editions.olderEditionHits} more ${result.editions.olderEditionHits === 1 ? 'match is' : 'matches are'} in older, superseded editions of these reports.`}{' '}
          <a href={linkWith(c, { latest: 'false', offset: null })}>Include older editions</a>
        </p>
      ) : result.editions.notice ? (
        <p class="notice">{result.editions.notice}</p>
      ) : null}
      <div class="layout">
        <ol class="results">
          {result.hits.map((hit) => (
            <HitCard hit={hit} />
          ))}
        </ol>
        {result.facets ? <FacetPanel c={c} query={props.query} facets={result.facets} /> : null}
      </div>
      <nav class="pages" aria-label="Pages">
        {result.offset > 0 ? (
          <a href={pageLink(c, Math.max(0, result.offset - result.limit))}>← Previous</a>
        ) : (
          <span />
        )}
        {to < result.estimatedTotalHits ? (
          <a href={pageLink(c, result.offset + result.limit)}>Next →</a>
        ) : (
          <span />
        )}
      </nav>
    </section>
  );
}

/** Parameters that make a search even without words (browsing a country's passages in report order). */
const FILTER_PARAMS = [
  'country',
  'ground',
  'topic',
  'element',
  'source',
  'excludeSource',
  'edition',
  'editionFrom',
  'editionTo',
];

function queryRecord(c: Context): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  for (const [key, values] of Object.entries(c.req.queries())) {
    const kept = values.filter((v) => v !== '');
    if (kept.length) record[key] = kept.length === 1 ? (kept[0] as string) : kept;
  }
  return record;
}

export function createWebApp(deps: AppDeps) {
  const app = createApp(deps);
  const ui = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'self'"],
    },
  });

  app.get('/static/:file', (c) => {
    const file = STATIC[c.req.param('file')];
    if (!file) return c.notFound();
    return c.body(file.body, 200, { 'content-type': file.type, 'cache-control': 'public, max-age=3600' });
  });

  // Browsers ask for /favicon.ico whatever the page links; the icon is the SVG the pages link to.
  app.get('/favicon.ico', (c) => c.redirect('/static/favicon.svg', 301));

  app.get('/', ui, async (c) => {
    const parsed = SearchQuery.safeParse(queryRecord(c));
    const f = await facets(deps);
    if (!parsed.success) {
      return c.html(
        <Layout title="CountryCite">
          <SearchForm query={{}} facets={f} />
          <p class="notice" role="alert">
            {parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ')}
          </p>
        </Layout>,
        400,
      );
    }
    const query = parsed.data;
    const hasQuery = query.q.trim() !== '' || FILTER_PARAMS.some((name) => c.req.query(name));
    let body: Child =
      f.indexed === false ? (
        <NothingIndexed />
      ) : (
        <p class="summary">
          Search the passages of public country reports
          {f.countries.length ? ` on ${f.countries.length} countries` : ''}: type what you need to show, then
          narrow by country, ground or edition.
        </p>
      );
    let status: 200 | 400 | 503 = 200;
    if (hasQuery) {
      try {
        const result = await searchPassages(deps, query, originOf(c));
        body =
          result.hits.length === 0 && f.indexed === false ? (
            <NothingIndexed />
          ) : (
            <Results c={c} query={query} result={result} />
          );
      } catch (error) {
        if (!(error instanceof HttpProblem)) throw error;
        status = error.status === 400 ? 400 : 503;
        body = (
          <p class="notice" role="alert">
            {error.title}: {error.detail}
          </p>
        );
      }
    }
    return c.html(
      <Layout title={query.q ? `${query.q} – CountryCite` : 'CountryCite'}>
        <SearchForm query={query} facets={f} />
        {body}
      </Layout>,
      status,
    );
  });

  app.get('/exhibits', ui, (c) =>
    c.html(
      <Layout title="Exhibits – CountryCite">
        <ExhibitCart elements={vocabularies(deps).elements.map((e) => e.label)} />
      </Layout>,
    ),
  );

  app.get('/passages/:id', ui, async (c) => {
    const id = c.req.param('id');
    if (!/^[A-Za-z0-9_-]{1,511}$/.test(id)) return c.notFound();
    let passage: Awaited<ReturnType<typeof getPassage>>;
    try {
      passage = await getPassage(deps, id, originOf(c));
    } catch (error) {
      if (!(error instanceof HttpProblem)) throw error;
      return c.html(
        <Layout title="Passage not found – CountryCite">
          <p class="notice" role="alert">
            {error.title}: {error.detail}
          </p>
          <p>
            <a href="/">Search again</a>
          </p>
        </Layout>,
        error.status === 404 ? 404 : 503,
      );
    }
    const source = deps.sources.get(passage.source);
    return c.html(
      <Layout title={`${passage.title} – CountryCite`}>
        <article class="hit">
          <h2>{passage.title}</h2>
          <div class="meta">
            <span>{passage.publisher}</span>
            <EditionBadge hit={passage} />
            {passage.page !== null ? (
              <span>
                {passage.pageEnd !== null && passage.pageEnd !== passage.page ? 'Pages' : 'Page'}{' '}
                {pageRange(passage.page, passage.pageEnd)}
              </span>
            ) : null}
            <span>¶ {passage.paragraph}</span>
          </div>
          <SectionPath path={passage.sectionPath} />
          <p class="text" dangerouslySetInnerHTML={{ __html: passage.highlighted }} />
          <p class="citation">{passage.citation.full}</p>
          <div class="actions">
            <CopyButton hit={passage} form="full" label="Copy citation" />
            <CopyButton hit={passage} form="short" label="Copy short cite" />
            <AddToExhibits hit={passage} />
            <a href={passage.url} rel="noopener noreferrer">
              Publisher's page
            </a>
          </div>
          <nav class="pages" aria-label="Neighbouring passages">
            {passage.previous ? <a href={`/passages/${passage.previous}`}>← Previous passage</a> : <span />}
            {passage.next ? <a href={`/passages/${passage.next}`}>Next passage →</a> : <span />}
          </nav>
          <dl class="facts">
            <dt>Source</dt>
            <dd>{source?.name ?? passage.source}</dd>
            <dt>Edition</dt>
            <dd>
              {passage.edition}
              {passage.supersededBy ? ` (superseded by ${passage.supersededBy})` : ''}
            </dd>
            <dt>Country</dt>
            <dd>{passage.countryName}</dd>
            <dt>Captured</dt>
            <dd>
              <time datetime={passage.capture.fetchedAt}>{captureTime(passage.capture.fetchedAt)}</time> ·
              sha256 {passage.capture.sha256}
            </dd>
            <dt>Licence</dt>
            <dd>{source?.license.name ?? passage.license.id}</dd>
            {source?.caveats.map((caveat) => (
              <>
                <dt>Caveat</dt>
                <dd>{caveat}</dd>
              </>
            ))}
          </dl>
        </article>
      </Layout>,
    );
  });
  return app;
}
