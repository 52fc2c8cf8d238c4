/**
 * Tagging by the taxonomy (core/taxonomy.yaml): every tag lists the terms that produced it, so a tag can
 * always be explained. Terms match whole words, case-insensitively; a trailing "*" matches any ending. A
 * match does not count inside an excluded phrase ("presidential race"), inside an absence statement
 * ("There were no reports of religious discrimination"), inside a boilerplate list of protected
 * characteristics ("based on race, sex, religion, disability, …") or in a sentence that only describes a
 * population ("The Jewish community numbered fewer than 100") or inside a place name ("Kachin State"). Some
 * terms count only next to words of harm ("arrested journalists", not "journalists reported"). A heading
 * can give its tag to the passages beneath it ("§ Women"), unless the passage only reports an absence; a
 * passage that only points to another report gets no tags.
 */
import type { TagAxis, TagMatch } from '../core/contract.ts';
import type { TagDefinition, TaggingRules, Taxonomy } from '../core/taxonomy.ts';
import { sentenceSpans } from './sentences.ts';

type Span = [number, number];

const lastWords = (s: string, n: number) => s.split(/\s+/).filter(Boolean).slice(-n).join(' ');
const firstWords = (s: string, n: number) => s.split(/\s+/).filter(Boolean).slice(0, n).join(' ');

interface CompiledTag {
  axis: TagAxis;
  id: string;
  negatable: boolean;
  properNames: boolean;
  requires: TagAxis | undefined;
  pattern: RegExp;
  contextual: {
    pattern: RegExp;
    near: RegExp;
    within: number | undefined;
    unless: RegExp | null;
    notUnder: RegExp[];
  }[];
  exclude: RegExp | null;
  sections: RegExp[];
  sectionsExcept: RegExp[];
  sectionsWith: { sections: RegExp[]; near: RegExp; notUnder: RegExp[] }[];
  notUnder: RegExp[];
}

const WORD_CHAR = '[\\p{L}\\p{N}]';

function termSource(term: string): string {
  const wildcard = term.endsWith('*');
  const body = (wildcard ? term.slice(0, -1) : term)
    .trim()
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/['’]/g, "['’]")
    .replace(/-/g, '[-‐‑ ]?')
    .replace(/\s+/g, '\\s+');
  return wildcard ? `${body}[\\p{L}\\p{N}'’-]*` : body;
}

/** Whole-word alternation of terms, longest first. */
function alternation(terms: readonly string[]): RegExp {
  const sorted = [...terms].sort((a, b) => b.length - a.length).map(termSource);
  return new RegExp(`(?<!${WORD_CHAR})(?:${sorted.join('|')})(?!${WORD_CHAR})`, 'giu');
}

/** A heading pattern: the whole heading, with or without its "a." letter; a trailing "*" leaves it open. */
function headingPattern(heading: string): RegExp {
  const open = heading.endsWith('*');
  const body = (open ? heading.slice(0, -1) : heading)
    .trim()
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\s+/g, '\\s+');
  return new RegExp(`^${body}${open ? '' : '$'}`, 'iu');
}

const withoutLetter = (heading: string) => heading.replace(/^[a-z]\.\s+/, '');

function headingMatches(patterns: readonly RegExp[], heading: string): boolean {
  return patterns.some((p) => p.test(heading) || p.test(withoutLetter(heading)));
}

const CLAUSE_END = /;|,?\s+(?:but|however|although|though|yet|except|whereas|while)\b|\s+–\s+/giu;

function inside(spans: readonly Span[], start: number, end: number): boolean {
  return spans.some(([a, b]) => start >= a && end <= b);
}

/** text[start, end) with the parts covered by `spans` replaced by spaces. */
function blanked(text: string, spans: readonly Span[], start: number, end: number): string {
  const chars = text.slice(start, end).split('');
  for (const [a, b] of spans)
    for (let i = Math.max(a, start); i < Math.min(b, end); i++) chars[i - start] = ' ';
  return chars.join('');
}

