import * as tf from '@tensorflow/tfjs-core';

/** Squared L2 norm of every row of a row-major `[rows, dim]` buffer. */
export function rowSquaredNorms(data: ArrayLike<number>, rows: number, dim: number): Float64Array {
  const norms = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let j = i * dim, end = j + dim; j < end; j++) sum += data[j] * data[j];
    norms[i] = sum;
  }
  return norms;
}

/**
 * Squared Euclidean distances `[rows, targets]` from every row of `points` to every row of
 * `targets`, as one matrix product (‖x‖² − 2x·c + ‖c‖², clamped at 0), returned row-major.
 */
export function squaredDistancesTo(points: tf.Tensor2D, pointNorms: Float64Array, targets: Float32Array, targetCount: number): Float64Array {
  const dim = points.shape[1];
  const rows = points.shape[0];
  // targets transposed in JS ([d, m]): see matMulTransposed in @imprint/core for why
  const transposed = new Float32Array(targets.length);
  for (let c = 0; c < targetCount; c++) for (let j = 0; j < dim; j++) transposed[j * targetCount + c] = targets[c * dim + j];
  const products = tf.tidy(() => tf.matMul(points, tf.tensor2d(transposed, [dim, targetCount])));
  const dots = products.dataSync();
  products.dispose();
  const targetNorms = rowSquaredNorms(targets, targetCount, dim);
  const distances = new Float64Array(rows * targetCount);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < targetCount; c++) {
      const value = pointNorms[i] - 2 * dots[i * targetCount + c] + targetNorms[c];
      distances[i * targetCount + c] = value > 0 ? value : 0;
    }
  }
  return distances;
}

/** Rows `indices` of a row-major buffer, as a new Float32Array. */
export function gatherRows(data: ArrayLike<number>, dim: number, indices: ArrayLike<number>): Float32Array {
  const out = new Float32Array(indices.length * dim);
  for (let r = 0; r < indices.length; r++) {
    const from = indices[r] * dim;
    for (let j = 0; j < dim; j++) out[r * dim + j] = data[from + j];
  }
  return out;
}
