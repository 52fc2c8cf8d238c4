import { describe, expect, it } from 'vitest';
import { searchSynonyms } from '../../indexer/settings.ts';
import { findTerms, planQuery, queryTokens, RARE_BELOW, STOP_WORDS, wordForms } from '../../server/query.ts';
import { fixtureTaxonomy } from '../helpers/passage-index.ts';

const isStopWord = (w: string) => STOP_WORDS.has(w.toLowerCase());
const counts = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('query tokens', () => {
  it('keeps "phrases" and -negations as typed, and trims punctuation and possessives off free words', () => {
    expect(
      queryTokens('police, "domestic violence" -femicide -"state of exception" women’s (rights)'),
    ).toEqual([
      { kind: 'word', text: 'police' },
      { kind: 'phrase', text: '"domestic violence"' },
      { kind: 'negation', text: '-femicide' },
      { kind: 'negation', text: '-"state of exception"' },
      { kind: 'word', text: 'women' },
      { kind: 'word', text: 'rights' },
    ]);
    expect(queryTokens('MS-13 LGBTQI+ "unclosed phrase')).toEqual([
      { kind: 'word', text: 'MS-13' },
      { kind: 'word', text: 'LGBTQI+' },
      { kind: 'phrase', text: '"unclosed phrase"', unclosed: true },
    ]);
    // A stray quote at the end is no phrase; an unclosed negated phrase is closed too.
    expect(queryTokens('police "')).toEqual([{ kind: 'word', text: 'police' }]);
    expect(queryTokens('police -"state of')).toEqual([
      { kind: 'word', text: 'police' },
      { kind: 'negation', text: '-"state of"', unclosed: true },
    ]);
  });
});

describe('known terms', () => {
  const synonyms = searchSynonyms(fixtureTaxonomy) as Record<string, string[]>;

  it('keeps a multi-word synonym together, and reads a quoted synonym as a term', () => {
    expect(findTerms(queryTokens('Mara Salvatrucha recruitment'), synonyms)).toEqual([
      { kind: 'term', text: 'Mara Salvatrucha', spellings: ['mara salvatrucha', 'ms-13'] },
      { kind: 'word', text: 'recruitment' },
    ]);
    expect(findTerms(queryTokens('police inaction on domestic violence'), synonyms).at(-1)).toMatchObject({
      kind: 'term',
      text: 'domestic violence',
      spellings: expect.arrayContaining(['domestic violence', 'intimate partner violence']),
    });
    expect(findTerms(queryTokens('"Mara Salvatrucha"'), synonyms)).toEqual([
      { kind: 'term', text: 'Mara Salvatrucha', spellings: ['mara salvatrucha', 'ms-13'] },
    ]);
    // Not a synonym: left as typed; a negated term keeps its exact meaning.
    expect(findTerms(queryTokens('"failed to investigate" -"MS-13" violence'), synonyms)).toEqual([
      { kind: 'phrase', text: '"failed to investigate"' },
      { kind: 'negation', text: '-"MS-13"' },
      { kind: 'word', text: 'violence' },
    ]);
  });
});

describe('word forms', () => {
  it('guesses the other forms of a word that a report may use', () => {
    expect(wordForms('stripping')).toEqual(expect.arrayContaining(['strip', 'stripped', 'strips']));
    expect(wordForms('deportees')).toEqual(expect.arrayContaining(['deported', 'deportation', 'deportee']));
    expect(wordForms('recruitment')).toEqual(expect.arrayContaining(['recruited', 'recruit', 'recruiting']));
    expect(wordForms('stripping')).not.toContain('stripping');
  });

  it('leaves short words, numbers and codes alone', () => {
    expect(wordForms('rape')).toEqual(expect.arrayContaining(['raped', 'rapes']));
    expect(wordForms('ban')).toEqual([]);
    expect(wordForms('2023')).toEqual([]);
    expect(wordForms('MS-13')).toEqual([]);
  });
});

