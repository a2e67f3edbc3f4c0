import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { averageRanks } from './ranks.js';

export interface WilcoxonResult {
  /** Sum of ranks of positive differences x − y (zeros ranked, then dropped: Pratt). */
  readonly rPlus: number;
  readonly rMinus: number;
  /** min(R+, R−). */
  readonly statistic: number;
  readonly z: number;
  /** Two-sided p-value (normal approximation with tie and zero corrections). */
  readonly pValue: number;
}

/**
 * Wilcoxon signed-rank test for paired samples with Pratt's zero handling: zero differences are
 * ranked with the others and then dropped, and the normal approximation is corrected for them
 * and for ties — as `scipy.stats.wilcoxon(x, y, zero_method='pratt', correction=False,
 * method='approx')`.
 */
export function wilcoxonSignedRank(x: readonly number[], y: readonly number[]): WilcoxonResult {
  if (x.length !== y.length) throw new RangeError(`paired samples must have equal length, got ${x.length} and ${y.length}`);
  const d = x.map((v, i) => v - y[i]);
  const ranks = averageRanks(d.map(Math.abs), false);
  let rPlus = 0;
  let rMinus = 0;
  d.forEach((v, i) => {
    if (v > 0) rPlus += ranks[i];
    else if (v < 0) rMinus += ranks[i];
  });
  const n = d.length;
  const zeros = d.filter((v) => v === 0).length;
  let mean = (n * (n + 1)) / 4;
  let variance = (n * (n + 1) * (2 * n + 1)) / 24;
  if (zeros > 0) {
    mean -= (zeros * (zeros + 1)) / 4;
    variance -= (zeros * (zeros + 1) * (2 * zeros + 1)) / 24;
  }
  // Ties among the non-zero differences (scipy drops the zeros' ranks first under Pratt).
  const counts = new Map<number, number>();
  ranks.forEach((r, i) => {
    if (d[i] !== 0) counts.set(r, (counts.get(r) ?? 0) + 1);
  });
  let tieTerm = 0;
  for (const t of counts.values()) if (t > 1) tieTerm += t ** 3 - t;
  variance -= tieTerm / 48;
  const statistic = Math.min(rPlus, rMinus);
  const z = variance > 0 ? (statistic - mean) / Math.sqrt(variance) : 0;
  return { rPlus, rMinus, statistic, z, pValue: variance > 0 ? Math.min(1, 2 * normalCdf(-Math.abs(z), 0, 1)) : 1 };
}
