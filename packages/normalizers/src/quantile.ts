import { cloneTensor, hostMatrixOf, tensorFromHost, type Normalizer } from '@imprint/core';

/**
 * Values of `sorted` (ascending) at quantiles (i + 0.5)/N, i = 0..N−1, with linear interpolation
 * between order statistics (position q·(m − 1), as `torch.quantile`).
 */
export function referenceQuantiles(sorted: ArrayLike<number>, count: number): Float64Array {
  const m = sorted.length;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const position = ((i + 0.5) / count) * (m - 1);
    const low = Math.floor(position);
    const high = Math.min(low + 1, m - 1);
    out[i] = sorted[low] + (sorted[high] - sorted[low]) * (position - low);
  }
  return out;
}

/**
 * NORM `quantile` (Hosoda et al. 2024), NORMpost only: every row gets the values of the reference
 * distribution — all weights already stored, flattened — at quantiles (i + 0.5)/N (N = row length),
 * placed in the rank order of the row's own values (equal values: lower column first). The first
 * class stored has no reference and stays unchanged.
 */
export function quantile(): Normalizer {
  return {
    kind: 'normalizer',
    name: 'quantile',
    stages: ['post'],
    rowWise: true,
    normalize(matrix, context = {}) {
      const reference = context.reference;
      if (reference === undefined || reference.size === 0) return cloneTensor(matrix);
      const sorted = Float64Array.from(hostMatrixOf(reference).values).sort();
      const [rows, columns] = matrix.shape;
      const targets = referenceQuantiles(sorted, columns);
      const values = hostMatrixOf(matrix).values;
      const out = new Float32Array(rows * columns);
      const order = new Array<number>(columns);
      for (let r = 0; r < rows; r++) {
        const base = r * columns;
        for (let j = 0; j < columns; j++) order[j] = j;
        order.sort((a, b) => values[base + a] - values[base + b] || a - b);
        for (let j = 0; j < columns; j++) out[base + order[j]] = targets[j];
      }
      return tensorFromHost(out, rows, columns);
    },
  };
}
