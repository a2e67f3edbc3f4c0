import * as tf from '@tensorflow/tfjs-core';
import { dotProduct } from './dot.js';
import type { HostMatrix64, Kernels, NearestMetric, NearestResult } from '../contracts/kernels.js';
import type { HostMatrix } from './matrix.js';
import { gramMatrix, matMulTransposed } from './products.js';
import { nearestOfTensors } from './nearest-reference.js';

/** Every kernel present and answering (none declines): what a complete kernel table holds. */
export type CompleteKernels = { readonly [K in keyof Kernels]-?: (...args: Parameters<NonNullable<Kernels[K]>>) => NonNullable<ReturnType<NonNullable<Kernels[K]>>> };

/**
 * The values of a tensor, then the tensor disposed. (Reading inside `tf.tidy` and returning the
 * array would make tidy walk every element of it looking for tensors.)
 */
function readAndDispose(tensor: tf.Tensor): Float32Array {
  const values = tensor.dataSync() as Float32Array;
  tensor.dispose();
  return values;
}

function tensorOf(x: HostMatrix): tf.Tensor2D {
  return tf.tensor2d(x.values.length === x.rows * x.dim ? x.values : x.values.subarray(0, x.rows * x.dim), [x.rows, x.dim]);
}

/** Plain-JavaScript float64 `a · bᵀ` (strides honoured). */
export function matMulTransposed64Js(a: HostMatrix64, b: HostMatrix64): Float64Array {
  const { rows: n, dim } = a;
  const m = b.rows;
  const aStride = a.stride ?? dim;
  const bStride = b.stride ?? b.dim;
  const out = new Float64Array(n * m);
  const av = a.values;
  const bv = b.values;
  for (let i = 0; i < n; i++) {
    const ai = i * aStride;
    for (let j = 0; j < m; j++) out[i * m + j] = dotProduct(av, ai, bv, j * bStride, dim);
  }
  return out;
}

/** `aᵀ · b` accumulated in float64 (rows of `a` that are zero skipped: one-hot sums cost n·d). */
function transposedMatMulJs(a: HostMatrix, b: HostMatrix): Float32Array {
  const k = a.dim;
  const d = b.dim;
  const sums = new Float64Array(k * d);
  for (let r = 0; r < a.rows; r++) {
    for (let c = 0; c < k; c++) {
      const w = a.values[r * k + c];
      if (w === 0) continue;
      const to = c * d;
      const from = r * d;
      for (let j = 0; j < d; j++) sums[to + j] += w * b.values[from + j];
    }
  }
  return Float32Array.from(sums);
}

/** Squared row norms in float64 (two interleaved sums), rounded to float32; non-finite rows stay non-finite. */
function squaredNorms64(x: HostMatrix): Float64Array {
  const { values, rows, dim } = x;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const start = r * dim;
    let s0 = 0;
    let s1 = 0;
    let j = start;
    for (const end = start + dim - 1; j < end; j += 2) {
      s0 += values[j] * values[j];
      s1 += values[j + 1] * values[j + 1];
    }
    if (j < start + dim) s0 += values[j] * values[j];
    out[r] = s0 + s1;
  }
  return out;
}

function unitRowsJs(x: HostMatrix, epsilon: number): { values: Float32Array; squaredNorms: Float32Array } {
  const { values, rows, dim } = x;
  const squared = squaredNorms64(x);
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const norm = Math.max(Math.sqrt(squared[r]), epsilon);
    for (let c = r * dim; c < (r + 1) * dim; c++) out[c] = values[c] / norm;
  }
  return { values: out, squaredNorms: Float32Array.from(squared) };
}

function gatherRows(a: HostMatrix, rows: Int32Array): HostMatrix {
  const out = new Float32Array(rows.length * a.dim);
  for (let r = 0; r < rows.length; r++) out.set(a.values.subarray(rows[r] * a.dim, (rows[r] + 1) * a.dim), r * a.dim);
  return { values: out, rows: rows.length, dim: a.dim };
}

function nearestTfjs(queries: HostMatrix, targets: HostMatrix, m: number, metric: NearestMetric): NearestResult {
  const q = tensorOf(queries);
  const t = tensorOf(targets);
  try {
    return nearestOfTensors(q, t, m, metric);
  } finally {
    q.dispose();
    t.dispose();
  }
}

/**
 * The reference implementation of every kernel: tf.js for the float32 products (`matMulTransposed`,
 * `gram`, `nearest`), plain JavaScript with float64 accumulation elsewhere. Engines override them
 * by name (`Engine.kernels`); `kernelSet` completes an engine's kernels with these, so plugins call
 * a kernel and never compute a fallback of their own. The conformance suite of
 * `@imprint/core/testing` holds these to the same contract as an engine's.
 */
export const REFERENCE_KERNELS: CompleteKernels = Object.freeze({
  matMulTransposed: (a: HostMatrix, b: HostMatrix) => readAndDispose(tf.tidy(() => matMulTransposed(tensorOf(a), tensorOf(b)))),
  matMulTransposedRows: (a: HostMatrix, rows: Int32Array, b: HostMatrix) => REFERENCE_KERNELS.matMulTransposed(gatherRows(a, rows), b),
  transposedMatMul: transposedMatMulJs,
  unitRows: unitRowsJs,
  rowSquaredNorms: (x: HostMatrix) => Float32Array.from(squaredNorms64(x)),
  matMulTransposed64: matMulTransposed64Js,
  gram: (x: HostMatrix) => readAndDispose(tf.tidy(() => gramMatrix(tensorOf(x)))),
  nearest: nearestTfjs,
});
