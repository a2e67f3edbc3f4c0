import * as tf from '@tensorflow/tfjs-core';
import { hostMatrixOf, kernelSet, tensorFromHost, type KernelSet, type Normalizer } from '@imprint/core';

export interface L2Options {
  /**
   * Lower bound of the norm a row is divided by, so an all-zero row stays zero (as torch's
   * `F.normalize` does). @default 1e-12
   */
  epsilon?: number;
}

/**
 * Rows scaled to unit length on the host by the `unitRows` kernel (the engine's, else the reference:
 * one float64 pass for the norms, one for the scaling). On the WASM and cpu backends this is several
 * times faster than the four tf.js operations (measured: 6000 × 1280, ≈ 20–60 ms against ≈ 130 ms),
 * and the result remembers its host values.
 */
function l2OnHost(matrix: tf.Tensor2D, epsilon: number, kernels: KernelSet): tf.Tensor2D {
  const host = hostMatrixOf(matrix);
  return tensorFromHost(kernels.unitRows(host, epsilon).values, host.rows, host.dim);
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
    rowWise: true,
    normalize: (matrix, context) => {
      const kernels = kernelSet(context?.kernels);
      // On a GPU backend without an engine the rows stay where they are: tf.js operations there.
      if (kernels.onHost('unitRows')) return l2OnHost(matrix, epsilon, kernels);
      return tf.tidy(() => {
        const norms = tf.maximum(tf.sqrt(tf.sum(tf.square(matrix), 1, true)), tf.scalar(epsilon));
        return tf.div(matrix, norms) as tf.Tensor2D;
      });
    },
  };
}
