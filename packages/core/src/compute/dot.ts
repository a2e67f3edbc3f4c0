/**
 * Σ x[xs + k] · y[ys + k] for k < count, with four accumulators (no single dependency chain) —
 * the inner loop of the plain-JavaScript products, Cholesky and k-means bounds.
 */
export function dotProduct(x: Float32Array | Float64Array, xs: number, y: Float32Array | Float64Array, ys: number, count: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < count; k += 4) {
    s0 += x[xs + k] * y[ys + k];
    s1 += x[xs + k + 1] * y[ys + k + 1];
    s2 += x[xs + k + 2] * y[ys + k + 2];
    s3 += x[xs + k + 3] * y[ys + k + 3];
  }
  for (; k < count; k++) s0 += x[xs + k] * y[ys + k];
  return s0 + s1 + s2 + s3;
}
