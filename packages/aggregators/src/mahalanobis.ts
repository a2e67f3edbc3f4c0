import * as tf from '@tensorflow/tfjs-core';
import { ImprintError, NO_KERNELS, choleskyFactor, hostGram, hostMatMulTransposed, invertLower, type Kernels } from '@imprint/core';

/** Largest dimension for which the d × d covariance and its factor are formed (2 × 8 · d² bytes). */
export const MAHALANOBIS_MAX_DIM = 8192;

/**
 * The whitening transform of the Mahalanobis metric of a proxy set: with Σ the covariance of the
 * stored weights (numpy `cov`, divided by P − 1) plus 1e-6·I and Σ = L·Lᵀ its Cholesky factor,
 * (x − w)ᵀ Σ⁻¹ (x − w) = ‖L⁻¹x − L⁻¹w‖², so Mahalanobis distances are Euclidean distances of the
 * whitened rows `x · L⁻ᵀ`. Factor and inverse are float64 (blocked, through the engine's float64
 * product when there is one); the d × d transform is returned as float32, row r being row r of L⁻¹.
 */
export function mahalanobisWhitening(weights: tf.Tensor2D, kernels: Kernels = NO_KERNELS): Float32Array {
  const [count, dim] = weights.shape;
  const rows = weights.dataSync() as Float32Array;
  const cached = recentWhitenings.get(kernels)?.find((entry) => entry.dim === dim && sameValues(entry.weights, rows));
  if (cached !== undefined) return cached.transform;
  const transform = computeWhitening(weights, count, dim, kernels);
  const entries = recentWhitenings.get(kernels) ?? [];
  recentWhitenings.set(kernels, [{ weights: Float32Array.from(rows), dim, transform }, ...entries].slice(0, RECENT_WHITENINGS));
  return transform;
}

/**
 * Whitening transforms of the last proxy sets seen, per engine: heads that store the same weights
 * (one GEN's proxies under several m, weightings or test sets — a grid's mnn runs) factor their
 * covariance once. Hits are exact: the weights are compared value by value. At most
 * {@link RECENT_WHITENINGS} per engine (each d × d float32 plus the weights).
 */
const recentWhitenings = new WeakMap<Kernels, { weights: Float32Array; dim: number; transform: Float32Array }[]>();
const RECENT_WHITENINGS = 2;

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}

function computeWhitening(weights: tf.Tensor2D, count: number, dim: number, kernels: Kernels): Float32Array {
  if (count < 2) throw new ImprintError('INVALID_INPUT', `the mahalanobis metric needs at least 2 stored proxies to estimate a covariance, got ${count}`);
  if (dim > MAHALANOBIS_MAX_DIM) {
    throw new ImprintError(
      'UNSUPPORTED',
      `the mahalanobis metric forms a d × d covariance: d = ${dim} needs ${((16 * dim * dim) / 2 ** 30).toFixed(1)} GiB; it supports d ≤ ${MAHALANOBIS_MAX_DIM} (reduce the dimension first, or use another metric)`,
      { dim },
    );
  }
  const centered = tf.tidy(() => tf.sub(weights, tf.mean(weights, 0, true)) as tf.Tensor2D);
  const values = centered.dataSync() as Float32Array;
  centered.dispose();
  const gram = hostGram(kernels, { values, rows: count, dim });
  const covariance = new Float64Array(dim * dim);
  for (let i = 0; i < dim * dim; i++) covariance[i] = gram[i] / (count - 1);
  for (let i = 0; i < dim; i++) covariance[i * dim + i] += 1e-6;
  const factor = choleskyFactor(covariance, dim, kernels, 'the covariance of the stored weights plus 1e-6·I');
  return Float32Array.from(invertLower(factor, dim));
}

/** Rows of `x` whitened: `x · Tᵀ` for the transform of {@link mahalanobisWhitening}. New tensor. */
export function whiten(x: tf.Tensor2D, transform: Float32Array, kernels: Kernels = NO_KERNELS): tf.Tensor2D {
  const [rows, dim] = x.shape;
  const values = hostMatMulTransposed(kernels, { values: x.dataSync() as Float32Array, rows, dim }, { values: transform, rows: dim, dim });
  return tf.tensor2d(values, [rows, dim]);
}
