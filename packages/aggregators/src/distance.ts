import * as tf from '@tensorflow/tfjs-core';
import { ImprintError, NO_KERNELS, RowBlocks, cosineDistances, euclideanDistances, type DistanceFunction as CoreDistanceFunction, type Kernels } from '@imprint/core';
import type { Metric } from './options.js';
import { mahalanobisWhitening, whiten } from './mahalanobis.js';

/** Metrics of the nearest-neighbour aggregators; `inner_product` is read as cosine. */
export type DistanceMetric = Exclude<Metric, 'inner_product'>;

/** Distances from query rows to the rows of one proxy set under one metric (see core's `DistanceFunction`). */
export type DistanceFunction = CoreDistanceFunction & { readonly metric: DistanceMetric };

/**
 * Prepare the distance function of `metric` for a set of proxies `[P, d]` (`kernels`: the
 * engine's, used for the whitening products of the Mahalanobis metric).
 */
export function distanceFunction(metric: Metric, weights: tf.Tensor2D, kernels: Kernels = NO_KERNELS): DistanceFunction {
  switch (metric) {
    case 'inner_product':
    case 'cosine':
      return cosineDistances(weights) as DistanceFunction;
    case 'euclidean':
      return euclideanDistances(weights) as DistanceFunction;
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
