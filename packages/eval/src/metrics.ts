import { ImprintError } from '@imprint/core';

/**
 * Classification metrics over class indices. `truth` may hold -1 for test samples whose label
 * is not among the imprinted classes: they count as errors and as nobody's positives.
 */

/** Accuracy in percent (0–100). An empty test set has no accuracy: that is an error, not NaN. */
export function accuracy(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  if (truth.length !== predicted.length) throw new RangeError(`truth has ${truth.length} entries, predictions ${predicted.length}`);
  if (truth.length === 0) throw new ImprintError('INVALID_INPUT', 'the test set has no samples, so accuracy is undefined; give at least one test embedding');
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) correct++;
  return (100 * correct) / truth.length;
}

/** Confusion matrix `[true class][predicted class]`; rows of unknown truth (-1) are skipped. */
export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, numClasses: number): number[][] {
  const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < truth.length; i++) if (truth[i] >= 0) matrix[truth[i]][predicted[i]]++;
  return matrix;
}

export interface F1Scores {
  /** One-vs-rest F1 per class, in percent (0–100), as the reference reports it. */
  readonly perClass: number[];
  /** Test samples per class. */
  readonly support: number[];
  /** Support-weighted mean of `perClass`, in percent. */
  readonly weighted: number;
}

/** One-vs-rest F1 per class and their support-weighted mean (both in percent). */
export function f1Scores(truth: ArrayLike<number>, predicted: ArrayLike<number>, numClasses: number): F1Scores {
  const tp = new Array<number>(numClasses).fill(0);
  const fp = new Array<number>(numClasses).fill(0);
  const fn = new Array<number>(numClasses).fill(0);
  const support = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i];
    const p = predicted[i];
    if (t >= 0) support[t]++;
    if (t === p) tp[t]++;
    else {
      if (p >= 0) fp[p]++;
      if (t >= 0) fn[t]++;
    }
  }
  const perClass = tp.map((_, c) => {
    const precision = tp[c] + fp[c] > 0 ? tp[c] / (tp[c] + fp[c]) : 0;
    const recall = tp[c] + fn[c] > 0 ? tp[c] / (tp[c] + fn[c]) : 0;
    return precision + recall > 0 ? (200 * precision * recall) / (precision + recall) : 0;
  });
  const total = support.reduce((a, b) => a + b, 0);
  const weighted = total > 0 ? perClass.reduce((sum, f, c) => sum + f * support[c], 0) / total : 0;
  return { perClass, support, weighted };
}

/**
 * Area under the ROC curve of a score that should be higher for `positives` than for `negatives`:
 * P(positive > negative) + ½·P(tie), from ranks (Mann–Whitney), O((n + m) log(n + m)).
 */
export function auroc(positives: ArrayLike<number>, negatives: ArrayLike<number>): number {
  const n = positives.length;
  const m = negatives.length;
  if (n === 0 || m === 0) throw new ImprintError('INVALID_INPUT', `AUROC needs scores of both kinds, got ${n} positives and ${m} negatives`);
  const all = [...Array.from(positives, (v) => [v, 1] as const), ...Array.from(negatives, (v) => [v, 0] as const)].sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j][0] === all[i][0]) j++;
    const rank = (i + 1 + j) / 2; // average rank of a tie block (1-based)
    for (let t = i; t < j; t++) if (all[t][1] === 1) rankSum += rank;
    i = j;
  }
  return (rankSum - (n * (n + 1)) / 2) / (n * m);
}
