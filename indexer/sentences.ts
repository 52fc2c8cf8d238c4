/**
 * Sentence boundaries in report prose, shared by the passage cutter (long paragraphs are cut at sentence
 * ends) and the tagger (absence statements and lists are scoped to a sentence).
 */

// Abbreviations after which a period does not end a sentence.
const ABBREVIATIONS =
  /(?:\b(?:U\.S|U\.N|U\.K|Mr|Mrs|Ms|Dr|St|No|Nos|Art|Arts|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Gen|Col|Lt|Sgt|Capt|Gov|Sen|Rep|Inc|Ltd|Co|Corp|vs|etc|e\.g|i\.e|approx|para|paras|p|pp|cf|al)|\b[A-Z])\.$/;

/** [start, end) offsets of each sentence, without the whitespace between them. */
export function sentenceSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  let start = 0;
  for (const m of text.matchAll(/[.!?][”"’)\]]*\s+(?=[\p{Lu}\d“"(‘[])/gu)) {
    const end = m.index + m[0].trimEnd().length;
    if (ABBREVIATIONS.test(text.slice(Math.max(start, end - 12), end))) continue;
    pushTrimmed(text, start, end, spans);
    start = m.index + m[0].length;
  }
  pushTrimmed(text, start, text.length, spans);
  return spans;
}

function pushTrimmed(text: string, start: number, end: number, spans: [number, number][]): void {
  let a = start;
  let b = end;
  while (a < b && /\s/.test(text[a] ?? '')) a++;
  while (b > a && /\s/.test(text[b - 1] ?? '')) b--;
  if (b > a) spans.push([a, b]);
}

export function splitSentences(text: string): string[] {
  return sentenceSpans(text).map(([a, b]) => text.slice(a, b));
}