export class Tagger {
  private readonly tags: CompiledTag[];
  private readonly negation: RegExp[];
  private readonly absence: RegExp[];
  private readonly enumerationCue: RegExp | null;
  private readonly characteristics: RegExp | null;
  private readonly enumerationMinimum: number;
  private readonly demographic: RegExp[];
  private readonly demographicUnless: RegExp[];
  private readonly pointers: RegExp[];
  private readonly ignore: RegExp[];
  private readonly tally: RegExp | null;
  private readonly tallyNumber: RegExp | null;
  private readonly attributionSource: RegExp | null;
  private readonly attributionVerb: RegExp | null;
  private readonly attributionSubject: RegExp | null;
  private readonly attributionAfter: RegExp | null;
  private readonly attributionBefore: RegExp | null;
  private readonly place: RegExp | null;
  private readonly organization: RegExp | null;
  private readonly summaries: RegExp[];

  constructor(taxonomy: Taxonomy) {
    const compile = (axis: TagAxis, def: TagDefinition): CompiledTag => ({
      axis,
      id: def.id,
      negatable: def.negatable,
      properNames: def.properNames,
      requires: def.requires,
      pattern: alternation(def.terms),
      contextual: def.contextual.map((c) => ({
        pattern: alternation(c.terms),
        near: alternation(c.near),
        within: c.within,
        unless: c.unless.length ? alternation(c.unless) : null,
        notUnder: c.notUnder.map(headingPattern),
      })),
      exclude: def.exclude.length ? alternation(def.exclude) : null,
      sections: def.sections.map(headingPattern),
      sectionsExcept: def.sectionsExcept.map(headingPattern),
      sectionsWith: def.sectionsWith.map((c) => ({
        sections: c.sections.map(headingPattern),
        near: alternation(c.near),
        notUnder: c.notUnder.map(headingPattern),
      })),
      notUnder: def.notUnder.map(headingPattern),
    });
    this.tags = [
      ...taxonomy.grounds.map((d) => compile('ground', d)),
      ...taxonomy.topics.map((d) => compile('topic', d)),
      ...taxonomy.elements.map((d) => compile('element', d)),
    ];
    const rules: TaggingRules = taxonomy.rules;
    this.negation = rules.negation.map((p) => new RegExp(p, 'giu'));
    this.absence = rules.absence.map((p) => new RegExp(p, 'iu'));
    this.enumerationCue = rules.enumeration ? alternation(rules.enumeration.cues) : null;
    this.characteristics = rules.enumeration ? alternation(rules.enumeration.characteristics) : null;
    this.enumerationMinimum = rules.enumeration?.minimum ?? Number.POSITIVE_INFINITY;
    this.demographic = (rules.demographic?.patterns ?? []).map((p) => new RegExp(p, 'iu'));
    this.demographicUnless = (rules.demographic?.unless ?? []).map((p) => new RegExp(p, 'iu'));
    this.pointers = rules.pointers.map((p) => new RegExp(p, 'iu'));
    // Case matters: "Kachin State" is a place, "the state arrested Kachin activists" is not.
    this.place = rules.places.length
      ? new RegExp(
          `^(?:,?\\s+(?:and\\s+)?\\p{Lu}[\\p{L}-]*)*\\s+(?:${rules.places.map(termSource).join('|')})(?!${WORD_CHAR})`,
          'u',
        )
      : null;
    // "Kurdistan Workers’ Party", "Uyghur Human Rights Project": a name that opens with the term.
    this.organization = rules.organizations.length
      ? new RegExp(
          `^(?:\\s+(?:\\p{Lu}[\\p{L}’'-]*|of|for|and|the|on|in))*?\\s+(?:${rules.organizations.map(termSource).join('|')})(?!${WORD_CHAR})`,
          'u',
        )
      : null;
    this.summaries = rules.summaries.map(headingPattern);
    this.ignore = rules.ignore.map((p) => new RegExp(p, 'giu'));
    this.tally = rules.tallies
      ? new RegExp(`^(?:${rules.tallies.terms.map(termSource).join('|')})$`, 'iu')
      : null;
    this.tallyNumber = rules.tallies
      ? new RegExp(
          `(?<![\\p{L}])(?:\\d[\\d,]*|${rules.tallies.numbers.map(termSource).join('|')})\\s+$`,
          'iu',
        )
      : null;
    const attribution = rules.attribution;
    this.attributionVerb = attribution
      ? new RegExp(`^(?:${attribution.verbs.map(termSource).join('|')})$`, 'iu')
      : null;
    // "Human rights organizations, minority political parties, and affected communities criticized".
    this.attributionSubject = attribution
      ? new RegExp(
          `(?<!${WORD_CHAR})(?:${attribution.sources.map(termSource).join('|')})(?:[\\s,]+[\\p{L}’'-]+){0,6}?[\\s,]*$`,
          'iu',
        )
      : null;
    this.attributionSource = attribution
      ? new RegExp(`^(?:${attribution.sources.map(termSource).join('|')})$`, 'iu')
      : null;
    // "activists reported", "human rights activists and local media reported", "NGOs (…) stated" — but not
    // the verb of a later clause: "NGOs denied registration, and it stipulated that NGOs found to have …",
    // nor a source that reports harm to itself: "relatives reported receiving death threats".
    this.attributionAfter = attribution
      ? new RegExp(
          `^\\)?(?:\\s*\\([^)]*\\)|\\s*,?\\s+(?!(?:was|were|is|are|had|have|has|been|not|that|which|who|whom|it|they|he|she|we|could|would|should|may|might|must|can|will)\\b)[\\p{L}\\p{N}’'+-]+){0,10}?,?\\s+(?:${attribution.verbs.map(termSource).join('|')})(?!${WORD_CHAR})(?!\\s+(?:on|receiving|being|facing|experiencing)\\b)`,
          'iu',
        )
      : null;
    // "according to NGOs", "a study by the … Observatory" — but "a study by … noted that relatives were fired"
    // reports what was done to the relatives: the words after "that" are a new clause.
    this.attributionBefore = attribution?.before.length
      ? new RegExp(
          `(?:${attribution.before.map(termSource).join('|')})(?:\\s+(?!that\\b)[\\p{L}\\p{N}’'(),-]+){0,8}?\\s*$`,
          'iu',
        )
      : null;
  }

