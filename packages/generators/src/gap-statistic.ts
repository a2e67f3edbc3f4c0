import { NO_KERNELS, checkInteger, kernelSet, type KSelector, type Kernels, type Rng } from '@imprint/core';
import { clusterRowsWith } from './kmeans/cluster.js';
import { K_CANDIDATES, candidateKs, kSelectorFrom, subsampleRows } from './k-selection.js';

export interface GapStatisticOptions {
  /** Rows of the class used to choose k (a random subset when the class is larger). @default 256 */
  sample?: number;
  /** Gaussian reference sets per k. @default 3 */
  references?: number;
  /** Candidate k values (those ≤ kMax are tried, in order). @default 1–6, 8, 10, 12, 15, 20, 25, 30, 40, 50 */
  candidates?: readonly number[];
}

/** The detail of one choice: log W of the data and the mean and spread of the references' log W, per k tried. */
export interface GapTrace {
  readonly k: number[];
  readonly gap: number[];
  readonly spread: number[];
  readonly chosen: number;
}

/**
 * A Gaussian sample with the data's mean and covariance: μ + Zᵀ(X − μ)/√(n − 1), Z standard
 * normal `[n, n]` (Zᵀ(X − μ) has covariance (X − μ)ᵀ(X − μ) per row). No eigendecomposition needed.
 */
function gaussianLike(values: Float32Array, rows: number, dim: number, rng: Rng, kernels: Kernels): Float32Array {
  const mean = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) mean[j] += values[r * dim + j];
  for (let j = 0; j < dim; j++) mean[j] /= rows;
  const centred = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) centred[r * dim + j] = values[r * dim + j] - mean[j];
  const scale = 1 / Math.sqrt(Math.max(rows - 1, 1));
  const z = new Float32Array(rows * rows);
  for (let i = 0; i < z.length; i++) z[i] = rng.normal() * scale;
  // Zᵀ·(X − μ): row i of the result mixes every centred row
  const out = kernelSet(kernels).transposedMatMul({ values: z, rows, dim: rows }, { values: centred, rows, dim });
  for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) out[r * dim + j] += mean[j];
  return out;
}

/** log of the k-means inertia (within-cluster sum of squares) of `values` with k clusters. */
function logWithin(values: Float32Array, rows: number, dim: number, k: number, rng: Rng, kernels: Kernels): number {
  const { inertia } = clusterRowsWith(values, rows, dim, k, rng, { kernels });
  return Math.log(Math.max(inertia, 1e-30));
}

/**
 * Choose k by the gap statistic (Tibshirani, Walther & Hastie 2001) against a Gaussian with the
 * class's own mean and covariance: Gap(k) = E[log W_ref(k)] − log W(k), W the k-means
 * within-cluster sum of squares. A class that is one Gaussian-like blob has Gap ≈ 0 at every k and
 * gets k = 1; a class made of m separate modes gains until k = m. The choice is the smallest
 * candidate k with Gap(k) ≥ Gap(k⁺) − s(k⁺), k⁺ the next candidate and s its reference spread
 * × √(1 + 1/B); kMax when Gap keeps rising. Returns the choice and its trace.
 */
export function gapStatisticTrace(data: Float32Array, rows: number, dim: number, kMax: number, rng: Rng, { sample = 256, references = 3, candidates = K_CANDIDATES }: GapStatisticOptions = {}, kernels: Kernels = NO_KERNELS): GapTrace {
  checkInteger(kMax, 'kMax', { min: 1 });
  const subset = subsampleRows(data, rows, dim, sample, rng);
  const tried = candidateKs(candidates, kMax, subset.rows);
  const referenceSets = Array.from({ length: references }, () => gaussianLike(subset.values, subset.rows, dim, rng, kernels));
  const trace = { k: [] as number[], gap: [] as number[], spread: [] as number[] };
  const gapAt = (k: number) => {
    const own = logWithin(subset.values, subset.rows, dim, k, rng, kernels);
    const ref = referenceSets.map((r) => logWithin(r, subset.rows, dim, k, rng, kernels));
    const meanRef = ref.reduce((a, b) => a + b, 0) / ref.length;
    const sd = Math.sqrt(ref.reduce((a, b) => a + (b - meanRef) ** 2, 0) / ref.length);
    trace.k.push(k);
    trace.gap.push(meanRef - own);
    trace.spread.push(sd * Math.sqrt(1 + 1 / references));
  };
  gapAt(tried[0]);
  for (let i = 1; i < tried.length; i++) {
    gapAt(tried[i]);
    if (trace.gap[i - 1] >= trace.gap[i] - trace.spread[i]) return { ...trace, chosen: tried[i - 1] };
  }
  return { ...trace, chosen: tried[tried.length - 1] };
}

/**
 * k selector `gap` (for `k: 'auto'`): the gap statistic against a Gaussian with the class's own
 * covariance, on a subsample of the class (see {@link gapStatisticTrace}). Seeded: the same class
 * and seed give the same k.
 */
export function gapStatistic(options: GapStatisticOptions = {}): KSelector {
  if (options.references !== undefined) checkInteger(options.references, 'references', { min: 1 });
  if (options.sample !== undefined) checkInteger(options.sample, 'sample', { min: 2 });
  return kSelectorFrom('gap', (data, rows, dim, kMax, rng, kernels) => gapStatisticTrace(data, rows, dim, kMax, rng, options, kernels).chosen);
}
