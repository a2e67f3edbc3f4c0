import * as tf from '@tensorflow/tfjs-core';
import type { Normalizer } from '@imprint/core';

export interface L2Options {
  /**
   * Lower bound of the norm a row is divided by, so an all-zero row stays zero (as torch's
   * `F.normalize` does). @default 1e-12
   */
  epsilon?: number;
}

/** NORM `l2`: scales every row to unit Euclidean length. Usable at every stage. */
export function l2({ epsilon = 1e-12 }: L2Options = {}): Normalizer {
  return {
    kind: 'normalizer',
    name: 'l2',
    stages: ['pre', 'post', 'inf'],
    normalize: (matrix) =>
      tf.tidy(() => {
        const norms = tf.maximum(tf.sqrt(tf.sum(tf.square(matrix), 1, true)), tf.scalar(epsilon));
        return tf.div(matrix, norms) as tf.Tensor2D;
      }),
  };
}