  /** Tags for a passage; `sectionPath` lets headings such as "Women" contribute. */
  tag(text: string, sectionPath: readonly string[] = []): TagMatch[] {
    if (this.pointers.some((p) => p.test(text.trim()))) return [];
    // A run-in label ("Restrictions of Freedom of Expression, …: ") is the passage's heading, not its words.
    const label = sectionPath.at(-1);
    const labelEnd = label && text.startsWith(label) ? /^\s?:/.exec(text.slice(label.length)) : null;
    const bodyStart = label && labelEnd ? label.length + labelEnd[0].length : 0;
    const sentences = sentenceSpans(text);
    const negated = this.negatedSpans(text, sentences);
    const lists = this.enumerationSpans(text, sentences);
    // "The Jewish population was very small, and there were no reports of antisemitic incidents": harm
    // words inside an absence statement do not make a population figure more than that.
    const demographic = sentences.filter(([a, b]) =>
      this.isDemographic(text.slice(a, b), blanked(text, negated, a, b)),
    );
    const ignored: Span[] = this.ignore.flatMap((p) =>
      [...text.matchAll(p)].map((m): Span => [m.index, m.index + m[0].length]),
    );
    // A sentence says something when an absence statement or a population figure is not all it is.
    const substantive = sentences.some(([a, b]) => {
      if (inside(demographic, a, b)) return false;
      const covered = negated
        .filter(([x, y]) => x < b && y > a)
        .reduce((n, [x, y]) => n + Math.min(y, b) - Math.max(x, a), 0);
      return covered < (b - a) * 0.5;
    });
    const counts = (tag: CompiledTag, start: number, end: number, excluded: readonly Span[]) =>
      start >= bodyStart &&
      !inside(ignored, start, end) &&
      !this.isTally(text, start, end) &&
      !this.isAttribution(text, start, end) &&
      !inside(excluded, start, end) &&
      !inside(lists, start, end) &&
      !inside(demographic, start, end) &&
      !this.place?.test(text.slice(end, end + 80)) &&
      !this.opensName(text, start, end) &&
      !(tag.negatable && inside(negated, start, end)) &&
      (tag.properNames || !inProperName(text, start, sentences));

    // A summary lists its findings: "violence against journalists, lawyers, women, and other groups".
    const summary = this.isUnder(this.summaries, sectionPath);
    const result: TagMatch[] = [];
    for (const tag of this.tags) {
      if (this.isUnder(tag.notUnder, sectionPath)) continue;
      const excluded: Span[] = [];
      if (tag.exclude)
        for (const m of text.matchAll(tag.exclude)) excluded.push([m.index, m.index + m[0].length]);
      const terms = new Set<string>();
      for (const m of text.matchAll(tag.pattern)) {
        if (counts(tag, m.index, m.index + m[0].length, excluded)) terms.add(normalizeTerm(m[0]));
      }
      for (const { pattern, near, within, unless, notUnder } of tag.contextual) {
        if (this.isUnder(notUnder, sectionPath)) continue;
        for (const m of text.matchAll(pattern)) {
          const sentence = sentences.find(([a, b]) => m.index >= a && m.index < b);
          if (!sentence) continue;
          // The context must be real words of the sentence, not an excluded phrase ("in good faith").
          const base = Math.max(sentence[0], bodyStart);
          let context = text.slice(base, sentence[1]);
          for (const [a, b] of excluded) {
            const from = Math.max(a, base) - base;
            const to = Math.min(b, sentence[1]) - base;
            if (to > from) context = context.slice(0, from) + ' '.repeat(to - from) + context.slice(to);
          }
          if (unless) {
            unless.lastIndex = 0;
            if (unless.test(context)) continue;
          }
          // "threatened family members", not "family members visited detainees".
          if (within !== undefined && !summary) {
            const [from, to] = [m.index - base, m.index + m[0].length - base];
            context = `${lastWords(context.slice(0, Math.max(0, from)), within)} ${firstWords(context.slice(to), within)}`;
          }
          near.lastIndex = 0;
          if (!near.test(context)) continue;
          if (counts(tag, m.index, m.index + m[0].length, excluded)) terms.add(normalizeTerm(m[0]));
        }
      }
      if (substantive) {
        const heading = this.sectionHeading(tag, sectionPath, text, negated, bodyStart);
        if (heading) terms.add(`§ ${heading}`);
      }
      if (terms.size > 0) result.push({ axis: tag.axis, tag: tag.id, terms: [...terms] });
    }
    const axes = new Set(result.map((m) => m.axis));
    return result.filter((m) => {
      const requires = this.tags.find((t) => t.axis === m.axis && t.id === m.tag)?.requires;
      return !requires || axes.has(requires);
    });
  }

