/**
 * The hand-labelled tag set (eval/labels.jsonl) against the corpus: every locator still finds its passage,
 * and every protected ground meets the targets. `npm run eval:tags` prints the full table.
 */
import { beforeAll, expect, it } from 'vitest';
import { type Evaluation, evaluateTags, groundsBelowTarget, TARGETS } from '../../eval/tags.ts';
import { CORPUS, describeWithCorpus, HAS_CORPUS } from '../helpers/corpus.ts';

describeWithCorpus('tag quality on the labelled passages', () => {
  let evaluation: Evaluation;
  beforeAll(async () => {
    if (HAS_CORPUS) evaluation = await evaluateTags(CORPUS);
  }, 120_000);

  it('resolves every labelled passage in the corpus, across at least 10 countries', () => {
    expect(evaluation.unresolved.map((u) => `${u.label.id}: ${u.reason}`)).toEqual([]);
    expect(evaluation.passages).toBeGreaterThanOrEqual(300);
    expect(evaluation.countries).toBeGreaterThanOrEqual(10);
  });

  it(`meets precision ≥ ${TARGETS.precision} and recall ≥ ${TARGETS.recall} for every ground`, () => {
    expect(
      groundsBelowTarget(evaluation).map(
        (s) => `${s.tag}: precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)}`,
      ),
    ).toEqual([]);
  });
});
