/**
 * Precision and recall of the tagger against hand-labelled passages (see eval/README.md): the development
 * sets (labels, holdout-1, holdout-2, random-dev, holdout-3, holdout-4, holdout-5) and round 4's test set (holdout-6). Each passage is
 * found in ../shared/corpus by its locator, re-extracted with the indexer's own extractor, and tagged
 * exactly as the indexer tags it.
 *
 *   npm run eval:tags [-- --errors] [-- --strict] [-- --set <name>] [-- --corpus <dir>]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { GROUNDS, type TagMatch } from '../core/contract.ts';
import { normalizeForId, sha256Hex } from '../core/ids.ts';
import { loadTaxonomy } from '../core/taxonomy.ts';
import { extract } from '../indexer/extract/index.ts';
import { outline } from '../indexer/outline.ts';
import { Tagger } from '../indexer/tag.ts';

export const LABELS_FILE = fileURLToPath(new URL('./labels.jsonl', import.meta.url));
/** The labelled sets, in the order they were drawn; holdout-6 is round 4's test set (eval/README.md). */
export const LABEL_SETS = {
  labels: { file: LABELS_FILE, description: 'development set: the rules were tuned on it' },
  'holdout-1': {
    file: fileURLToPath(new URL('./holdout-1.jsonl', import.meta.url)),
    description: 'held-out set 1: measured blind once, then used for development',
  },
  'holdout-2': {
    file: fileURLToPath(new URL('./holdout-2.jsonl', import.meta.url)),
    description: 'held-out set 2: measured blind once, then used for development',
  },
  'random-dev': {
    file: fileURLToPath(new URL('./random-dev.jsonl', import.meta.url)),
    description:
      'development set: random, labelled for grounds, drawn after holdout-3; rules were changed on its errors',
  },
  'holdout-3': {
    file: fileURLToPath(new URL('./holdout-3.jsonl', import.meta.url)),
    description:
      'former test set (round 1): measured blind before and after round 1, then used for development in round 2',
  },
  'holdout-4': {
    file: fileURLToPath(new URL('./holdout-4.jsonl', import.meta.url)),
    description:
      'former test set (round 2): measured blind before and after round 2, then used for development in round 3',
  },
  'holdout-5': {
    file: fileURLToPath(new URL('./holdout-5.jsonl', import.meta.url)),
    description:
      'former test set (round 3): labelled blind by two labellers who never change the rules, measured before and after round 3, then used for development in round 4',
  },
  'holdout-6': {
    file: fileURLToPath(new URL('./holdout-6.jsonl', import.meta.url)),
    description:
      'test set of round 4: every passage left in the corpus, labelled for grounds by four labellers who never change the rules, measured before and after round 4; no passage is left for another test set',
  },
} as const;
export type LabelSet = keyof typeof LABEL_SETS;
export const DEFAULT_CORPUS = fileURLToPath(new URL('../../shared/corpus', import.meta.url));
export const TARGETS = { precision: 0.9, recall: 0.85 } as const;

const Label = z.strictObject({
  id: z.string().regex(/^p\d{4,5}$/),
  /** Path inside the corpus, e.g. us-dos-hrr/2023/guatemala.txt. */
  file: z.string().regex(/^[a-z0-9-]+\/\d{4}\/[a-z0-9-]+\.(txt|pdf|html)$/),
  section: z.array(z.string()),
  /** First eight and last six words of the passage. */
  start: z.string().min(1),
  end: z.string().min(1),
  words: z.number().int().positive(),
  /** First 16 hex digits of the sha256 of the passage's normalised text. */
  sha: z.string().regex(/^[a-f0-9]{16}$/),
  grounds: z.array(z.enum(GROUNDS)),
  /** Absent in a set labelled for grounds only (random-dev, holdout-3 to holdout-6): its topics are not scored. */
  topics: z.array(z.string()).optional(),
});
export type Label = z.infer<typeof Label>;

export function loadLabels(file = LABELS_FILE): Label[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line, i) => {
      const parsed = Label.safeParse(JSON.parse(line));
      if (!parsed.success)
        throw new Error(`${file}:${i + 1}: ${parsed.error.issues.map((x) => x.message).join('; ')}`);
      return parsed.data;
    });
}

export interface TagScore {
  axis: 'ground' | 'topic';
  tag: string;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
}

