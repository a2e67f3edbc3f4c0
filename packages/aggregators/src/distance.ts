import * as tf from '@tensorflow/tfjs-core';
import { ImprintError, NO_KERNELS, RowBlocks, type Kernels } from '@imprint/core';
import type { Metric } from './options.js';
import { mahalanobisWhitening, whiten } from './mahalanobis.js';

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

/** Squared Euclidean distances from `queries` to the proxies whose transpose is `transposed` `[d, P]`. */
function squaredEuclidean(queries: tf.Tensor2D, transposed: tf.Tensor2D, proxyNorms: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const q = tf.sum(tf.square(queries), 1, true);
    return tf.relu(tf.add(tf.sub(q, tf.mul(2, tf.matMul(queries, transposed))), proxyNorms)) as tf.Tensor2D;
  });
}

/**
 * Prepare the distance function of `metric` for a set of proxies `[P, d]` (`kernels`: the
 * engine's, used for the whitening products of the Mahalanobis metric).
 */
export function distanceFunction(metric: Metric, weights: tf.Tensor2D, kernels: Kernels = NO_KERNELS): DistanceFunction {
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
      // Euclidean distances of whitened rows (see mahalanobisWhitening).
      const transform = mahalanobisWhitening(weights, kernels);
      const whitened = whiten(weights, transform, kernels);
      const euclidean = distanceFunction('euclidean', whitened);
      whitened.dispose();
      return {
        metric,
        matrixProduct: true,
        distances: (q, start, count) => {
          const white = whiten(q, transform, kernels);
          try {
            return euclidean.distances(white, start, count);
          } finally {
            white.dispose();
          }
        },
        dispose: () => euclidean.dispose(),
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
