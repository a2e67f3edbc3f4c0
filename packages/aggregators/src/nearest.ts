import * as tf from '@tensorflow/tfjs-core';
import { NO_KERNELS, RowBlocks, hostMatrixOf, type Kernels, type NearestResult } from '@imprint/core';
import type { Metric } from './options.js';
import { distanceFunction } from './distance.js';
import { mahalanobisWhitening, whiten } from './mahalanobis.js';

/**
 * The `m` proxies nearest to every query under `metric` (`inner_product` means cosine), nearest
 * first, equal distances to the lower proxy index. Cosine and Euclidean distances go to the
 * engine's `nearest` kernel when there is one; Mahalanobis distances are Euclidean distances of
 * whitened rows; everything else (and everything without an engine) is a blocked tf.js
 * computation with a running top-m under `blockElements`.
 */
export function nearestProxies(queries: tf.Tensor2D, weights: tf.Tensor2D, m: number, metric: Metric, kernels: Kernels = NO_KERNELS, blockElements = 16 * 1024 * 1024): NearestResult {
  const neighbours = Math.min(m, weights.shape[0]);
  if (metric === 'mahalanobis') {
    const transform = mahalanobisWhitening(weights, kernels);
    const whiteWeights = whiten(weights, transform, kernels);
    const whiteQueries = whiten(queries, transform, kernels);
    try {
      return nearestProxies(whiteQueries, whiteWeights, neighbours, 'euclidean', kernels, blockElements);
    } finally {
      whiteWeights.dispose();
      whiteQueries.dispose();
    }
  }
  const resolved = metric === 'inner_product' ? 'cosine' : metric;
  if (kernels.nearest !== undefined && (resolved === 'cosine' || resolved === 'euclidean')) {
    const [rows, dim] = queries.shape;
    const result = kernels.nearest({ values: queries.dataSync() as Float32Array, rows, dim }, hostMatrixOf(weights), neighbours, resolved);
    if (result !== undefined) return result;
  }
  return nearestWithTfjs(queries, weights, neighbours, resolved, blockElements);
}

/** The tf.js computation of {@link nearestProxies}: the reference the engines are checked against. */
export function nearestWithTfjs(queries: tf.Tensor2D, weights: tf.Tensor2D, neighbours: number, metric: Exclude<Metric, 'inner_product'>, blockElements = 16 * 1024 * 1024): NearestResult {
  const [rows, dim] = queries.shape;
  const count = weights.shape[0];
  const indices = new Int32Array(rows * neighbours);
  const distances = new Float32Array(rows * neighbours);
  const distance = distanceFunction(metric, weights);
  const queryBlocks = new RowBlocks(queries);
  try {
    const perQuery = distance.matrixProduct ? count : Math.min(count, Math.max(1, Math.floor(blockElements / dim)));
    const proxyStep = distance.matrixProduct ? count : perQuery;
    const queryStep = Math.max(1, Math.min(rows, Math.floor(blockElements / (distance.matrixProduct ? count : proxyStep * dim))));
    for (let start = 0; start < rows; start += queryStep) {
      const size = Math.min(queryStep, rows - start);
      const block = queryBlocks.block(start, size);
      const [values, nearest] = tf.tidy(() => {
        let bestValues: tf.Tensor2D | undefined;
        let bestIndices: tf.Tensor2D | undefined;
        for (let from = 0; from < count; from += proxyStep) {
          const width = Math.min(proxyStep, count - from);
          const negative = tf.neg(distance.distances(block, from, width));
          const top = tf.topk(negative, Math.min(neighbours, width));
          const globalIndices = tf.add(top.indices, tf.scalar(from, 'int32')) as tf.Tensor2D;
          if (bestValues === undefined || bestIndices === undefined) {
            bestValues = top.values as tf.Tensor2D;
            bestIndices = globalIndices;
          } else {
            const mergedValues = tf.concat([bestValues, top.values], 1);
            const mergedIndices = tf.concat([bestIndices, globalIndices], 1);
            const merged = tf.topk(mergedValues, neighbours);
            bestValues = merged.values as tf.Tensor2D;
            bestIndices = tf.gather(mergedIndices, merged.indices, 1, 1) as tf.Tensor2D;
          }
        }
        return [bestValues!, bestIndices!];
      });
      block.dispose();
      const negatives = values.dataSync();
      indices.set(nearest.dataSync(), start * neighbours);
      for (let i = 0; i < negatives.length; i++) distances[start * neighbours + i] = -negatives[i];
      values.dispose();
      nearest.dispose();
    }
  } finally {
    distance.dispose();
  }
  return { m: neighbours, indices, distances };
}
