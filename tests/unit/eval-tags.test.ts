/**
 * The hand-labelled tag sets against the corpus: every locator still finds its passage, and on the
 * development set (the one the rules were tuned on) every protected ground meets the targets, so a rule
 * change cannot silently lose them. The held-out sets' numbers are reported by `npm run eval:tags`.
 */
import { beforeAll, expect, it } from 'vitest';
import {
  type Evaluation,
  evaluateTags,
  groundsBelowTarget,
  LABEL_SETS,
  loadLabels,
  TARGETS,
} from '../../eval/tags.ts';
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

  it('resolves every passage of the held-out sets', async () => {
    for (const set of [LABEL_SETS['holdout-1'], LABEL_SETS['holdout-2']]) {
      const heldOut = await evaluateTags(CORPUS, loadLabels(set.file));
      expect(heldOut.unresolved.map((u) => u.label.id)).toEqual([]);
      expect(heldOut.passages).toBe(120);
    }
  });

  it(`meets on the development set precision ≥ ${TARGETS.precision} and recall ≥ ${TARGETS.recall} for every ground`, () => {
    expect(
      groundsBelowTarget(evaluation).map(
        (s) => `${s.tag}: precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)}`,
      ),
    ).toEqual([]);
  });
});
