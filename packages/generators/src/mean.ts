import * as tf from '@tensorflow/tfjs-core';
import type { ClassGenerator } from '@imprint/core';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MeanOptions {}

/**
 * GEN `mean`: one proxy per class, the mean of its (NORMpre-normalised) embeddings — the
 * generator of Qi et al. (2018), Hosoda et al. (2024) and Janson et al. (2022). Independent of k.
 */
export function mean(_options: MeanOptions = {}): ClassGenerator {
  return {
    kind: 'generator',
    name: 'mean',
    scope: 'class',
    deterministic: true,
    extend: 'mean',
    generate: (embeddings) => tf.tidy(() => tf.mean(embeddings, 0, true) as tf.Tensor2D),
  };
}
