import * as tf from '@tensorflow/tfjs-core';
import type { ClassGenerator } from '@imprint/core';

/** GEN `random`: k distinct samples of the class, drawn with the class's seeded stream. */
export function random(): ClassGenerator {
  return {
    kind: 'generator',
    name: 'random',
    scope: 'class',
    generate: (embeddings, { k, rng }) =>
      tf.tidy(() => tf.gather(embeddings, tf.tensor1d(rng.sample(embeddings.shape[0], Math.min(k, embeddings.shape[0])), 'int32')) as tf.Tensor2D),
  };
}