export interface Disagreement {
  label: Label;
  text: string;
  tag: string;
  kind: 'false positive' | 'false negative';
  terms: string[];
}

export interface Evaluation {
  passages: number;
  countries: number;
  scores: TagScore[];
  disagreements: Disagreement[];
  /** Locators that no longer find their passage, or find different words. */
  unresolved: { label: Label; reason: string }[];
  /** Every resolved passage with the tags the tagger gave it. */
  tagged: { label: Label; text: string; matches: TagMatch[] }[];
}

const sameSection = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((h, i) => h === b[i]);

const reports = new Map<string, Promise<ReturnType<typeof outline>>>();

/** A report as the indexer reads it: extracted with the indexer's own extractor, then outlined (once per process). */
export function readReport(corpus: string, file: string): Promise<ReturnType<typeof outline>> {
  const key = path.join(corpus, file);
  let report = reports.get(key);
  if (!report) {
    const format = file.endsWith('.pdf') ? 'pdf' : file.endsWith('.html') ? 'html' : 'text';
    report = extract(format, readFileSync(key)).then((extracted) => outline(extracted.blocks));
    reports.set(key, report);
  }
  return report;
}

/** The first 16 hex digits of the sha256 of a passage's normalised text: a label's `sha`. */
export const passageSha = (text: string) => sha256Hex(normalizeForId(text)).slice(0, 16);

/** The labelled words, found in the paragraph of that section that contains them. */
export function locate(
  label: Pick<Label, 'section' | 'start' | 'end' | 'words'>,
  paragraphs: ReturnType<typeof outline>,
): string {
  for (const p of paragraphs) {
    if (!sameSection(p.sectionPath, label.section)) continue;
    const start = p.text.indexOf(label.start);
    if (start < 0) continue;
    let end = p.text.indexOf(label.end, start);
    while (end >= 0) {
      const text = p.text.slice(start, end + label.end.length);
      if (text.split(/\s+/).length >= label.words) return text;
      end = p.text.indexOf(label.end, end + 1);
    }
  }
  return '';
}

export interface Resolved {
  label: Label;
  text: string;
}

/** Finds every labelled passage in the corpus; the ones whose locator no longer resolves are listed. */
export async function resolveLabels(
  corpus: string,
  labels: readonly Label[],
): Promise<{ resolved: Resolved[]; unresolved: Evaluation['unresolved'] }> {
  const resolved: Resolved[] = [];
  const unresolved: Evaluation['unresolved'] = [];
  for (const label of labels) {
    const paragraphs = await readReport(corpus, label.file);
    const text = locate(label, paragraphs);
    if (!text)
      unresolved.push({ label, reason: 'no passage in that section starts and ends with those words' });
    else if (passageSha(text) !== label.sha)
      unresolved.push({ label, reason: 'the words between start and end differ from the labelled passage' });
    else resolved.push({ label, text });
  }
  return { resolved, unresolved };
}

export async function evaluateTags(corpus = DEFAULT_CORPUS, labels = loadLabels()): Promise<Evaluation> {
  const taxonomy = loadTaxonomy();
  const tagger = new Tagger(taxonomy);
  const { resolved, unresolved } = await resolveLabels(corpus, labels);
  const predicted = new Map<
    string,
    { text: string; grounds: Map<string, string[]>; topics: Map<string, string[]> }
  >();
  const tagged: Evaluation['tagged'] = [];
  for (const { label, text } of resolved) {
    const matches = tagger.tag(text, label.section);
    tagged.push({ label, text, matches });
    const byAxis = (axis: string) =>
      new Map(matches.filter((m) => m.axis === axis).map((m) => [m.tag, m.terms] as const));
    predicted.set(label.id, { text, grounds: byAxis('ground'), topics: byAxis('topic') });
  }

  const scores: TagScore[] = [];
  const disagreements: Disagreement[] = [];
  const topicsLabelled = labels.every((l) => l.topics);
  const axes = [
    ['ground', taxonomy.grounds.map((g) => g.id)],
    ['topic', topicsLabelled ? taxonomy.topics.map((t) => t.id) : []],
  ] as const;
  for (const [axis, ids] of axes) {
    for (const tag of ids) {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      for (const label of labels) {
        const p = predicted.get(label.id);
        if (!p) continue;
        const expected: readonly string[] = (axis === 'ground' ? label.grounds : label.topics) ?? [];
        const terms = (axis === 'ground' ? p.grounds : p.topics).get(tag);
        const wanted = expected.includes(tag);
        if (terms && wanted) tp++;
        else if (terms) {
          fp++;
          disagreements.push({ label, text: p.text, tag, kind: 'false positive', terms });
        } else if (wanted) {
          fn++;
          disagreements.push({ label, text: p.text, tag, kind: 'false negative', terms: [] });
        }
      }
      scores.push({
        axis,
        tag,
        truePositives: tp,
        falsePositives: fp,
        falseNegatives: fn,
        precision: tp + fp === 0 ? Number.NaN : tp / (tp + fp),
        recall: tp + fn === 0 ? Number.NaN : tp / (tp + fn),
      });
    }
  }
  const countries = new Set(labels.map((l) => l.file.split('/')[2]?.replace(/\.\w+$/, ''))).size;
  return { passages: predicted.size, countries, scores, disagreements, unresolved, tagged };
}