  /** Does a capitalised term open the name of an organisation ("Kurdistan Workers’ Party")? */
  private opensName(text: string, start: number, end: number): boolean {
    return (
      this.organization !== null &&
      /^\p{Lu}/u.test(text.slice(start, start + 1)) &&
      this.organization.test(text.slice(end, end + 80))
    );
  }

  /** The heading that gives the tag: one of `sections`, or one of `sectionsWith` whose words the passage has. */
  private sectionHeading(
    tag: CompiledTag,
    sectionPath: readonly string[],
    text: string,
    negated: readonly Span[],
    bodyStart: number,
  ): string | null {
    const heading = sectionPath.find((h) => headingMatches(tag.sections, h));
    if (heading && !this.isUnder(tag.sectionsExcept, sectionPath)) return heading;
    for (const { sections, near, notUnder } of tag.sectionsWith) {
      const under = sectionPath.find((h) => headingMatches(sections, h));
      if (!under || this.isUnder(notUnder, sectionPath)) continue;
      for (const m of text.matchAll(near))
        if (m.index >= bodyStart && !inside(negated, m.index, m.index + m[0].length)) return under;
    }
    return null;
  }

  private isUnder(patterns: readonly RegExp[], sectionPath: readonly string[]): boolean {
    return patterns.length > 0 && sectionPath.some((h) => headingMatches(patterns, h));
  }

  /** Is the match a source of information ("activists reported", "according to NGOs", "NGOs criticized")? */
  private isAttribution(text: string, start: number, end: number): boolean {
    const term = text.slice(start, end);
    if (
      this.attributionVerb?.test(term) &&
      this.attributionSubject?.test(text.slice(Math.max(0, start - 100), start))
    )
      return true;
    if (!this.attributionSource?.test(term)) return false;
    if (this.attributionAfter?.test(text.slice(end, end + 120))) return true;
    const before = text.slice(Math.max(0, start - 80), start);
    const clause = before.slice(Math.max(before.lastIndexOf('.'), before.lastIndexOf(';')) + 1);
    return this.attributionBefore?.test(clause) ?? false;
  }

