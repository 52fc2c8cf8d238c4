/**
 * Ranking metrics for the relevance eval, over graded judgments (0 = not relevant, 1 = relevant context,
 * 2 = on point). nDCG uses the exponential gain 2^grade − 1 and a log2 rank discount (Järvelin & Kekäläinen;
 * the TREC convention), so one on-point passage outweighs two context passages.
 */

const gain = (grade: number) => 2 ** grade - 1;

/** Discounted cumulative gain of the first `k` grades, in rank order. */
export function dcg(grades: readonly number[], k: number): number {
  return grades.slice(0, k).reduce((sum, grade, i) => sum + gain(grade) / Math.log2(i + 2), 0);
}

/**
 * nDCG@k: the ranking's DCG over the best possible DCG for the judged grades. A query with nothing judged
 * relevant has no ideal ranking and scores 0 (it is a query the eval should not contain).
 */
export function ndcgAt(ranked: readonly number[], judged: readonly number[], k: number): number {
  const ideal = dcg(
    [...judged].sort((a, b) => b - a),
    k,
  );
  return ideal === 0 ? 0 : dcg(ranked, k) / ideal;
}

/** Share of the first `k` results that are relevant at all (grade ≥ 1); missing results count as misses. */
export function precisionAt(ranked: readonly number[], k: number): number {
  return ranked.slice(0, k).filter((grade) => grade > 0).length / k;
}

export const mean = (values: readonly number[]) =>
  values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
