import * as tf from '@tensorflow/tfjs-core';
import type { HostMatrix64, Kernels } from './kernels.js';
import type { HostMatrix } from './matrix.js';
import { gramMatrix, matMulTransposed } from './products.js';
import { dotProduct } from './dot.js';

/*
 * Host-memory products that use the engine's kernel when there is one and tf.js (or plain
 * JavaScript for float64) otherwise: the one place where a plugin's "kernel or fallback" choice is
 * made for these products.
 */

/**
 * The values of a tensor, then the tensor disposed. (Reading inside `tf.tidy` and returning the
 * array would make tidy walk every element of it looking for tensors.)
 */
function readAndDispose(tensor: tf.Tensor): Float32Array {
  const values = tensor.dataSync() as Float32Array;
  tensor.dispose();
  return values;
}

/** `a · bᵀ` (`[n, d] · [m, d]ᵀ → [n, m]`) through the engine, else tf.js. */
export function hostMatMulTransposed(kernels: Kernels, a: HostMatrix, b: HostMatrix): Float32Array {
  const viaEngine = kernels.matMulTransposed?.(a, b);
  if (viaEngine !== undefined) return viaEngine;
  return readAndDispose(tf.tidy(() => matMulTransposed(tf.tensor2d(a.values, [a.rows, a.dim]), tf.tensor2d(b.values, [b.rows, b.dim]))));
}

/** The Gram matrix `xᵀx` `[d, d]` through the engine, else tf.js. */
export function hostGram(kernels: Kernels, x: HostMatrix): Float32Array {
  const viaEngine = kernels.gram?.(x);
  if (viaEngine !== undefined) return viaEngine;
  return readAndDispose(tf.tidy(() => gramMatrix(tf.tensor2d(x.values, [x.rows, x.dim]))));
}

/** `a · bᵀ` in float64 through the engine, else plain JavaScript (row dot products). */
export function hostMatMulTransposed64(kernels: Kernels, a: HostMatrix64, b: HostMatrix64): Float64Array {
  const viaEngine = kernels.matMulTransposed64?.(a, b);
  if (viaEngine !== undefined) return viaEngine;
  return matMulTransposed64Js(a, b);
}

/** Plain-JavaScript float64 `a · bᵀ` (strides honoured): the reference the engine kernel is checked against. */
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