  /** Whole sentences that report all is well, and from each absence cue to the end of its clause. */
  private negatedSpans(text: string, sentences: readonly Span[]): Span[] {
    // "The government generally respected these rights, except in three areas" is not all well.
    const spans: Span[] = sentences.filter(([a, b]) => {
      const sentence = text.slice(a, b);
      CLAUSE_END.lastIndex = 0;
      return this.absence.some((p) => p.test(sentence)) && !CLAUSE_END.test(sentence);
    });
    for (const pattern of this.negation) {
      for (const m of text.matchAll(pattern)) {
        const sentenceEnd = sentences.find(([a, b]) => m.index >= a && m.index < b)?.[1] ?? text.length;
        CLAUSE_END.lastIndex = m.index + m[0].length;
        const clause = CLAUSE_END.exec(text);
        const end = clause && clause.index < sentenceEnd ? clause.index : sentenceEnd;
        spans.push([m.index, end]);
      }
    }
    return spans;
  }

  /**
   * "based on race, sex, religion, language, disability, …": a list of at least `minimum` characteristics, from
   * its cue to the end of the clause; and a clause that lists as many without a cue ("likely to ridicule, degrade,
   * or demean … a tribe, an ethnicity, a religion or gender") as a whole.
   */
  private enumerationSpans(text: string, sentences: readonly Span[]): Span[] {
    if (!this.enumerationCue || !this.characteristics) return [];
    const characteristics = this.characteristics;
    const listsEnough = (start: number, end: number) =>
      new Set([...text.slice(start, end).matchAll(characteristics)].map((c) => normalizeTerm(c[0]))).size >=
      this.enumerationMinimum;
    const clauseEnd = (from: number, sentenceEnd: number) => {
      const semicolon = text.indexOf(';', from);
      return semicolon >= 0 && semicolon < sentenceEnd ? semicolon : sentenceEnd;
    };
    const spans: Span[] = [];
    for (const m of text.matchAll(this.enumerationCue)) {
      const sentenceEnd = sentences.find(([a, b]) => m.index >= a && m.index < b)?.[1] ?? text.length;
      const end = clauseEnd(m.index, sentenceEnd);
      if (listsEnough(m.index, end)) spans.push([m.index, end]);
    }
    for (const [a, b] of sentences) {
      for (let start = a; start < b; ) {
        const end = clauseEnd(start, b);
        if (listsEnough(start, end)) spans.push([start, end]);
        start = end + 1;
      }
    }
    return spans;
  }

  /** "14 women", "five children": a head count, not a group being targeted. */
  private isTally(text: string, start: number, end: number): boolean {
    if (!this.tally?.test(text.slice(start, end))) return false;
    return this.tallyNumber?.test(text.slice(Math.max(0, start - 20), start)) ?? false;
  }

  /** `asserted` is the sentence without its absence statements, where harm words would have to stand. */
  private isDemographic(sentence: string, asserted: string): boolean {
    return (
      this.demographic.some((p) => p.test(sentence)) && !this.demographicUnless.some((p) => p.test(asserted))
    );
  }
}

/**
 * A capitalised word inside a name: "Federation of Cuban Women", "Rakhine Women’s Network". The word is
 * capitalised, does not open its sentence, and follows another capitalised word (skipping of/the/for/and).
 */
function inProperName(text: string, start: number, sentences: readonly Span[]): boolean {
  if (!/^\p{Lu}/u.test(text.slice(start, start + 1))) return false;
  if (sentences.some(([a]) => a === start)) return false;
  const before = text
    .slice(Math.max(0, start - 60), start)
    .split(/\s+/)
    .filter(Boolean);
  while (before.length && /^(of|the|for|and|on)$/i.test(before.at(-1) ?? '')) before.pop();
  const previous = before.at(-1) ?? '';
  return /^\p{Lu}/u.test(previous) && !/[.:;!?]$/.test(previous);
}

function normalizeTerm(term: string): string {
  return term.toLowerCase().replace(/\s+/g, ' ').replace(/’/g, "'");
}
