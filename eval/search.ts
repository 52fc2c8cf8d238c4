/**
 * `npm run eval:search`: how well search answers attorney queries, measured on the real State Department
 * reports in ../shared/corpus against hand-made relevance judgments: the development set
 * (eval/search-judgments.yaml, the queries the search was tuned on) by default, or with `--set holdout` the
 * held-out set (eval/search-holdout.yaml, queries written and judged after the tuning).
 *
 * Two systems, the same queries and the same country filters:
 *  - CountryCite: GET /api/search through the real app (passages, our settings, all editions), top 10.
 *  - Baseline: whole reports in plain Meilisearch with default settings, top 10 documents. A document hit
 *    is scored by the passage its crop points the reader to (the place plain Meilisearch shows), so both
 *    columns measure the same thing against the same ideal: how much citable text the top ranks point at.
 *    A lenient second baseline column scores a document by the best judged passage anywhere in it.
 *
 * Prints nDCG@10 and precision@5 per query (with --verbose) and on average.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Passage } from '../core/contract.ts';
import { resolveCountry } from '../core/countries.ts';
import { documentId } from '../core/ids.ts';
import { parseYamlFile } from '../core/yaml-file.ts';
import { createApp } from '../server/app.ts';
import type { SearchResponse } from '../server/schemas.ts';
import { type CorpusIndex, indexCorpus } from './corpus-index.ts';
import { mean, ndcgAt, precisionAt } from './metrics.ts';

export const JUDGMENT_SETS = {
  development: {
    file: fileURLToPath(new URL('./search-judgments.yaml', import.meta.url)),
    minQueries: 40,
    description: 'development set: the search was tuned on these queries',
  },
  holdout: {
    file: fileURLToPath(new URL('./search-holdout.yaml', import.meta.url)),
    minQueries: 20,
    description: 'held-out set: queries written and judged after the tuning, never tuned on',
  },
} as const;
export type JudgmentSet = keyof typeof JUDGMENT_SETS;

const JudgedQuery = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  q: z.string().min(1),
  country: z.array(z.string().regex(/^[A-Z]{2}$/)).optional(),
  relevant: z
    .array(
      z.strictObject({
        /** Corpus path without extension: us-dos-hrr/2023/honduras */
        doc: z.string().regex(/^[a-z0-9-]+\/\d{4}\/[a-z0-9-]+$/),
        grade: z.union([z.literal(0), z.literal(1), z.literal(2)]),
        snippet: z.string().min(20),
      }),
    )
    .min(1),
});
type JudgedQuery = z.infer<typeof JudgedQuery>;

/** The queries of a judgment set, schema-checked; each set has its own minimum size. */
export function loadJudgments(set: JudgmentSet): JudgedQuery[] {
  const { file, minQueries } = JUDGMENT_SETS[set];
  return parseYamlFile(file, z.strictObject({ queries: z.array(JudgedQuery).min(minQueries) })).queries;
}

const normalize = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Judged passages by id, each located by its document and snippet; a snippet must find exactly one. */
export function resolveJudgments(query: JudgedQuery, passages: readonly Passage[]): Map<string, number> {
  const grades = new Map<string, number>();
  for (const judged of query.relevant) {
    const [source, edition, slug] = judged.doc.split('/') as [string, string, string];
    const country = resolveCountry(slug);
    if (!country) throw new Error(`${query.id}: no country for "${slug}" in ${judged.doc}`);
    const id = documentId({ source, country, edition: Number(edition) });
    const found = passages.filter(
      (p) => p.documentId === id && normalize(p.text).includes(normalize(judged.snippet)),
    );
    if (found.length !== 1) {
      throw new Error(
        `${query.id}: the snippet "${judged.snippet}" matches ${found.length} passages of ${judged.doc}; it must match exactly one (has the indexer's segmentation changed?).`,
      );
    }
    const passage = found[0] as Passage;
    grades.set(passage.id, Math.max(grades.get(passage.id) ?? 0, judged.grade));
  }
  return grades;
}

interface Scores {
  ndcg: number;
  precision: number;
}

async function ourRanking(app: ReturnType<typeof createApp>, query: JudgedQuery): Promise<string[]> {
  const params = new URLSearchParams({ q: query.q, latest: 'false', limit: '10', facets: 'false' });
  for (const c of query.country ?? []) params.append('country', c);
  const response = await app.request(`/api/search?${params}`);
  if (response.status !== 200) throw new Error(`${query.id}: /api/search answered ${response.status}`);
  return ((await response.json()) as SearchResponse).hits.map((h) => h.id);
}

/** Baseline hits: [document id, id of the passage its crop falls in (or null)]. */
async function baselineRanking(corpus: CorpusIndex, query: JudgedQuery): Promise<[string, string | null][]> {
  const filter = query.country?.length
    ? `country IN [${query.country.map((c) => `"${c}"`).join(', ')}]`
    : undefined;
  const result = await corpus.engine.client.index(corpus.baseline.index).search(query.q, {
    limit: 10,
    attributesToCrop: ['text'],
    ...(filter ? { filter } : {}),
  });
  return result.hits.map((hit) => {
    const id = String(hit.id);
    const crop = String((hit._formatted as { text?: string } | undefined)?.text ?? '');
    const piece = crop.replace(/^…|…$/g, '').trim();
    const text = (hit as { text: string }).text;
    const at = piece ? text.indexOf(piece) : -1;
    const spans = corpus.baseline.spans.get(id) ?? [];
    const middle = at + piece.length / 2;
    const span = at >= 0 ? spans.find((s) => middle >= s.start && middle <= s.end) : undefined;
    return [id, span?.passage.id ?? null];
  });
}

