import * as tf from '@tensorflow/tfjs-core';
import { hostMatrixOf, isMainMemoryBackend, tensorFromHost, type Kernels, type Normalizer } from '@imprint/core';

export interface L2Options {
  /**
   * Lower bound of the norm a row is divided by, so an all-zero row stays zero (as torch's
   * `F.normalize` does). @default 1e-12
   */
  epsilon?: number;
}

/**
 * Rows scaled to unit length on the host: through the engine's `unitRows` kernel when there is
 * one, else one pass for the norms (float64) and one for the scaling. On the WASM and cpu backends
 * this is several times faster than the four tf.js operations (measured: 6000 × 1280, ≈ 20–60 ms
 * against ≈ 130 ms), and the result remembers its host values.
 */
function l2OnHost(matrix: tf.Tensor2D, epsilon: number, kernels?: Kernels): tf.Tensor2D {
  const host = hostMatrixOf(matrix);
  const viaEngine = kernels?.unitRows?.(host, epsilon);
  if (viaEngine !== undefined) return tensorFromHost(viaEngine.values, host.rows, host.dim);
  const { values, rows, dim } = host;
  const out = new Float32Array(values.length);
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
    const norm = Math.max(Math.sqrt(s0 + s1), epsilon);
    for (let c = start; c < start + dim; c++) out[c] = values[c] / norm;
  }
  return tensorFromHost(out, rows, dim);
}

/**
 * NORM `l2`: scales every row to unit Euclidean length (the norm floored at `epsilon`). Usable at
 * every stage. With an engine, or on main-memory backends (WASM, cpu), the rows are scaled on the
 * host; elsewhere (WebGL, tensorflow) with tf.js operations; the results agree within float32
 * rounding.
 */
export function l2({ epsilon = 1e-12 }: L2Options = {}): Normalizer {
  return {
    kind: 'normalizer',
    name: 'l2',
    stages: ['pre', 'post', 'inf'],
    normalize: (matrix, context) =>
      context?.kernels?.unitRows !== undefined || isMainMemoryBackend()
        ? l2OnHost(matrix, epsilon, context?.kernels)
        : tf.tidy(() => {
            const norms = tf.maximum(tf.sqrt(tf.sum(tf.square(matrix), 1, true)), tf.scalar(epsilon));
            return tf.div(matrix, norms) as tf.Tensor2D;
          }),
  };
}
