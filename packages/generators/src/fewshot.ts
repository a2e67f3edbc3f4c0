import * as tf from '@tensorflow/tfjs-core';
import { cloneTensor, ImprintError, type Presampler } from '@imprint/core';

export interface FewshotOptions {
  /** Samples kept per class; a class with fewer keeps all of them. */
  n: number;
}

/**
 * Presampling `fewshot`: keep `n` random samples of each class (seeded), in their original
 * order. The few-shot setting of the paper (n ∈ {1, 2, 5, 10, 20, …}).
 */
export function fewshot({ n }: FewshotOptions): Presampler {
  if (!Number.isInteger(n) || n < 1) {
    throw new ImprintError('INVALID_CONFIG', `fewshot must be a positive integer (samples per class), got ${n}`);
  }
  return {
    kind: 'presampler',
    name: 'fewshot',
    select(embeddings, { rng }) {
      const rows = embeddings.shape[0];
      if (rows <= n) return cloneTensor(embeddings);
      const kept = rng.sample(rows, n).sort((a, b) => a - b);
      return tf.tidy(() => tf.gather(embeddings, tf.tensor1d(kept, 'int32')) as tf.Tensor2D);
    },
  };
}
