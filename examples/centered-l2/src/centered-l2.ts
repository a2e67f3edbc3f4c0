import * as tf from '@tensorflow/tfjs-core';
import { ImprintError, toHostMatrix, type EmbeddingInput, type Normalizer } from '@imprint/core';

export interface CenteredL2Options {
  /**
   * What is subtracted before the L2 normalisation: a centre fitted on train embeddings
   * ({@link fitCenter}; usable at NORMpre, NORMpost and NORMinf), or `'reference'`: the mean of the
   * weights already stored (NORMpost only; the first class is only L2-normalised).
   * @default 'reference'
   */
  center?: Float32Array | readonly number[] | 'reference';
}

/** The column mean of train embeddings: the centre of SimpleShot's CL2N. */
export function fitCenter(embeddings: EmbeddingInput): Float32Array {
  const { values, rows, dim } = toHostMatrix(embeddings, 'embeddings to fit the centre on');
  if (rows === 0) throw new ImprintError('EMPTY_CLASS', 'cannot fit a centre on zero embeddings');
  const sums = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) sums[j] += values[r * dim + j];
  return Float32Array.from(sums, (s) => s / rows);
}

function l2(x: tf.Tensor2D): tf.Tensor2D {
  return tf.div(x, tf.maximum(tf.norm(x, 'euclidean', 1, true), 1e-12)) as tf.Tensor2D;
}

/**
 * NORM `centered-l2` (SimpleShot's CL2N, Wang et al. 2019): subtract a centre, then scale every
 * row to unit L2 norm. Removes a common offset that plain L2 normalisation cannot.
 */
export function centeredL2({ center = 'reference' }: CenteredL2Options = {}): Normalizer {
  const fixed = center === 'reference' ? undefined : Float32Array.from(center);
  return {
    kind: 'normalizer',
    name: 'centered-l2',
    version: '0.1.0',
    stages: fixed === undefined ? ['post'] : ['pre', 'post', 'inf'],
    normalize(matrix, context = {}) {
      if (fixed !== undefined && fixed.length !== matrix.shape[1]) {
        throw new ImprintError('DIMENSION_MISMATCH', `the centre has dimension ${fixed.length}, the embeddings ${matrix.shape[1]}`);
      }
      return tf.tidy(() => {
        if (fixed !== undefined) return l2(tf.sub(matrix, tf.tensor2d(fixed, [1, fixed.length])) as tf.Tensor2D);
        const reference = context.reference;
        if (reference === undefined || reference.shape[0] === 0) return l2(matrix);
        return l2(tf.sub(matrix, tf.mean(reference, 0, true)) as tf.Tensor2D);
      });
    },
  };
}
