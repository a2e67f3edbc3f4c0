import { ImprintError, NO_KERNELS, checkInteger, type KSelector, type Kernels, type Rng } from '@imprint/core';
import { clusterRowsWith } from './kmeans/cluster.js';
import { K_CANDIDATES, candidateKs, kSelectorFrom, subsampleRows } from './k-selection.js';

export interface CoverageOptions {
  /**
   * The share of the class's spread (within-class sum of squares around its mean) that may stay
   * unexplained: k is the smallest candidate whose k-means leaves at most this share. @default 0.5
   */
  coverage?: number;
  /** Rows of the class used to choose k (a random subset when the class is larger). @default 256 */
  sample?: number;
  /** Candidate k values (those ≤ kMax are tried, in order). @default 1–6, 8, 10, 12, 15, 20, 25, 30, 40, 50 */
  candidates?: readonly number[];
}

/**
 * The smallest candidate k whose k-means leaves at most `coverage` of the class's spread
 * unexplained, W(k) ≤ coverage · W(1) (kMax when none does), with the ratio per k tried.
 */
export function coverageTrace(data: Float32Array, rows: number, dim: number, kMax: number, rng: Rng, { coverage = 0.5, sample = 256, candidates = K_CANDIDATES }: CoverageOptions = {}, kernels: Kernels = NO_KERNELS): { k: number[]; ratio: number[]; chosen: number } {
  checkInteger(kMax, 'kMax', { min: 1 });
  if (!(coverage > 0 && coverage < 1)) throw new ImprintError('INVALID_CONFIG', `coverage must be a number between 0 and 1 (exclusive), got ${coverage}`, { coverage });
  const subset = subsampleRows(data, rows, dim, sample, rng);
  const tried = candidateKs(candidates, kMax, subset.rows);
  const trace = { k: [] as number[], ratio: [] as number[] };
  let total = Number.NaN;
  for (const k of tried) {
    const { inertia } = clusterRowsWith(subset.values, subset.rows, dim, k, rng, { kernels });
    if (k === 1) total = inertia;
    trace.k.push(k);
    trace.ratio.push(total > 0 ? inertia / total : 0);
    if (trace.ratio.at(-1)! <= coverage) return { ...trace, chosen: k };
  }
  return { ...trace, chosen: tried.at(-1)! };
}

/**
 * k selector `coverage` (for `k: 'auto'`): as many proxies as it takes for k-means to explain all
 * but `coverage` of the class's spread — compact classes get few, spread-out or multi-modal
 * classes many (up to kMax). Config key `coverage` sets the share. Seeded.
 */
export function coverageK(options: CoverageOptions = {}): KSelector {
  if (options.sample !== undefined) checkInteger(options.sample, 'sample', { min: 2 });
  const { coverage = 0.5 } = options;
  if (typeof coverage !== 'number' || !(coverage > 0 && coverage < 1)) throw new ImprintError('INVALID_CONFIG', `coverage must be a number between 0 and 1 (exclusive), got ${JSON.stringify(coverage)}`, { coverage });
  return kSelectorFrom('coverage', (data, rows, dim, kMax, rng, kernels) => coverageTrace(data, rows, dim, kMax, rng, options, kernels).chosen);
}
