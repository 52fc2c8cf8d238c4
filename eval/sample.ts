/**
 * Draws passages for a labelled set at random, reproducibly, stratified by report: every report of the
 * State Department series gets its own seeded shuffle of its passages (as the indexer cuts them, at least
 * MIN_WORDS words, none from the sets drawn before it), and the set takes ranks [from, from + perReport)
 * of every shuffle. Drawing more later with a larger `from` extends the same random order, so a set can be
 * enlarged without changing what was drawn before. It writes locators with the passage text for labelling
 * — never tags: labels must come from reading the passage, not from the tagger.
 *
 *   npx tsx eval/sample.ts --set holdout-3 --from 0 --per-report 20 --out /tmp/batch.jsonl
 *
 * The seed is the set's name.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { sha256Hex } from '../core/ids.ts';
import { splitLongParagraph } from '../indexer/passages.ts';
import {
  DEFAULT_CORPUS,
  LABEL_SETS,
  type LabelSet,
  loadLabels,
  locate,
  passageSha,
  readReport,
} from './tags.ts';

/** Shorter passages are headings, titles and table fragments, not prose that evidence can be read from. */
export const MIN_WORDS = 12;
/**
 * The sets drawn by this script. A set's ids are p<firstId + rank * reports + report index>, so an id says
 * where in the draw it came from; `leavesOut` are the sets that existed when it was drawn, whose passages
 * it never draws (a later set does not change an earlier draw).
 */
export const DRAWS: Record<string, { firstId: number; leavesOut: readonly LabelSet[] }> = {
  'holdout-3': { firstId: 4000, leavesOut: ['labels', 'holdout-1', 'holdout-2'] },
  'random-dev': { firstId: 5000, leavesOut: ['labels', 'holdout-1', 'holdout-2', 'holdout-3'] },
  'holdout-4': {
    firstId: 6000,
    leavesOut: ['labels', 'holdout-1', 'holdout-2', 'holdout-3', 'random-dev'],
  },
  'holdout-5': {
    firstId: 7000,
    leavesOut: ['labels', 'holdout-1', 'holdout-2', 'holdout-3', 'random-dev', 'holdout-4'],
  },
  'holdout-6': {
    firstId: 9000,
    leavesOut: ['labels', 'holdout-1', 'holdout-2', 'holdout-3', 'random-dev', 'holdout-4', 'holdout-5'],
  },
};

const Manifest = z.array(z.looseObject({ path: z.string(), source_slug: z.string() }));

export interface Drawn {
  id: string;
  file: string;
  section: string[];
  start: string;
  end: string;
  words: number;
  sha: string;
  text: string;
}

/** mulberry32: a small, well-mixed 32-bit generator; the seed makes a draw reproducible. */
function generator(seed: string): () => number {
  let state = Number.parseInt(sha256Hex(seed).slice(0, 8), 16);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export async function draw(options: {
  from: number;
  perReport: number;
  corpus?: string;
  /** The set being drawn (one of DRAWS); its name seeds the shuffles. */
  set: string;
}): Promise<Drawn[]> {
  const corpus = options.corpus ?? DEFAULT_CORPUS;
  const plan = DRAWS[options.set];
  if (!plan) throw new Error(`--set ${options.set}: not a drawn set; add it to DRAWS in eval/sample.ts`);
  const manifest = Manifest.parse(JSON.parse(readFileSync(path.join(corpus, 'manifest.json'), 'utf8')));
  const reports = manifest
    .filter((m) => m.source_slug === 'us-dos-hrr')
    .map((m) => m.path)
    .sort();
  const taken = new Set(
    plan.leavesOut.flatMap((name) => loadLabels(LABEL_SETS[name].file).map((l) => l.sha)),
  );
  // Each report's candidates depend only on the corpus and the other sets, never on what was drawn, so
  // ranks [from, from + perReport) are the same passages whichever batches were drawn before.
  const orders: Omit<Drawn, 'id'>[][] = [];
  for (const file of reports) {
    const paragraphs = await readReport(corpus, file);
    const candidates = new Map<string, Omit<Drawn, 'id'>>();
    for (const paragraph of paragraphs) {
      for (const part of splitLongParagraph(paragraph.text)) {
        const words = part.split(/\s+/).filter(Boolean);
        if (words.length < MIN_WORDS) continue;
        const locator = {
          file,
          section: paragraph.sectionPath,
          start: words.slice(0, 8).join(' '),
          end: words.slice(-6).join(' '),
          words: words.length,
        };
        // A locator must find exactly this passage again, as the evaluation will look for it.
        const text = locate(locator, paragraphs);
        const sha = passageSha(part);
        // The same words twice in a report (a repeated paragraph) are one candidate.
        if (text && passageSha(text) === sha && !taken.has(sha) && !candidates.has(sha))
          candidates.set(sha, { ...locator, sha, text });
      }
    }
    orders.push(shuffled([...candidates.values()], generator(`${options.set}:${file}`)));
  }
  // Words that also occur in an earlier report (boilerplate such as "There were no reports of
  // disappearances …", or a paragraph both editions share) belong to the first report only.
  const earlier = new Set<string>();
  const result: Drawn[] = [];
  for (const [index, order] of orders.entries()) {
    for (let rank = options.from; rank < options.from + options.perReport && rank < order.length; rank++) {
      const c = order[rank] as Omit<Drawn, 'id'>;
      if (!earlier.has(c.sha)) result.push({ id: `p${plan.firstId + rank * reports.length + index}`, ...c });
    }
    for (const c of order) earlier.add(c.sha);
  }
  return result;
}

async function main(argv: string[]): Promise<void> {
  const option = (name: string) => {
    const at = argv.indexOf(name);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const Options = z.object({
    set: z.string().regex(/^[a-z0-9-]+$/),
    from: z.coerce.number().int().min(0),
    perReport: z.coerce.number().int().min(1),
    out: z.string().min(1),
  });
  const parsed = Options.safeParse({
    set: option('--set'),
    from: option('--from') ?? 0,
    perReport: option('--per-report'),
    out: option('--out'),
  });
  if (!parsed.success)
    throw new Error(
      'usage: tsx eval/sample.ts --set <name> [--from <rank>] --per-report <n> --out <file.jsonl>',
    );
  const drawn = await draw(parsed.data);
  writeFileSync(parsed.data.out, `${drawn.map((d) => JSON.stringify(d)).join('\n')}\n`);
  process.stdout.write(`${drawn.length} passages from ${new Set(drawn.map((d) => d.file)).size} reports\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`eval:sample: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  });
}
