/**
 * Meilisearch settings for the passages and documents indexes. Applied before any document is added
 * (a change to searchable, filterable or sortable attributes re-indexes everything).
 */
import type { Settings } from 'meilisearch';

export const PASSAGE_SETTINGS: Settings = {
  // Passage text first: a match in the words of the report outranks a match in a heading or the title.
  searchableAttributes: ['text', 'sectionPath', 'title'],
  filterableAttributes: [
    'country',
    'mentions',
    'grounds',
    'topics',
    'elements',
    'source',
    'edition',
    'latest',
    'documentId',
    'order',
    'revision',
  ],
  sortableAttributes: ['edition', 'order'],
  // `matches` explains tags to the API; it is never searched.
  displayedAttributes: ['*'],
  pagination: { maxTotalHits: 1000 },
  faceting: { maxValuesPerFacet: 100 },
};

export const DOCUMENT_SETTINGS: Settings = {
  searchableAttributes: ['title', 'series', 'publisher'],
  filterableAttributes: ['source', 'country', 'edition', 'latest', 'capture.sha256'],
  sortableAttributes: ['edition'],
};
