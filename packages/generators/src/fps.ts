import * as tf from '@tensorflow/tfjs-core';
import type { ClassGenerator } from '@imprint/core';

/**
 * GEN `fps` (farthest point sampling): a random first sample, then repeatedly the sample whose
 * Euclidean distance to the chosen set is largest (ties: the lowest index).
 */
export function fps(): ClassGenerator {
  return {
    kind: 'generator',
    name: 'fps',
    scope: 'class',
    generate(embeddings, { k, rng }) {
      const [rows, dim] = embeddings.shape;
      const data = embeddings.dataSync();
      const chosen = [rng.int(rows)];
      const nearest = new Float64Array(rows).fill(Number.POSITIVE_INFINITY);
      const taken = new Uint8Array(rows);
      taken[chosen[0]] = 1;
      while (chosen.length < Math.min(k, rows)) {
        const last = chosen[chosen.length - 1] * dim;
        let best = -1;
        let bestDistance = -1;
        for (let i = 0; i < rows; i++) {
          let squared = 0;
          const row = i * dim;
          for (let j = 0; j < dim; j++) {
            const diff = data[row + j] - data[last + j];
            squared += diff * diff;
          }
          if (squared < nearest[i]) nearest[i] = squared;
          if (!taken[i] && nearest[i] > bestDistance) {
            bestDistance = nearest[i];
            best = i;
          }
        }
        chosen.push(best);
        taken[best] = 1;
      }
      return tf.tidy(() => tf.gather(embeddings, tf.tensor1d(chosen, 'int32')) as tf.Tensor2D);
    },
  };
}
