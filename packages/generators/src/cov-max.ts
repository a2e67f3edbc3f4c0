import * as tf from '@tensorflow/tfjs-core';
import { cloneTensor, type ClassGenerator } from '@imprint/core';

/**
 * GEN `cov_max`: the k samples with the largest column sums of the sample-by-sample covariance
 * matrix (samples as variables, as `torch.cov(data)`), in descending order of that sum.
 *
 * The n × n matrix is never formed: with X̃ the rows centred on their own means and s = Σᵢ X̃ᵢ,
 * the column sum of sample i is X̃ᵢ · s / (d − 1). Equal sums keep the lower sample index first.
 */
export function covMax(): ClassGenerator {
  return {
    kind: 'generator',
    name: 'cov_max',
    scope: 'class',
    deterministic: true,
    generate(embeddings, { k }) {
      const [rows, dim] = embeddings.shape;
      if (rows === 1) return cloneTensor(embeddings);
      const sums = tf.tidy(() => {
        const centered = tf.sub(embeddings, tf.mean(embeddings, 1, true));
        const total = tf.sum(centered, 0, true);
        return tf.reshape(tf.div(tf.matMul(centered, tf.reshape(total, [dim, 1])), tf.scalar(Math.max(dim - 1, 1))), [rows]);
      });
      const values = sums.dataSync();
      sums.dispose();
      const order = Array.from({ length: rows }, (_, i) => i).sort((a, b) => values[b] - values[a] || a - b);
      return tf.tidy(() => tf.gather(embeddings, tf.tensor1d(order.slice(0, k), 'int32')) as tf.Tensor2D);
    },
  };
}
