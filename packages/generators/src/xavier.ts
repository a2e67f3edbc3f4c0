import * as tf from '@tensorflow/tfjs-core';
import type { ClassGenerator } from '@imprint/core';

export interface XavierOptions {
  /** Gain of the Xavier bound. @default 1 */
  gain?: number;
}

/**
 * GEN `none`: k random vectors, Xavier/Glorot-uniform like an untrained layer
 * (U(−a, a), a = gain·√(6 / (d + k))) — a sanity baseline that ignores the data.
 */
export function xavier({ gain = 1 }: XavierOptions = {}): ClassGenerator {
  return {
    kind: 'generator',
    name: 'none',
    scope: 'class',
    generate(embeddings, { k, rng }) {
      const dim = embeddings.shape[1];
      const bound = gain * Math.sqrt(6 / (dim + k));
      const values = new Float32Array(k * dim);
      for (let i = 0; i < values.length; i++) values[i] = (2 * rng.next() - 1) * bound;
      return tf.tensor2d(values, [k, dim]);
    },
  };
}
