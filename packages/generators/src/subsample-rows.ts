import type { Rng } from '@imprint/core';

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
