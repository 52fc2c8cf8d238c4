/**
 * What the index holds, by source and by country: source profiles (sources.yaml plus coverage) and country
 * counts. Counts come from the documents index (one record per report edition, with its passage count)
 * and one facet query on the passages index for mentions, so they stay cheap however many passages exist.
 */
import { Document } from '../core/contract.ts';
import { countryByCode } from '../core/countries.ts';
import type { Source } from '../core/sources.ts';
import { HttpProblem } from './problem.ts';
import type { CountrySummary, SourceProfile } from './schemas.ts';
import { engineCall, parseIndexed, type SearchDeps } from './search.ts';

const DocumentCounts = Document.pick({
  source: true,
  country: true,
  edition: true,
  latest: true,
  passages: true,
});
type DocumentCounts = ReturnType<typeof DocumentCounts.parse>;

const PAGE = 1000;

async function documentCounts(deps: SearchDeps): Promise<DocumentCounts[]> {
  const index = deps.client.index(deps.indexes.documents);
  const all: DocumentCounts[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await engineCall(() =>
      index.getDocuments({
        fields: ['source', 'country', 'edition', 'latest', 'passages'],
        limit: PAGE,
        offset,
      }),
    );
    for (const raw of page.results) all.push(parseIndexed(DocumentCounts, raw, 'a document record'));
    if (offset + PAGE >= page.total) return all;
  }
}

const newestFirst = (years: Iterable<number>) => [...new Set(years)].sort((a, b) => b - a);

function profile(source: Source, documents: DocumentCounts[] | null): SourceProfile {
  const own = documents?.filter((d) => d.source === source.id);
  return {
    id: source.id,
    name: source.name,
    publisher: source.publisher,
    office: source.office ?? null,
    series: source.series,
    homepage: source.homepage,
    language: source.language,
    cadence: source.cadence,
    publicationLagYears: source.publicationLagYears,
    license: {
      id: source.license.id,
      name: source.license.name,
      url: source.license.url ?? null,
      display: source.license.display,
      commercialUse: source.license.commercialUse,
      notice: source.license.notice ?? null,
    },
    legalWeight: source.legalWeight ?? null,
    caveats: source.caveats,
    citation: { author: source.citation.author, short: source.citation.short },
    coverage: own
      ? {
          documents: own.length,
          passages: own.reduce((sum, d) => sum + d.passages, 0),
          countries: [...new Set(own.map((d) => d.country))].sort(),
          editions: newestFirst(own.map((d) => d.edition)),
        }
      : null,
  };
}

/** Profiles stand on sources.yaml alone; coverage is null when the index cannot be read. */
async function documentsOrNull(deps: SearchDeps): Promise<DocumentCounts[] | null> {
  try {
    return await documentCounts(deps);
  } catch (error) {
    if (error instanceof HttpProblem && error.status >= 502) return null;
    throw error;
  }
}

export async function sourceProfiles(deps: SearchDeps): Promise<SourceProfile[]> {
  const documents = await documentsOrNull(deps);
  return deps.sources.sources.map((s) => profile(s, documents));
}

export async function sourceProfile(deps: SearchDeps, id: string): Promise<SourceProfile> {
  const source = deps.sources.get(id);
  if (!source) {
    throw new HttpProblem(
      404,
      'Source not found',
      `No source has the id "${id}". Known sources: ${deps.sources.sources.map((s) => s.id).join(', ')}.`,
    );
  }
  return profile(source, await documentsOrNull(deps));
}

export async function countrySummaries(deps: SearchDeps): Promise<CountrySummary[]> {
  const [documents, mentions] = await Promise.all([
    documentCounts(deps),
    engineCall(() =>
      deps.client.index(deps.indexes.passages).search('', { limit: 0, facets: ['mentions'] }),
    ).then((r) => r.facetDistribution?.mentions ?? {}),
  ]);
  const byCountry = new Map<string, DocumentCounts[]>();
  for (const d of documents) byCountry.set(d.country, [...(byCountry.get(d.country) ?? []), d]);
  const codes = new Set([...byCountry.keys(), ...Object.keys(mentions)]);
  return [...codes]
    .map((code) => {
      const own = byCountry.get(code) ?? [];
      return {
        code,
        name: countryByCode(code)?.name ?? code,
        documents: own.length,
        passages: own.reduce((sum, d) => sum + d.passages, 0),
        latestPassages: own.filter((d) => d.latest).reduce((sum, d) => sum + d.passages, 0),
        mentionedIn: mentions[code] ?? 0,
        editions: newestFirst(own.map((d) => d.edition)),
        sources: [...new Set(own.map((d) => d.source))].sort(),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
