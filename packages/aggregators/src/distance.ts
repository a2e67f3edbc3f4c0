import * as tf from '@tensorflow/tfjs-core';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { gramMatrix, ImprintError, RowBlocks, type Metric } from '@imprint/core';

/** Metrics of the nearest-neighbour aggregators; `inner_product` is read as cosine. */
export type DistanceMetric = Exclude<Metric, 'inner_product'>;

/**
 * Distances from query rows to the rows of one proxy set under one metric. Everything that
 * depends only on the proxies (unit rows, the transpose for the matrix product, the inverse
 * covariance for Mahalanobis) is prepared once; call `dispose` when done.
 */
export interface DistanceFunction {
  readonly metric: DistanceMetric;
  /** Whether distances are matrix products (`[b, P]` memory) or need `[b, P, d]` broadcasting. */
  readonly matrixProduct: boolean;
  /** Distances `[b, count]` from `queries` `[b, d]` to proxy rows `start … start + count − 1`. */
  distances(queries: tf.Tensor2D, start: number, count: number): tf.Tensor2D;
  dispose(): void;
}

function unitRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(x, tf.maximum(tf.norm(x, 'euclidean', 1, true), 1e-12)) as tf.Tensor2D);
}

function columns(matrix: tf.Tensor2D, start: number, count: number): tf.Tensor2D {
  return start === 0 && count === matrix.shape[1] ? matrix : tf.slice(matrix, [0, start], [-1, count]);
}

/**
 * Inverse of the covariance of the stored weights plus 1e-6·I (numpy `cov`, divided by P − 1),
 * by Cholesky solve against the identity (float64).
 */
export function inverseCovariance(weights: tf.Tensor2D): Float32Array {
  const [count, dim] = weights.shape;
  if (count < 2) throw new ImprintError('INVALID_INPUT', `the mahalanobis metric needs at least 2 stored proxies to estimate a covariance, got ${count}`);
  const covariance = tf.tidy(() => {
    const centered = tf.sub(weights, tf.mean(weights, 0, true)) as tf.Tensor2D;
    return tf.div(gramMatrix(centered), count - 1);
  });
  const values = covariance.dataSync();
  covariance.dispose();
  const matrix = new Matrix(dim, dim);
  for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) matrix.set(i, j, values[i * dim + j] + (i === j ? 1e-6 : 0));
  const inverse = new CholeskyDecomposition(matrix).solve(Matrix.eye(dim, dim));
  return Float32Array.from(inverse.to1DArray());
}

/** Squared Euclidean distances from `queries` to the proxies whose transpose is `transposed` `[d, P]`. */
function squaredEuclidean(queries: tf.Tensor2D, transposed: tf.Tensor2D, proxyNorms: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const q = tf.sum(tf.square(queries), 1, true);
    return tf.relu(tf.add(tf.sub(q, tf.mul(2, tf.matMul(queries, transposed))), proxyNorms)) as tf.Tensor2D;
  });
}

/** Prepare the distance function of `metric` for a set of proxies `[P, d]`. */
export function distanceFunction(metric: Metric, weights: tf.Tensor2D): DistanceFunction {
  switch (metric) {
    case 'inner_product':
    case 'cosine': {
      const transposed = tf.tidy(() => tf.transpose(unitRows(weights)));
      return {
        metric: 'cosine',
        matrixProduct: true,
        distances: (q, start, count) => tf.tidy(() => tf.sub(1, tf.matMul(unitRows(q), columns(transposed, start, count))) as tf.Tensor2D),
        dispose: () => transposed.dispose(),
      };
    }
    case 'euclidean': {
      const transposed = tf.transpose(weights);
      const norms = tf.tidy(() => tf.sum(tf.square(transposed), 0, true) as tf.Tensor2D);
      return {
        metric,
        matrixProduct: true,
        distances: (q, start, count) => tf.tidy(() => tf.sqrt(squaredEuclidean(q, columns(transposed, start, count), columns(norms, start, count)))),
        dispose: () => [transposed, norms].forEach((t) => t.dispose()),
      };
    }
    case 'mahalanobis': {
      const dim = weights.shape[1];
      // (x − w)ᵀ VI (x − w) = xᵀVIx − 2 xᵀVI w + wᵀVI w, with VI symmetric.
      const inverse = tf.tensor2d(inverseCovariance(weights), [dim, dim]);
      const transposed = tf.transpose(weights);
      const norms = tf.tidy(() => tf.reshape(tf.sum(tf.mul(tf.matMul(weights, inverse), weights), 1), [1, -1]) as tf.Tensor2D);
      return {
        metric,
        matrixProduct: true,
        distances: (q, start, count) =>
          tf.tidy(() => {
            const qv = tf.matMul(q, inverse);
            const qq = tf.sum(tf.mul(qv, q), 1, true);
            const cross = tf.matMul(qv, columns(transposed, start, count));
            return tf.sqrt(tf.relu(tf.add(tf.sub(qq, tf.mul(2, cross)), columns(norms, start, count)))) as tf.Tensor2D;
          }),
        dispose: () => [inverse, transposed, norms].forEach((t) => t.dispose()),
      };
    }
    case 'manhattan':
    case 'chebyshev': {
      const reduce = metric === 'manhattan' ? tf.sum : tf.max;
      const proxyBlocks = new RowBlocks(weights);
      return {
        metric,
        matrixProduct: false,
        distances: (q, start, count) =>
          tf.tidy(() => reduce(tf.abs(tf.sub(tf.expandDims(q, 1), tf.expandDims(proxyBlocks.block(start, count), 0))), 2) as tf.Tensor2D),
        dispose: () => undefined,
      };
    }
    default:
      throw new ImprintError('INVALID_CONFIG', `unknown metric ${JSON.stringify(metric)}`);
  }
}
