import { describe, expect, it } from 'vitest';
import { dcg, mean, ndcgAt, precisionAt } from '../../eval/metrics.ts';

describe('ranking metrics', () => {
  it('computes DCG with exponential gain and a log2 discount', () => {
    // (2^2-1)/log2(2) + (2^0-1)/log2(3) + (2^1-1)/log2(4) = 3 + 0 + 0.5
    expect(dcg([2, 0, 1], 10)).toBeCloseTo(3.5, 10);
    expect(dcg([2, 0, 1], 1)).toBe(3);
  });

  it('normalizes by the ideal ordering of the judged grades', () => {
    expect(ndcgAt([2, 1], [1, 2], 10)).toBe(1);
    expect(ndcgAt([1, 2], [2, 1], 10)).toBeCloseTo((1 + 3 / Math.log2(3)) / (3 + 1 / Math.log2(3)), 10);
    expect(ndcgAt([0, 0], [2], 10)).toBe(0);
    expect(ndcgAt([2], [], 10)).toBe(0);
    // Judged passages beyond the cut-off do not raise the ideal above what k ranks can hold.
    expect(ndcgAt([2], [2, 2, 2], 1)).toBe(1);
  });

  it('counts missing results as misses in precision', () => {
    expect(precisionAt([2, 0, 1], 5)).toBe(0.4);
    expect(precisionAt([1, 1, 1, 1, 1, 1], 5)).toBe(1);
    expect(mean([0.5, 1])).toBe(0.75);
    expect(mean([])).toBe(0);
  });
});
