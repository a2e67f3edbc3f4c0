import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import { averageRanks } from './ranks.js';

export interface FriedmanResult {
  /** Mean rank of each method over the groups (1 = best). */
  readonly averageRanks: number[];
  /** Friedman's χ² statistic, with the correction for ties. */
  readonly statistic: number;
  readonly degreesOfFreedom: number;
  readonly pValue: number;
}

/**
 * Friedman test over a `groups × methods` table of scores (higher is better): are the methods'
 * ranks within groups different? χ² with k − 1 degrees of freedom, tie-corrected as
 * `scipy.stats.friedmanchisquare`.
 */
export function friedmanTest(scores: readonly (readonly number[])[]): FriedmanResult {
  const n = scores.length;
  const k = scores[0]?.length ?? 0;
  if (n < 2 || k < 2) throw new RangeError(`the Friedman test needs at least 2 groups and 2 methods, got ${n} × ${k}`);
  const rankSums = new Array<number>(k).fill(0);
  let tieTerm = 0;
  for (const row of scores) {
    const ranks = averageRanks(row, false);
    ranks.forEach((r, j) => (rankSums[j] += r));
    const counts = new Map<number, number>();
    for (const v of row) counts.set(v, (counts.get(v) ?? 0) + 1);
    for (const t of counts.values()) tieTerm += t ** 3 - t;
  }
  const ssbn = rankSums.reduce((s, r) => s + r * r, 0);
  let statistic = (12 / (n * k * (k + 1))) * ssbn - 3 * n * (k + 1);
  const correction = 1 - tieTerm / (n * k * (k * k - 1));
  statistic = correction > 0 ? statistic / correction : 0;
  const degreesOfFreedom = k - 1;
  return {
    averageRanks: rankSums.map((r) => k + 1 - r / n),
    statistic,
    degreesOfFreedom,
    pValue: 1 - chisquareCdf(statistic, degreesOfFreedom),
  };
}