/** Grounds below the targets (a ground with no positives in the set cannot be measured and fails too). */
export function groundsBelowTarget(evaluation: Evaluation): TagScore[] {
  return evaluation.scores.filter(
    (s) => s.axis === 'ground' && !(s.precision >= TARGETS.precision && s.recall >= TARGETS.recall),
  );
}

function formatTable(evaluation: Evaluation): string {
  const f = (n: number) => (Number.isNaN(n) ? '   –' : n.toFixed(2));
  const rows = evaluation.scores.map((s) => {
    const f1 = s.precision + s.recall > 0 ? (2 * s.precision * s.recall) / (s.precision + s.recall) : 0;
    const miss =
      s.axis === 'ground' && !(s.precision >= TARGETS.precision && s.recall >= TARGETS.recall)
        ? '  ← below target'
        : '';
    return `${s.axis.padEnd(6)}  ${s.tag.padEnd(24)} ${String(s.truePositives + s.falseNegatives).padStart(5)}  ${String(s.truePositives).padStart(4)} ${String(s.falsePositives).padStart(4)} ${String(s.falseNegatives).padStart(4)}   ${f(s.precision)}   ${f(s.recall)}  ${f(f1)}${miss}`;
  });
  return [
    `${'axis'.padEnd(6)}  ${'tag'.padEnd(24)} ${'pos'.padStart(5)}  ${'tp'.padStart(4)} ${'fp'.padStart(4)} ${'fn'.padStart(4)}   prec   rec    f1`,
    ...rows,
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const flag = (name: string) => argv.includes(name);
  const option = (name: string) => {
    const at = argv.indexOf(name);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const corpus = option('--corpus') ? path.resolve(option('--corpus') ?? '') : DEFAULT_CORPUS;
  const chosen = option('--set');
  if (chosen && !(chosen in LABEL_SETS))
    throw new Error(`--set ${chosen}: expected one of ${Object.keys(LABEL_SETS).join(', ')}`);
  const sets = (chosen ? [chosen] : Object.keys(LABEL_SETS)) as LabelSet[];
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out(`targets for every ground: precision ≥ ${TARGETS.precision}, recall ≥ ${TARGETS.recall}`);
  let failed = false;
  for (const name of sets) {
    const set = LABEL_SETS[name];
    const evaluation = await evaluateTags(corpus, loadLabels(set.file));
    out();
    out(
      `${name}: ${evaluation.passages} passages from ${evaluation.countries} countries — ${set.description}`,
    );
    out(formatTable(evaluation));
    for (const u of evaluation.unresolved) out(`unresolved ${u.label.id} (${u.label.file}): ${u.reason}`);
    if (flag('--errors')) {
      out();
      for (const d of evaluation.disagreements) {
        const terms = d.terms.length ? ` [${d.terms.join(', ')}]` : '';
        out(`${d.kind} ${d.tag} ${d.label.id} ${d.label.file} › ${d.label.section.at(-1) ?? ''}${terms}`);
        out(`    ${d.text.slice(0, 300)}${d.text.length > 300 ? '…' : ''}`);
      }
    }
    const below = groundsBelowTarget(evaluation);
    if (below.length) out(`${below.length} ground(s) below target: ${below.map((s) => s.tag).join(', ')}`);
    failed ||= below.length > 0 || evaluation.unresolved.length > 0;
  }
  return flag('--strict') && failed ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`eval:tags: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(2);
    },
  );
}