const USAGE = `usage: npm run eval:search -- [--set ${Object.keys(JUDGMENT_SETS).join('|')}] [--verbose] [--unjudged]`;

async function main(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      set: { type: 'string', default: 'development' },
      verbose: { type: 'boolean', default: false },
      // Prints the passages either system ranks in its top 10 that have no judgment yet, to judge and add.
      unjudged: { type: 'boolean', default: false },
    },
  });
  const set = values.set as JudgmentSet;
  if (!Object.hasOwn(JUDGMENT_SETS, set))
    throw new Error(
      `--set ${values.set}: expected one of ${Object.keys(JUDGMENT_SETS).join(', ')}\n${USAGE}`,
    );
  const { verbose, unjudged } = values;
  const { file, description } = JUDGMENT_SETS[set];
  const queries = loadJudgments(set);
  const corpus = await indexCorpus();
  try {
    const app = createApp({ client: corpus.engine.client, indexes: corpus.indexes, sources: corpus.sources });
    const rows: { id: string; ours: Scores; baseline: Scores; lenient: Scores }[] = [];
    for (const query of queries) {
      const grades = resolveJudgments(query, corpus.passages);
      const judged = [...grades.values()];
      const gradeOf = (id: string | null) => (id ? (grades.get(id) ?? 0) : 0);

      const oursIds = await ourRanking(app, query);
      const ours = oursIds.map(gradeOf);
      const baselineHits = await baselineRanking(corpus, query);
      const pointed = baselineHits.map(([, passage]) => gradeOf(passage));
      // Lenient: a document is as good as the best judged passage it contains.
      const byDocument = new Map<string, number>();
      for (const p of corpus.passages) {
        const g = grades.get(p.id);
        if (g) byDocument.set(p.documentId, Math.max(byDocument.get(p.documentId) ?? 0, g));
      }
      const lenient = baselineHits.map(([doc]) => byDocument.get(doc) ?? 0);

      if (unjudged) {
        const pooled = new Set(
          [...oursIds, ...baselineHits.map(([, p]) => p)].filter(
            (id): id is string => !!id && !grades.has(id),
          ),
        );
        for (const id of pooled) {
          const p = corpus.passages.find((x) => x.id === id) as Passage;
          process.stdout.write(
            `UNJUDGED ${query.id} ${p.documentId} #${p.order} [${p.sectionPath.join(' > ')}]\n  ${p.text}\n`,
          );
        }
      }
      rows.push({
        id: query.id,
        ours: { ndcg: ndcgAt(ours, judged, 10), precision: precisionAt(ours, 5) },
        baseline: { ndcg: ndcgAt(pointed, judged, 10), precision: precisionAt(pointed, 5) },
        lenient: { ndcg: ndcgAt(lenient, [...byDocument.values()], 10), precision: precisionAt(lenient, 5) },
      });
    }

    const f = (n: number) => n.toFixed(3);
    // Three systems of two metrics each, in groups separated by "|"; every cell is padded to its column, so
    // no label runs into the next one.
    const GROUPS = [
      'CountryCite (passages)',
      'Plain Meilisearch (reports)',
      'Lenient*: not comparable',
    ] as const;
    const METRIC = 9;
    const groupWidth = Math.max(2 * METRIC + 1, ...GROUPS.map((g) => g.length));
    const metricWidth = Math.floor((groupWidth - 1) / 2);
    const line = (label: string, cells: string[]) => {
      const groups = [0, 2, 4].map(
        (i) =>
          `${(cells[i] ?? '').padStart(metricWidth)} ${(cells[i + 1] ?? '').padStart(groupWidth - metricWidth - 1)}`,
      );
      return `${label.padEnd(30)}${groups.join(' | ')}`;
    };
    const out = (s = '') => process.stdout.write(`${s}\n`);
    out();
    out(`${''.padEnd(30)}${GROUPS.map((g) => g.padStart(groupWidth)).join(' | ')}`);
    out(line('query', ['nDCG@10', 'P@5', 'nDCG@10', 'P@5', 'nDCG@10', 'P@5']));
    if (verbose) {
      for (const r of rows) {
        out(
          line(r.id, [
            f(r.ours.ndcg),
            f(r.ours.precision),
            f(r.baseline.ndcg),
            f(r.baseline.precision),
            f(r.lenient.ndcg),
            f(r.lenient.precision),
          ]),
        );
      }
    }
    const avg = (pick: (r: (typeof rows)[number]) => number) => f(mean(rows.map(pick)));
    out(
      line(`mean of ${rows.length} queries`, [
        avg((r) => r.ours.ndcg),
        avg((r) => r.ours.precision),
        avg((r) => r.baseline.ndcg),
        avg((r) => r.baseline.precision),
        avg((r) => r.lenient.ndcg),
        avg((r) => r.lenient.precision),
      ]),
    );
    out();
    out('CountryCite: /api/search over passages (all editions, the query’s country filter), top 10.');
    out(
      'Plain Meilisearch: whole reports with default settings, scored by the passage each crop points to: the same measure as CountryCite.',
    );
    out(
      'Lenient*: the plain ranking again, a report scored by the best judged passage anywhere in it. A report of 300 passages',
    );
    out(
      '  nearly always holds one, so this scores whole reports, not what a reader is pointed to: it is an upper bound for the',
    );
    out('  plain ranking, not a system that beats CountryCite.');
    out(`Judgments: ${path.relative(process.cwd(), file)} (${rows.length} queries), the ${description}.`);
  } finally {
    await corpus.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`eval:search: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  });
}
