import type * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_BLOCK_ELEMENTS, NO_KERNELS, hostMatrixOf, kernelSet, nearestByDistances, nearestOfTensors, type Kernels, type NearestResult } from '@imprint/core';
import type { Metric } from './options.js';
import { distanceFunction } from './distance.js';
import { mahalanobisWhitening, whiten } from './mahalanobis.js';

/**
 * The `m` proxies nearest to every query under `metric` (`inner_product` means cosine), nearest
 * first, equal distances to the lower proxy index. Cosine and Euclidean distances are the `nearest`
 * kernel (the engine's, else the reference: a blocked tf.js computation — run on the tensors
 * themselves on a GPU backend without an engine); Mahalanobis distances are Euclidean distances of
 * whitened rows; Manhattan and Chebyshev distances a blocked tf.js computation with a running
 * top-m under `blockElements`.
 */
export function nearestProxies(queries: tf.Tensor2D, weights: tf.Tensor2D, m: number, metric: Metric, kernels: Kernels = NO_KERNELS, blockElements = DEFAULT_BLOCK_ELEMENTS): NearestResult {
  const neighbours = Math.min(m, weights.shape[0]);
  const table = kernelSet(kernels);
  if (metric === 'mahalanobis') {
    const transform = mahalanobisWhitening(weights, table);
    const whiteWeights = whiten(weights, transform, table);
    const whiteQueries = whiten(queries, transform, table);
    try {
      return nearestProxies(whiteQueries, whiteWeights, neighbours, 'euclidean', table, blockElements);
    } finally {
      whiteWeights.dispose();
      whiteQueries.dispose();
    }
  }
  const resolved = metric === 'inner_product' ? 'cosine' : metric;
  if (resolved === 'cosine' || resolved === 'euclidean') {
    if (!table.onHost('nearest')) return nearestOfTensors(queries, weights, neighbours, resolved, blockElements);
    const [rows, dim] = queries.shape;
    return table.nearest({ values: queries.dataSync() as Float32Array, rows, dim }, hostMatrixOf(weights), neighbours, resolved);
  }
  return nearestWithTfjs(queries, weights, neighbours, resolved, blockElements);
}

/** The tf.js computation of {@link nearestProxies} for any metric (core's `nearestByDistances` with this package's distances). */
export function nearestWithTfjs(queries: tf.Tensor2D, weights: tf.Tensor2D, neighbours: number, metric: Exclude<Metric, 'inner_product'>, blockElements = DEFAULT_BLOCK_ELEMENTS): NearestResult {
  const distance = distanceFunction(metric, weights);
  try {
    return nearestByDistances(queries, weights.shape[0], neighbours, distance, blockElements);
  } finally {
    distance.dispose();
  }
}
