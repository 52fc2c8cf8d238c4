/**
 * What we do to an attorney's query before Meilisearch ranks it. Meilisearch has no stemming, and with the
 * `frequency` matching strategy (when not every word matches, the most common words are dropped first) a
 * word that occurs in no passage blocks every result: "police inaction on domestic violence" finds nothing
 * because no report says "inaction". So each free word (not in a "phrase", not a -negation) is counted; a
 * word no passage contains is replaced by the form of it that passages use ("stripping" → "stripped"), or,
 * when there is none, left out — and the response says so, so the reader knows what was searched.
 */

/**
 * Function words left out of the free words of a query, so that "treatment of deportees on return" ranks by
 * its three content words and a passage is not preferred for containing "of" and "on" (eval: nDCG@10
 * +0.02). Not a Meilisearch stop-word list: that would also drop them inside "phrases", where Meilisearch
 * then matches but no longer highlights ("failed to investigate").
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  'a an the of on in to for from by with and or at as into against about after under over their its is are was were be been this that these those'.split(
    ' ',
  ),
);

export type QueryToken = { kind: 'word' | 'phrase' | 'negation'; text: string };

/** The query as tokens in the order typed: free words (punctuation at their ends removed), "phrases" and -negations. */
export function queryTokens(q: string): QueryToken[] {
  const tokens: QueryToken[] = [];
  // A phrase, optionally negated (an unclosed quote runs to the end, as Meilisearch reads it), or a run of
  // non-space characters.
  for (const m of q.matchAll(/-?"[^"]*(?:"|$)|\S+/g)) {
    const text = m[0];
    if (text.startsWith('-') && text.length > 1) tokens.push({ kind: 'negation', text });
    else if (text.startsWith('"')) tokens.push({ kind: 'phrase', text });
    else {
      // "women's" is searched as "women": Meilisearch would read the "s" as a word of its own.
      const word = text.replace(/['’]s$/iu, '').replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}+]+$/gu, '');
      if (word) tokens.push({ kind: 'word', text: word });
    }
  }
  return tokens;
}

// Suffixes an English word may carry, longest first: stripping the first that fits gives the stem the
// word's other forms share.
const SUFFIXES = [
  'izations',
  'ization',
  'ations',
  'ation',
  'ments',
  'ment',
  'ions',
  'ion',
  'ings',
  'ing',
  'ees',
  'ee',
  'ers',
  'er',
  'ies',
  'ed',
  'es',
  'ly',
  's',
  'e',
];
const ENDINGS = [
  '',
  's',
  'es',
  'ed',
  'ing',
  'ion',
  'ions',
  'ation',
  'ment',
  'ments',
  'ee',
  'ees',
  'er',
  'ers',
];

/**
 * Other forms of a word that passages may use instead: "stripping" → strip, strips, stripped, …;
 * "deportees" → deported, deportation, …. A short guess list to count against the index, not a
 * dictionary: only forms that occur are ever searched. Words under four letters, numbers and codes get none.
 */
export function wordForms(word: string): string[] {
  const w = word.toLowerCase();
  if (w.length < 4 || !/^\p{L}+$/u.test(w)) return [];
  const suffix = SUFFIXES.find((x) => w.endsWith(x) && w.length - x.length >= 3);
  let stem = suffix ? w.slice(0, -suffix.length) : w;
  // stripping → stripp → strip; parties → party
  if (/([b-df-hj-np-tv-z])\1$/.test(stem) && !/(ss|ll)$/.test(stem)) stem = stem.slice(0, -1);
  if (suffix === 'ies') stem = `${stem}y`;
  const forms = new Set<string>();
  for (const ending of ENDINGS) {
    // A final e gives way to a vowel: escape → escaping, escaped.
    const base = stem.endsWith('e') && /^[aeiou]/.test(ending) ? stem.slice(0, -1) : stem;
    forms.add(base + ending);
  }
  // strip → stripped, stripping
  if (/[^aeiou][aeiou][b-df-hj-np-tv-z]$/.test(stem) && stem.length <= 5) {
    const last = stem.slice(-1);
    forms.add(`${stem}${last}ed`);
    forms.add(`${stem}${last}ing`);
  }
  forms.delete(w);
  return [...forms].filter((f) => f.length >= 3).sort();
}

/**
 * A word found in fewer passages than this (in the filtered universe) is rare. With the `frequency`
 * strategy every result must contain the query's rarest word, so a rare word would restrict the results to
 * the few passages that have it: passages with it come first, then the others (see `cascade`).
 */
export const RARE_BELOW = 10;

/** At most this many rare words are relaxed, rarest first: each one adds a Meilisearch request. */
const MAX_RELAXED = 3;

export interface QueryPlan {
  /** The query as searched (replacements made, stop words left out). */
  q: string;
  /** Words no passage contains, in any form tried; they were left out. */
  ignored: string[];
  /** Words replaced by a form passages use more. */
  replaced: { word: string; with: string }[];
  /** Rare words, rarest first: passages with them come first, then passages without them. */
  rare: string[];
  /**
   * The queries to search, strictest first: `q`, then `q` without the rarest word, without the two rarest,
   * …; the results of each follow those of the one before.
   */
  cascade: string[];
}

/**
 * The query to search, given how many passages contain each free word (`counts`) and each tried form of the
 * rare or missing ones (`formCounts`). A missing word is replaced by its most frequent form, or left out
 * when no form occurs; a rare word is replaced by a form at least twice as frequent. Word order is kept
 * (proximity ranks words typed side by side). A query whose every free word is missing, with no phrase to
 * search, is left as typed: the empty answer is the honest one. `isStopWord` words are not sent
 * (Meilisearch ignores them, except as a prefix at the end of the query: "… education and" would find
 * "ANDSF").
 */
export function planQuery(
  tokens: QueryToken[],
  counts: ReadonlyMap<string, number>,
  formCounts: ReadonlyMap<string, number> = new Map(),
  isStopWord: (word: string) => boolean = () => false,
): QueryPlan {
  const ignored: string[] = [];
  const replaced: QueryPlan['replaced'] = [];
  const searched: { text: string; count: number }[] = [];
  for (const token of tokens) {
    if (token.kind !== 'word') {
      searched.push({ text: token.text, count: Number.POSITIVE_INFINITY });
      continue;
    }
    if (isStopWord(token.text)) continue;
    const count = counts.get(token.text) ?? Number.POSITIVE_INFINITY;
    const best =
      count < RARE_BELOW
        ? wordForms(token.text)
            .map((form) => ({ form, count: formCounts.get(form) ?? 0 }))
            .filter((f) => f.count > 0 && f.count >= 2 * count)
            .sort((a, b) => b.count - a.count || a.form.localeCompare(b.form))[0]
        : undefined;
    if (best) {
      replaced.push({ word: token.text, with: best.form });
      searched.push({ text: best.form, count: best.count });
    } else if (count > 0) searched.push({ text: token.text, count });
    else ignored.push(token.text);
  }
  const positive = (list: { text: string }[]) => list.some((t) => !t.text.startsWith('-'));
  if (!positive(searched)) {
    const typed = tokens.map((t) => t.text).join(' ');
    return { q: typed, ignored: [], replaced: [], rare: [], cascade: [typed] };
  }
  const rare = searched
    .filter((t) => t.count < RARE_BELOW)
    .sort((a, b) => a.count - b.count)
    .slice(0, MAX_RELAXED);
  const cascade = [searched];
  for (const word of rare) {
    const next = (cascade.at(-1) ?? searched).filter((t) => t !== word);
    if (!positive(next)) break;
    cascade.push(next);
  }
  const join = (list: { text: string }[]) => list.map((t) => t.text).join(' ');
  return {
    q: join(searched),
    ignored,
    replaced,
    rare: rare.slice(0, cascade.length - 1).map((t) => t.text),
    cascade: cascade.map(join),
  };
}