describe('query plan', () => {
  const common = RARE_BELOW * 5;

  it('searches a query whose words all occur as typed, without its stop words', () => {
    const plan = planQuery(
      queryTokens('treatment of deportees on return'),
      counts({ treatment: common, deportees: common, return: common }),
      new Map(),
      isStopWord,
    );
    expect(plan).toEqual({
      q: 'treatment deportees return',
      ignored: [],
      olderOnly: [],
      unmatched: false,
      replaced: [],
      rare: [],
      terms: [],
      required: [['treatment']],
      closedQuote: false,
      notice: 'Every result contains “treatment”; results with more of the other words rank first.',
      cascade: [['treatment deportees return']],
    });
  });

  it('replaces a missing word by the form passages use, or leaves it out', () => {
    const plan = planQuery(
      queryTokens('stripping of citizenship from political opponents inaction'),
      counts({ stripping: 0, citizenship: common, political: common, opponents: common, inaction: 0 }),
      counts({ stripped: common, strips: 2 }),
      isStopWord,
    );
    expect(plan.q).toBe('stripped citizenship political opponents');
    expect(plan.replaced).toEqual([{ word: 'stripping', with: 'stripped' }]);
    expect(plan.ignored).toEqual(['inaction']);
  });

  it('replaces a rare word only by a form at least twice as frequent', () => {
    const tokens = queryTokens('deportees return');
    expect(
      planQuery(tokens, counts({ deportees: 2, return: common }), counts({ deported: 4 })).replaced,
    ).toEqual([{ word: 'deportees', with: 'deported' }]);
    expect(
      planQuery(tokens, counts({ deportees: 2, return: common }), counts({ deported: 3 })).replaced,
    ).toEqual([]);
  });

  it('relaxes rare words one at a time, rarest first, so they cannot restrict every result', () => {
    const plan = planQuery(
      queryTokens('killings of civilians Anglophone regions citizenship'),
      counts({ killings: common, civilians: common, Anglophone: 1, regions: common, citizenship: 4 }),
      new Map(),
      isStopWord,
    );
    expect(plan.rare).toEqual(['Anglophone', 'citizenship']);
    expect(plan.cascade).toEqual([
      ['killings civilians Anglophone regions citizenship'],
      ['killings civilians regions citizenship'],
      ['killings civilians regions'],
    ]);
    // The rarest word of each step is what Meilisearch's frequency strategy keeps to the end.
    expect(plan.required).toEqual([['Anglophone'], ['citizenship'], ['killings']]);
  });

  it('keeps phrases and negations in place and never relaxes a query down to negations only', () => {
    const plan = planQuery(
      queryTokens('Anglophone -separatists'),
      counts({ Anglophone: 1 }),
      new Map(),
      isStopWord,
    );
    expect(plan.cascade).toEqual([['Anglophone -separatists']]);
    expect(plan.rare).toEqual([]);
    const phrase = planQuery(queryTokens('"failed to investigate" Anglophone'), counts({ Anglophone: 1 }));
    expect(phrase.cascade).toEqual([['"failed to investigate" Anglophone'], ['"failed to investigate"']]);
    expect(phrase.required).toEqual([['failed to investigate'], ['failed to investigate']]);
  });

  it('leaves a query whose every word is missing as typed', () => {
    const plan = planQuery(queryTokens('xyzzy plugh'), counts({ xyzzy: 0, plugh: 0 }));
    expect(plan).toMatchObject({ q: 'xyzzy plugh', ignored: [], replaced: [], rare: [], notice: '' });
    expect(plan.cascade).toEqual([['xyzzy plugh']]);
    const stop = planQuery(queryTokens('of the'), new Map(), new Map(), isStopWord);
    expect(stop.cascade).toEqual([['of the']]);
  });

  it('searches a term in each spelling passages use, as phrases, and never word by word', () => {
    const synonyms = searchSynonyms(fixtureTaxonomy) as Record<string, string[]>;
    const tokens = findTerms(queryTokens('police inaction on domestic violence'), synonyms);
    const plan = planQuery(
      tokens,
      counts({ police: common, inaction: 0 }),
      counts({ 'domestic violence': common, 'intimate partner violence': 12, 'family violence': 0 }),
      isStopWord,
    );
    expect(plan.cascade).toEqual([['police "domestic violence"', 'police "intimate partner violence"']]);
    expect(plan.terms).toEqual([
      { term: 'domestic violence', spellings: ['domestic violence', 'intimate partner violence'] },
    ]);
    expect(plan.required).toEqual([['domestic violence']]);
    expect(plan.notice).toBe(
      'No passage contains “inaction”; searched without it. “domestic violence” was searched as one term, with its other spelling “intimate partner violence”. Every result contains “domestic violence” (in one of its spellings); results with more of the other words rank first.',
    );
    // No spelling occurs: the term is left out whole, not searched as "domestic".
    const none = planQuery(tokens, counts({ police: common, inaction: 0 }), new Map(), isStopWord);
    expect(none.ignored).toEqual(['inaction', 'domestic violence']);
    expect(none.cascade).toEqual([['police']]);
    expect(none.notice).toBe('No passage contains “inaction” or “domestic violence”; searched without them.');
    // Only the latest editions were searched, and older ones hold the term: the notice says so.
    const older = planQuery(
      tokens,
      counts({ police: common, inaction: 0 }),
      new Map(),
      isStopWord,
      new Set(['domestic violence']),
    );
    expect(older.olderOnly).toEqual(['domestic violence']);
    expect(older.notice).toBe(
      'No passage contains “inaction”; searched without it. No passage of the latest editions contains “domestic violence”, but older editions do; searched without it.',
    );
  });

  it('keeps a step to four queries however many terms and spellings a query has', () => {
    const synonyms = searchSynonyms(fixtureTaxonomy) as Record<string, string[]>;
    const tokens = findTerms(queryTokens('domestic violence female genital mutilation'), synonyms);
    const plan = planQuery(
      tokens,
      new Map(),
      counts({
        'domestic violence': common,
        'intimate partner violence': 12,
        'family violence': 11,
        'female genital mutilation': common,
        fgm: 30,
        'fgm/c': 20,
      }),
    );
    // Two terms: the two most used spellings of each, 2 × 2 queries, and `terms` lists what was searched.
    expect(plan.cascade[0]).toHaveLength(4);
    expect(plan.terms.map((t) => t.spellings)).toEqual([
      ['domestic violence', 'intimate partner violence'],
      ['female genital mutilation', 'fgm'],
    ]);
  });

  it('says that an unclosed quote was read as a phrase to the end', () => {
    const plan = planQuery(queryTokens('police "failed to investigate'), counts({ police: common }));
    expect(plan.cascade).toEqual([['police "failed to investigate"']]);
    expect(plan.closedQuote).toBe(true);
    expect(plan.notice).toContain('The closing quotation mark was missing');
  });
});
