/**
 * What changed between two editions of a report, section by section and passage by passage. Passages are
 * matched on their words, not their ids (ids belong to one edition): first identical text, then the most
 * similar text (Dice coefficient of word pairs), each passage used once. What is left over was added or
 * removed. Sections are compared by their heading path; a section whose passages all went is "removed",
 * which is how the 2024 State Department edition shows the Section 6 subsections it dropped.
 */
import { normalizeForId } from '../core/ids.ts';

export interface DiffPassage {
  id: string;
  sectionPath: string[];
  paragraph: number;
  page: number | null;
  order: number;
  text: string;
}

export interface PassageChange<P extends DiffPassage = DiffPassage> {
  from: P;
  to: P;
  /** 0–1: Dice coefficient of the two texts' word pairs (1 for identical text). */
  similarity: number;
  textChanged: boolean;
  sectionChanged: boolean;
}

export interface SectionChange {
  sectionPath: string[];
  /** Passages in the section in the older (`from`) and newer (`to`) edition. */
  passagesFrom: number;
  passagesTo: number;
  added: number;
  removed: number;
  changed: number;
}

export interface EditionDiff<P extends DiffPassage = DiffPassage> {
  sections: { added: SectionChange[]; removed: SectionChange[]; changed: SectionChange[]; unchanged: number };
  passages: { added: P[]; removed: P[]; changed: PassageChange<P>[]; unchanged: number };
}

/** Below this similarity two passages are different passages, not two versions of one. */
export const SIMILARITY_THRESHOLD = 0.5;

function wordPairs(text: string): Set<string> {
  const words = normalizeForId(text)
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
  const pairs = new Set<string>();
  for (let i = 0; i + 1 < words.length; i++) pairs.add(`${words[i]} ${words[i + 1]}`);
  if (words.length === 1 && words[0]) pairs.add(words[0]);
  return pairs;
}

export function similarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return (2 * shared) / (a.size + b.size);
}

const pathKey = (path: readonly string[]) => path.map((h) => normalizeForId(h)).join('\u001f');
const samePath = (a: readonly string[], b: readonly string[]) => pathKey(a) === pathKey(b);

export function diffEditions<P extends DiffPassage>(fromPassages: P[], toPassages: P[]): EditionDiff<P> {
  const from = [...fromPassages].sort((a, b) => a.order - b.order);
  const to = [...toPassages].sort((a, b) => a.order - b.order);
  const matchedFrom = new Set<number>();
  const matchedTo = new Set<number>();
  const pairs: { f: number; t: number; similarity: number }[] = [];

  // Identical text first, in report order.
  const byText = new Map<string, number[]>();
  from.forEach((p, i) => {
    const key = normalizeForId(p.text);
    byText.set(key, [...(byText.get(key) ?? []), i]);
  });
  to.forEach((p, t) => {
    const candidates = byText.get(normalizeForId(p.text));
    const f = candidates?.find((i) => !matchedFrom.has(i));
    if (f === undefined) return;
    matchedFrom.add(f);
    matchedTo.add(t);
    pairs.push({ f, t, similarity: 1 });
  });

  // Then the most similar remaining pairs, best first; an inverted index of word pairs keeps it fast.
  const fromPairs = from.map((p) => wordPairs(p.text));
  const toPairs = to.map((p) => wordPairs(p.text));
  const postings = new Map<string, number[]>();
  fromPairs.forEach((set, i) => {
    if (matchedFrom.has(i)) return;
    for (const pair of set) postings.set(pair, [...(postings.get(pair) ?? []), i]);
  });
  const candidates: { f: number; t: number; similarity: number }[] = [];
  toPairs.forEach((set, t) => {
    if (matchedTo.has(t)) return;
    const seen = new Set<number>();
    for (const pair of set) for (const f of postings.get(pair) ?? []) seen.add(f);
    for (const f of seen) {
      const score = similarity(fromPairs[f] ?? new Set(), set);
      if (score >= SIMILARITY_THRESHOLD) candidates.push({ f, t, similarity: score });
    }
  });
  candidates.sort((a, b) => b.similarity - a.similarity || a.t - b.t);
  for (const c of candidates) {
    if (matchedFrom.has(c.f) || matchedTo.has(c.t)) continue;
    matchedFrom.add(c.f);
    matchedTo.add(c.t);
    pairs.push(c);
  }

  const changed: PassageChange<P>[] = [];
  let unchanged = 0;
  for (const { f, t, similarity: score } of pairs.sort((a, b) => a.t - b.t)) {
    const a = from[f] as P;
    const b = to[t] as P;
    const textChanged = normalizeForId(a.text) !== normalizeForId(b.text);
    const sectionChanged = !samePath(a.sectionPath, b.sectionPath);
    if (!textChanged && !sectionChanged) unchanged++;
    else
      changed.push({
        from: a,
        to: b,
        similarity: Math.round(score * 1000) / 1000,
        textChanged,
        sectionChanged,
      });
  }
  const added = to.filter((_, t) => !matchedTo.has(t));
  const removed = from.filter((_, f) => !matchedFrom.has(f));

  return {
    sections: diffSections(from, to, added, removed, changed),
    passages: { added, removed, changed, unchanged },
  };
}

function diffSections<P extends DiffPassage>(
  from: P[],
  to: P[],
  added: P[],
  removed: P[],
  changed: PassageChange<P>[],
): EditionDiff['sections'] {
  interface Tally extends SectionChange {
    order: number;
  }
  const sections = new Map<string, Tally>();
  const touch = (path: string[], order: number) => {
    const key = pathKey(path);
    let entry = sections.get(key);
    if (!entry) {
      entry = { sectionPath: path, passagesFrom: 0, passagesTo: 0, added: 0, removed: 0, changed: 0, order };
      sections.set(key, entry);
    }
    return entry;
  };
  // Every prefix of a passage's path is a section; newer-edition order first, then what only the older had.
  const prefixes = (path: string[]) => path.map((_, i) => path.slice(0, i + 1));
  for (const p of to) for (const s of prefixes(p.sectionPath)) touch(s, p.order).passagesTo++;
  for (const p of from) for (const s of prefixes(p.sectionPath)) touch(s, 1e9 + p.order).passagesFrom++;
  for (const p of added) for (const s of prefixes(p.sectionPath)) touch(s, 0).added++;
  for (const p of removed) for (const s of prefixes(p.sectionPath)) touch(s, 0).removed++;
  for (const c of changed) {
    const paths = new Set([...prefixes(c.from.sectionPath), ...prefixes(c.to.sectionPath)].map(pathKey));
    for (const key of paths) {
      const entry = sections.get(key);
      if (entry) entry.changed++;
    }
  }
  const result: EditionDiff['sections'] = { added: [], removed: [], changed: [], unchanged: 0 };
  for (const { order: _order, ...s } of [...sections.values()].sort((a, b) => a.order - b.order)) {
    if (s.passagesFrom === 0) result.added.push(s);
    else if (s.passagesTo === 0) result.removed.push(s);
    else if (s.added || s.removed || s.changed) result.changed.push(s);
    else result.unchanged++;
  }
  return result;
}
