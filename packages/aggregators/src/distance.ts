import * as tf from '@tensorflow/tfjs-core';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { ImprintError, type Metric } from '@imprint/core';

/** Metrics of the nearest-neighbour aggregators; `inner_product` is read as cosine. */
export type DistanceMetric = Exclude<Metric, 'inner_product'>;

/**
 * Distances from query rows to proxy rows under one metric, prepared once per proxy set
 * (normalised proxies for cosine, the inverse covariance for Mahalanobis).
 */
export interface DistanceFunction {
  readonly metric: DistanceMetric;
  /** Whether distances are matrix products (`[b, P]` memory) or need `[b, P, d]` broadcasting. */
  readonly matrixProduct: boolean;
  /** Distances `[b, P]` from `queries` `[b, d]` to proxy rows `[P, d]`. */
  distances(queries: tf.Tensor2D, proxies: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

function squaredEuclidean(queries: tf.Tensor2D, proxies: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const q = tf.sum(tf.square(queries), 1, true);
    const p = tf.reshape(tf.sum(tf.square(proxies), 1), [1, -1]);
    return tf.relu(tf.add(tf.sub(q, tf.mul(2, tf.matMul(queries, proxies, false, true))), p)) as tf.Tensor2D;
  });
}

function unitRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(x, tf.maximum(tf.norm(x, 'euclidean', 1, true), 1e-12)) as tf.Tensor2D);
}

/**
 * Inverse of the covariance of the stored weights plus 1e-6·I (numpy `cov`, divided by P − 1),
 * by Cholesky solve against the identity (float64).
 */
export function inverseCovariance(weights: tf.Tensor2D): Float32Array {
  const [count, dim] = weights.shape;
  if (count < 2) throw new ImprintError('INVALID_INPUT', `the mahalanobis metric needs at least 2 stored proxies to estimate a covariance, got ${count}`);
  const covariance = tf.tidy(() => {
    const centered = tf.sub(weights, tf.mean(weights, 0, true));
    return tf.div(tf.matMul(centered, centered, true, false), count - 1);
  });
  const values = covariance.dataSync();
  covariance.dispose();
  const matrix = new Matrix(dim, dim);
  for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) matrix.set(i, j, values[i * dim + j] + (i === j ? 1e-6 : 0));
  const inverse = new CholeskyDecomposition(matrix).solve(Matrix.eye(dim, dim));
  return Float32Array.from(inverse.to1DArray());
}

/** Prepare the distance function of `metric` for a set of proxies. */
export function distanceFunction(metric: Metric, weights: tf.Tensor2D): DistanceFunction {
  switch (metric) {
    case 'inner_product':
    case 'cosine': {
      const unit = unitRows(weights);
      return {
        metric: 'cosine',
        matrixProduct: true,
        distances: (q, p) => tf.tidy(() => tf.sub(1, tf.matMul(unitRows(q), p === weights ? unit : unitRows(p), false, true)) as tf.Tensor2D),
        dispose: () => unit.dispose(),
      };
    }
    case 'euclidean':
      return { metric, matrixProduct: true, distances: (q, p) => tf.tidy(() => tf.sqrt(squaredEuclidean(q, p))), dispose: () => undefined };
    case 'mahalanobis': {
      const dim = weights.shape[1];
      const inverse = tf.tensor2d(inverseCovariance(weights), [dim, dim]);
      return {
        metric,
        matrixProduct: true,
        distances: (q, p) =>
          tf.tidy(() => {
            // (x − w)ᵀ VI (x − w) = xᵀVIx − 2 xᵀVI w + wᵀVI w
            const qv = tf.matMul(q, inverse);
            const pv = tf.matMul(p, inverse);
            const qq = tf.sum(tf.mul(qv, q), 1, true);
            const pp = tf.reshape(tf.sum(tf.mul(pv, p), 1), [1, -1]);
            return tf.sqrt(tf.relu(tf.add(tf.sub(qq, tf.mul(2, tf.matMul(qv, p, false, true))), pp))) as tf.Tensor2D;
          }),
        dispose: () => inverse.dispose(),
      };
    }
    case 'manhattan':
    case 'chebyshev': {
      const reduce = metric === 'manhattan' ? tf.sum : tf.max;
      return {
        metric,
        matrixProduct: false,
        distances: (q, p) => tf.tidy(() => reduce(tf.abs(tf.sub(tf.expandDims(q, 1), tf.expandDims(p, 0))), 2) as tf.Tensor2D),
        dispose: () => undefined,
      };
    }
    default:
      throw new ImprintError('INVALID_CONFIG', `unknown metric ${JSON.stringify(metric)}`);
  }
}
