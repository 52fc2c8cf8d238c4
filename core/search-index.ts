/**
 * Names of the Meilisearch indexes every stage agrees on. A prefix lets tests, or two deployments sharing
 * one Meilisearch, keep their indexes apart.
 */
export interface IndexNames {
  passages: string;
  documents: string;
}

export function indexNames(prefix = ''): IndexNames {
  return { passages: `${prefix}passages`, documents: `${prefix}documents` };
}

/** Private-use characters that cannot occur in indexed text (extractors strip them): highlight markers. */
export const HIGHLIGHT_PRE = '\uE000';
export const HIGHLIGHT_POST = '\uE001';
