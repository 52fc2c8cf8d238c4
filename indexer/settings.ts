/**
 * Meilisearch settings for the passages and documents indexes. Applied before any document is added
 * (a change to searchable, filterable or sortable attributes, synonyms or typo tolerance re-indexes
 * everything, so they are chosen once here and justified beside each value).
 *
 * Measured with `npm run eval:search` (attorney queries with hand-judged passages): the choices below that
 * could move ranking (searchable-attribute order, proximity precision, ranking-rule order) moved nDCG@10 by
 * less than ±0.015 on that set; what moved it is the query planning in server/query.ts (README, "Search
 * relevance").
 */
import type { FilterableAttributes, Settings, Synonyms } from 'meilisearch';
import { loadTaxonomy, type Taxonomy } from '../core/taxonomy.ts';

type FilterFeatures = { equality: boolean; comparison: boolean };
const filterable = (attributes: string[], filter: FilterFeatures) => ({
  attributePatterns: attributes,
  // No UI searches inside facet values (the lists are short: ISO codes, slugs, years), so the facet-search
  // structures, the costliest facet feature to build, are never built.
  features: { facetSearch: false, filter },
});

/**
 * Equality (=, !=, IN, IS EMPTY) for every tag-like field; comparison (>, <=, TO) only where a range is
 * asked for: edition ranges ("2019 to 2023") and passage order (a document's passages between two
 * headings). Turning comparison off on strings skips a whole facet structure per attribute.
 */
const PASSAGE_FILTERS: FilterableAttributes = [
  filterable(
    [
      'country', // subject country of the report
      'mentions', // other countries a passage names ("passages elsewhere that mention Guatemala")
      'grounds',
      'topics',
      'elements',
      'source', // include and exclude (source NOT IN [...])
      'latest',
      'documentId', // neighbours and a document's passages
      'revision', // the indexer deletes passages of stale revisions
    ],
    { equality: true, comparison: false },
  ),
  filterable(['edition', 'order'], { equality: true, comparison: true }),
];

/** Lower-cased and with runs of spaces collapsed, as Meilisearch normalizes a query before synonyms. */
function normalizeSynonym(phrase: string): string {
  return phrase.trim().toLowerCase().replace(/\s+/g, ' ');
}

/**
 * Meilisearch synonyms from the taxonomy's synonym groups: every spelling in a group stands for every other
 * ("FGM" ⇄ "female genital mutilation" ⇄ "FGM/C" ⇄ "female circumcision"), so a search for one finds
 * passages that use another, and search and tagging share one vocabulary. A spelling in two groups maps to
 * the union of both. Tag `terms` are not synonyms: "women" and "girls" both produce the PSG tag but a
 * search for one must not return the other as if it were the same word.
 */
export function searchSynonyms(taxonomy: Taxonomy): Synonyms {
  const map = new Map<string, Set<string>>();
  for (const tag of [...taxonomy.grounds, ...taxonomy.topics, ...taxonomy.elements]) {
    for (const group of tag.synonyms) {
      const spellings = [...new Set(group.map(normalizeSynonym))];
      for (const spelling of spellings) {
        const others = map.get(spelling) ?? new Set<string>();
        for (const other of spellings) if (other !== spelling) others.add(other);
        map.set(spelling, others);
      }
    }
  }
  return Object.fromEntries(
    [...map.entries()]
      .filter(([, others]) => others.size > 0)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([spelling, others]) => [spelling, [...others].sort()]),
  );
}

/**
 * Short codes in the taxonomy's synonym groups ("MS-13", "FGM", "IDP", "LGBTQI+") must match exactly: with
 * typos allowed, "MS-18" would find "MS-13" and "IDPs" would find "IDs". A code is a word written in
 * capitals or containing a digit; the parts Meilisearch splits it into ("ms", "13") are listed, since
 * typo tolerance applies to single words.
 */
export function exactWords(taxonomy: Taxonomy): string[] {
  const words = new Set<string>();
  for (const tag of [...taxonomy.grounds, ...taxonomy.topics, ...taxonomy.elements]) {
    for (const spelling of tag.synonyms.flat()) {
      for (const token of spelling.split(/\s+/)) {
        const isCode = /^[\p{Lu}\d][\p{Lu}\d/+\-–]*$/u.test(token) && /[\p{Lu}\d]{2}/u.test(token);
        if (!isCode) continue;
        for (const part of token.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
          // Words under five letters get no typo anyway (minWordSizeForTypos.oneTypo); listing the longer
          // ones is what matters ("lgbtqi").
          if (part.length >= 2 && !/^\d+$/.test(part)) words.add(part);
        }
      }
    }
  }
  return [...words].sort();
}

export function passageSettings(taxonomy: Taxonomy = loadTaxonomy()): Settings {
  return {
    // The words of the report first: a match in the passage text outranks one found only in a heading or
    // the report title, which every passage of a section or document shares. Headings second, because
    // "Rape and Domestic Violence" as a heading is strong evidence that a passage is on point.
    searchableAttributes: ['text', 'sectionPath', 'title'],
    filterableAttributes: PASSAGE_FILTERS,
    // edition: "newest first"; order: report order when there are no words to rank by.
    sortableAttributes: ['edition', 'order'],
    // Meilisearch's default order except `sort` right after `words`: with sort=newest the newest edition
    // comes first among passages that match as many query words, so a sort never lifts a passage that
    // matches one word of five above one that matches all five. Without a sort the rule does nothing.
    rankingRules: ['words', 'sort', 'typo', 'proximity', 'attribute', 'exactness'],
    synonyms: searchSynonyms(taxonomy),
    // Keys in the order Meilisearch returns them, so the indexer sees unchanged settings as unchanged.
    typoTolerance: {
      enabled: true,
      minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 },
      disableOnWords: exactWords(taxonomy),
      // Typos count in the words of the report; in headings and titles they only add noise.
      disableOnAttributes: ['sectionPath', 'title'],
      // Years, section numbers, statute and case numbers, gang names (Barrio 18): 2023 must not find 2013.
      disableOnNumbers: true,
    },
    // Word-level proximity: passages are long-form legal prose where "police ... failed to investigate"
    // closeness is what separates on-point passages from ones that merely contain both words.
    proximityPrecision: 'byWord',
    // How deep ranking goes and how far offset can page. A researcher reads deeper than a shopper, and the
    // edition notice counts older-edition matches with it; 1000 is the API's offset limit. bench:search
    // shows the cost at our size.
    pagination: { maxTotalHits: 1000 },
    // Facet counts for every filter, for all countries (about 250), most frequent first when truncated.
    faceting: { maxValuesPerFacet: 300, sortFacetValuesBy: { '*': 'count' } },
    facetSearch: false,
    // A query is stopped rather than left running; below 500 ms Meilisearch warns results degrade.
    searchCutoffMs: 1000,
    // `matches` explains tags to the API; it is retrieved, never searched.
    displayedAttributes: ['*'],
  };
}

/** The settings for the taxonomy in core/taxonomy.yaml. */
export const PASSAGE_SETTINGS: Settings = passageSettings();

export const DOCUMENT_SETTINGS: Settings = {
  searchableAttributes: ['title', 'series', 'publisher'],
  filterableAttributes: ['source', 'country', 'edition', 'latest', 'capture.sha256'],
  sortableAttributes: ['edition'],
};
