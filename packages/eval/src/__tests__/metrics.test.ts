import { describe, expect, it } from 'vitest';
import { accuracy, confusionMatrix, f1Scores } from '../index.js';

describe('metrics', () => {
  // truth:     0 0 0 1 1 2
  // predicted: 0 0 1 1 2 2
  const truth = [0, 0, 0, 1, 1, 2];
  const predicted = [0, 0, 1, 1, 2, 2];

  it('accuracy in percent', () => {
    expect(accuracy(truth, predicted)).toBeCloseTo((100 * 4) / 6, 12);
    expect(() => accuracy([], [])).toThrow(/the test set has no samples, so accuracy is undefined/);
    expect(() => accuracy([1], [])).toThrow(/truth has 1 entries, predictions 0/);
  });

  it('confusion matrix', () => {
    expect(confusionMatrix(truth, predicted, 3)).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
  });

  it('one-vs-rest F1 and the support-weighted mean, in percent (hand-computed)', () => {
    const f1 = f1Scores(truth, predicted, 3);
    // class 0: P 2/2, R 2/3 → 0.8; class 1: P 1/2, R 1/2 → 0.5; class 2: P 1/2, R 1 → 2/3
    expect(f1.perClass[0]).toBeCloseTo(80, 10);
    expect(f1.perClass[1]).toBeCloseTo(50, 10);
    expect(f1.perClass[2]).toBeCloseTo(200 / 3, 10);
    expect(f1.support).toEqual([3, 2, 1]);
    expect(f1.weighted).toBeCloseTo((80 * 3 + 50 * 2 + (200 / 3) * 1) / 6, 10);
  });

  it('counts test samples of unknown classes (-1) as errors', () => {
    expect(accuracy([0, -1], [0, 0])).toBe(50);
    const f1 = f1Scores([0, -1], [0, 0], 1);
    // class 0: TP 1, FP 1 (the unknown sample predicted as 0), FN 0 → P 0.5, R 1
    expect(f1.perClass[0]).toBeCloseTo(200 / 3, 10);
  });
});
