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

export type QueryToken =
  | { kind: 'word'; text: string }
  /** `unclosed`: typed without its closing quote; read as a phrase to the end of the query. */
  | { kind: 'phrase' | 'negation'; text: string; unclosed?: boolean }
  /**
   * A known term of several words ("Mara Salvatrucha", "domestic violence") or a quoted term: searched as a
   * unit, as the phrase of each of its spellings, never word by word. `text` as typed, without quotes.
   */
  | { kind: 'term'; text: string; spellings: string[] };

/** The query as tokens in the order typed: free words (punctuation at their ends removed), "phrases" and -negations. */
export function queryTokens(q: string): QueryToken[] {
  const tokens: QueryToken[] = [];
  // A phrase, optionally negated (an unclosed quote runs to the end), or a run of non-space characters.
  for (const m of q.matchAll(/-?"[^"]*(?:"|$)|\S+/g)) {
    const text = m[0];
    const phrase = text.replace(/^-/, '');
    const unclosed = phrase.startsWith('"') && (phrase.length === 1 || !phrase.endsWith('"'));
    // An unclosed phrase is closed at the end of the query: Meilisearch would otherwise search it as typed,
    // a stray quote and all. A quote with nothing after it is no phrase and is dropped.
    const closed = unclosed ? `${phrase}"` : phrase;
    if (closed === '""' || closed === '"') continue;
    const flag = unclosed ? { unclosed } : {};
    if (text.startsWith('-') && text.length > 1)
      tokens.push({ kind: 'negation', text: `-${closed}`, ...flag });
    else if (text.startsWith('"')) tokens.push({ kind: 'phrase', text: closed, ...flag });
    else {
      // "women's" is searched as "women": Meilisearch would read the "s" as a word of its own.
      const word = text.replace(/['’]s$/iu, '').replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}+]+$/gu, '');
      if (word) tokens.push({ kind: 'word', text: word });
    }
  }
  return tokens;
}

/** Lower-cased and with runs of spaces collapsed, as Meilisearch normalizes a query before synonyms. */
export function normalizeTerm(phrase: string): string {
  return phrase.trim().toLowerCase().replace(/\s+/g, ' ');
}

/**
 * Finds the known terms of a query: runs of free words that spell a multi-word synonym ("Mara
 * Salvatrucha", "domestic violence"), longest first, and quoted phrases that spell any synonym
 * ("MS-13" in quotes). `synonyms` maps each normalized spelling to its other spellings (the Meilisearch
 * synonyms). Such a term is searched as a unit in every spelling passages use: word by word, the planner
 * would count "Salvatrucha" on its own (no report writes it) and leave it out, and Meilisearch's
 * `frequency` strategy would keep "domestic" of "domestic violence" as the word every result needs; as a
 * plain phrase, it would lose its synonyms (Meilisearch applies none inside quotes).
 */
export function findTerms(tokens: QueryToken[], synonyms: Readonly<Record<string, string[]>>): QueryToken[] {
  const spellingsOf = (key: string) => {
    const others = synonyms[key];
    return others ? [key, ...others] : undefined;
  };
  const longest = Math.max(1, ...Object.keys(synonyms).map((k) => k.split(' ').length));
  const out: QueryToken[] = [];
  for (let i = 0; i < tokens.length; ) {
    const token = tokens[i] as QueryToken;
    if (token.kind === 'phrase') {
      const spellings = spellingsOf(normalizeTerm(token.text.slice(1, -1)));
      out.push(spellings ? { kind: 'term', text: token.text.slice(1, -1), spellings } : token);
      i += 1;
      continue;
    }
    let matched = 0;
    for (let n = Math.min(longest, tokens.length - i); n >= 2 && !matched; n--) {
      const run = tokens.slice(i, i + n);
      if (!run.every((t) => t.kind === 'word')) continue;
      const text = run.map((t) => t.text).join(' ');
      const spellings = spellingsOf(normalizeTerm(text));
      if (spellings) {
        out.push({ kind: 'term', text, spellings });
        matched = n;
      }
    }
    if (!matched) out.push(token);
    i += matched || 1;
  }
  return out;
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

/** The queries of one step of a cascade: one per combination of the spellings its terms are searched in. */
export type CascadeStep = string[];

export interface QueryPlan {
  /** The query as searched (replacements made, stop words left out, terms as the phrase of each spelling). */
  q: string;
  /** Words and terms no passage searched contains, in any form or spelling tried; they were left out. */
  ignored: string[];
  /** Those of `ignored` that older editions contain (when only the latest editions were searched). */
  olderOnly: string[];
  /** No word or term of the query occurs: it is searched as typed (`ignored` is then empty). */
  unmatched: boolean;
  /** Words replaced by a form passages use more. */
  replaced: { word: string; with: string }[];
  /** Rare words and terms, rarest first: passages with them come first, then passages without them. */
  rare: string[];
  /** Known terms searched as a unit, with the spellings passages use that were searched. */
  terms: { term: string; spellings: string[] }[];
  /**
   * What every result of each step contains, strictest step first: its phrases and terms when it has any
   * (Meilisearch never drops a phrase), else its rarest word (the `frequency` strategy drops the most
   * common words first, down to the rarest).
   */
  required: string[][];
  /** An unclosed quote was closed at the end of the query. */
  closedQuote: boolean;
  /** All of the above in words, for the response and the web UI; empty when the query was searched as typed. */
  notice: string;
  /**
   * The steps to search, strictest first: `q`, then `q` without the rarest word, without the two rarest,
   * …; the results of each follow those of the one before.
   */
  cascade: CascadeStep[];
}

/** At most this many queries per step when a query holds several terms with several spellings each. */
const MAX_SPELLING_QUERIES = 4;

type Searched = { text: string; count: number; kind: QueryToken['kind']; spellings?: string[] };

/** The queries of a step: the cross product of its terms' spellings (most used first), each as a phrase. */
function stepQueries(step: Searched[]): string[] {
  let queries: string[][] = [[]];
  for (const item of step) {
    const forms = item.spellings ? item.spellings.map((s) => `"${s}"`) : [item.text];
    queries = queries.flatMap((q) => forms.map((f) => [...q, f]));
  }
  return queries.map((q) => q.join(' '));
}

/**
 * How many spellings each term is searched in, so that a step's queries (the product of its terms'
 * spellings) stay within MAX_SPELLING_QUERIES: all of them for one term, the two most used for two, one for
 * more.
 */
function spellingBudget(tokens: QueryToken[]): number {
  const terms = tokens.filter((t) => t.kind === 'term').length;
  return Math.max(1, Math.floor(MAX_SPELLING_QUERIES ** (1 / Math.max(1, terms))));
}

/** What every result of a step contains (see QueryPlan.required). */
function requiredOf(step: Searched[]): string[] {
  const units = step.filter((t) => t.kind === 'phrase' || t.kind === 'term');
  if (units.length) return units.map((t) => (t.kind === 'phrase' ? t.text.slice(1, -1) : t.text));
  const words = step.filter((t) => t.kind === 'word').sort((a, b) => a.count - b.count);
  return words[0] ? [words[0].text] : [];
}

/**
 * The query to search, given how many passages contain each free word (`counts`), each tried form of the
 * rare or missing ones (`formCounts`) and each spelling of the query's terms as a phrase (`formCounts`
 * too, keyed by spelling). A missing word is replaced by its most frequent form, or left out when no form
 * occurs; a rare word is replaced by a form at least twice as frequent. A term is searched in the
 * spellings that occur, or left out as a whole when none does. Word order is kept (proximity ranks words
 * typed side by side). A query whose every free word is missing, with no phrase to search, is left as
 * typed: the empty answer is the honest one. `isStopWord` words are not sent (Meilisearch ignores them,
 * except as a prefix at the end of the query: "… education and" would find "ANDSF"). `inOlderEditions`:
 * the missing words and terms that older editions hold, for the notice.
 */
export function planQuery(
  tokens: QueryToken[],
  counts: ReadonlyMap<string, number>,
  formCounts: ReadonlyMap<string, number> = new Map(),
  isStopWord: (word: string) => boolean = () => false,
  inOlderEditions: ReadonlySet<string> = new Set(),
): QueryPlan {
  const ignored: string[] = [];
  const replaced: QueryPlan['replaced'] = [];
  const terms: QueryPlan['terms'] = [];
  const searched: Searched[] = [];
  const closedQuote = tokens.some((t) => t.kind !== 'word' && t.kind !== 'term' && t.unclosed);
  for (const token of tokens) {
    if (token.kind === 'term') {
      const used = token.spellings
        .map((spelling) => ({ spelling, count: formCounts.get(spelling) ?? 0 }))
        .filter((s) => s.count > 0)
        .sort((a, b) => b.count - a.count || a.spelling.localeCompare(b.spelling));
      if (!used.length) {
        ignored.push(token.text);
        continue;
      }
      const kept = used.slice(0, spellingBudget(tokens));
      const spellings = kept.map((s) => s.spelling);
      terms.push({ term: token.text, spellings });
      // Passages using two spellings are counted twice: an estimate, used only to tell rare from common.
      searched.push({ ...token, count: kept.reduce((n, s) => n + s.count, 0), spellings });
      continue;
    }
    if (token.kind !== 'word') {
      searched.push({ text: token.text, count: Number.POSITIVE_INFINITY, kind: token.kind });
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
      searched.push({ text: best.form, count: best.count, kind: 'word' });
    } else if (count > 0) searched.push({ text: token.text, count, kind: 'word' });
    else ignored.push(token.text);
  }
  const positive = (list: Searched[]) => list.some((t) => t.kind !== 'negation');
  if (!positive(searched)) {
    const typed = tokens.map((t) => (t.kind === 'term' ? `"${t.text}"` : t.text)).join(' ');
    return {
      q: typed,
      ignored: [],
      olderOnly: ignored.filter((w) => inOlderEditions.has(w)),
      unmatched: true,
      replaced: [],
      rare: [],
      terms: [],
      required: [],
      closedQuote,
      notice: closedQuote ? CLOSED_QUOTE : '',
      cascade: [[typed]],
    };
  }
  const rare = searched
    .filter((t) => t.count < RARE_BELOW)
    .sort((a, b) => a.count - b.count)
    .slice(0, MAX_RELAXED);
  const steps = [searched];
  for (const word of rare) {
    const next = (steps.at(-1) ?? searched).filter((t) => t !== word);
    if (!positive(next)) break;
    steps.push(next);
  }
  const cascade = steps.map(stepQueries);
  const plan = {
    q: cascade[0]?.join(' | ') ?? '',
    ignored,
    olderOnly: ignored.filter((w) => inOlderEditions.has(w)),
    unmatched: false,
    replaced,
    rare: rare.slice(0, steps.length - 1).map((t) => t.text),
    terms,
    required: steps.map(requiredOf),
    closedQuote,
    cascade,
  };
  const loose = steps.length === 1 && positiveItems(searched) > (plan.required[0]?.length ?? 0);
  return { ...plan, notice: describePlan(plan, loose) };
}

const positiveItems = (list: Searched[]) => list.filter((t) => t.kind !== 'negation').length;

const CLOSED_QUOTE =
  'The closing quotation mark was missing; the quoted words were searched as a phrase to the end of the query.';

const quote = (s: string) => `“${s}”`;
const listOf = (items: string[], joiner = 'and') =>
  items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} ${joiner} ${items.at(-1)}`;

/**
 * The plan in words (QueryPlan.notice): what was left out or replaced, how terms and an
 * unclosed quote were read, and what the results were required to contain.
 */
function describePlan(plan: Omit<QueryPlan, 'notice'>, loose: boolean): string {
  const parts: string[] = [];
  if (plan.closedQuote) parts.push(CLOSED_QUOTE);
  const nowhere = plan.ignored.filter((w) => !plan.olderOnly.includes(w));
  const without = (items: string[]) => `searched without ${items.length > 1 ? 'them' : 'it'}`;
  if (nowhere.length)
    parts.push(`No passage contains ${listOf(nowhere.map(quote), 'or')}; ${without(nowhere)}.`);
  if (plan.olderOnly.length) {
    parts.push(
      `No passage of the latest editions contains ${listOf(plan.olderOnly.map(quote), 'or')}, but older editions do; ${without(plan.olderOnly)}.`,
    );
  }
  for (const r of plan.replaced)
    parts.push(`${quote(r.word)} was searched as ${quote(r.with)}, the form the reports use.`);
  for (const t of plan.terms) {
    const others = t.spellings.filter((s) => s !== normalizeTerm(t.term));
    parts.push(
      others.length
        ? `${quote(t.term)} was searched as one term, with its other spelling${others.length > 1 ? 's' : ''} ${listOf(others.map(quote), 'and')}.`
        : `${quote(t.term)} was searched as one term.`,
    );
  }
  // A term is contained in any of its spellings.
  const named = (items: string[]) =>
    listOf(
      items.map((item) =>
        (plan.terms.find((t) => t.term === item)?.spellings.length ?? 0) > 1
          ? `${quote(item)} (in one of its spellings)`
          : quote(item),
      ),
    );
  const [only] = plan.required;
  if (plan.required.length === 1 && only?.length && loose) {
    parts.push(`Every result contains ${named(only)}; results with more of the other words rank first.`);
  } else if (plan.required.length > 1) {
    const [first, ...rest] = plan.required.map(named);
    parts.push(
      `Few passages contain ${listOf(plan.rare.map(quote), 'or')}: results containing ${first} come first, then results containing ${rest.join(', then ')}.`,
    );
  }
  return parts.join(' ');
}
