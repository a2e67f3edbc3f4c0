import { ImprintError, NO_KERNELS, hostMatrixOf, type KSelector, type Kernels, type Rng } from '@imprint/core';

/** Candidate k values of the k selectors (those ≤ kMax and ≤ the rows are tried, in order). */
export const K_CANDIDATES: readonly number[] = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50];

/** `wanted` random rows of a row-major matrix (all of them, in order, when there are not more). */
export function subsampleRows(data: Float32Array, rows: number, dim: number, wanted: number, rng: Rng): { values: Float32Array; rows: number } {
  if (rows <= wanted) return { values: data, rows };
  const order = Array.from({ length: rows }, (_, i) => i);
  for (let i = 0; i < wanted; i++) {
    const j = i + rng.int(rows - i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const values = new Float32Array(wanted * dim);
  for (let i = 0; i < wanted; i++) values.set(data.subarray(order[i] * dim, (order[i] + 1) * dim), i * dim);
  return { values, rows: wanted };
}

/** The candidates to try: 1 and every valid candidate up to min(kMax, rows), ascending. */
export function candidateKs(candidates: readonly number[], kMax: number, rows: number): number[] {
  return [...new Set([1, ...candidates.filter((k) => Number.isInteger(k) && k >= 1 && k <= Math.min(kMax, rows))])].sort((a, b) => a - b);
}

/** A k selector plugin from a function that chooses k on a class's rows in host memory. */
export function kSelectorFrom(name: string, choose: (data: Float32Array, rows: number, dim: number, kMax: number, rng: Rng, kernels: Kernels) => number): KSelector {
  return {
    kind: 'kselector',
    name,
    choose(embeddings, { kMax, rng, kernels }) {
      const [rows, dim] = embeddings.shape;
      if (rows === 0) throw new ImprintError('EMPTY_CLASS', 'k selection needs at least one sample');
      return choose(hostMatrixOf(embeddings).values, rows, dim, kMax, rng, kernels ?? NO_KERNELS);
    },
  };
}
