import * as tf from '@tensorflow/tfjs-core';
import type { NearestMetric, NearestResult } from '../contracts/kernels.js';
import { RowBlocks } from './row-blocks.js';

/** Most elements of a score or distance block held at once (16 Mi float32 = 64 MiB): the one default of every blocked computation. */
export const DEFAULT_BLOCK_ELEMENTS = 16 * 1024 * 1024;

/**
 * Distances from query rows to the rows of one target set under one metric. Everything that
 * depends only on the targets (unit rows, the transpose for the matrix product, norms) is prepared
 * once; call `dispose` when done.
 */
export interface DistanceFunction {
  readonly metric: string;
  /** Whether distances are matrix products (`[b, P]` memory) or need `[b, P, d]` broadcasting. */
  readonly matrixProduct: boolean;
  /** Distances `[b, count]` from `queries` `[b, d]` to target rows `start … start + count − 1`. */
  distances(queries: tf.Tensor2D, start: number, count: number): tf.Tensor2D;
  dispose(): void;
}

function unitRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(x, tf.maximum(tf.norm(x, 'euclidean', 1, true), 1e-12)) as tf.Tensor2D);
}

function columns(matrix: tf.Tensor2D, start: number, count: number): tf.Tensor2D {
  return start === 0 && count === matrix.shape[1] ? matrix : tf.slice(matrix, [0, start], [-1, count]);
}

/** Squared Euclidean distances from `queries` to the targets whose transpose is `transposed` `[d, P]`. */
function squaredEuclidean(queries: tf.Tensor2D, transposed: tf.Tensor2D, targetNorms: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const q = tf.sum(tf.square(queries), 1, true);
    return tf.relu(tf.add(tf.sub(q, tf.mul(2, tf.matMul(queries, transposed))), targetNorms)) as tf.Tensor2D;
  });
}

/** Cosine distances (1 − cos, rows normalised with a norm floor of 1e-12) to the rows of `targets`. */
export function cosineDistances(targets: tf.Tensor2D): DistanceFunction {
  const transposed = tf.tidy(() => tf.transpose(unitRows(targets)));
  return {
    metric: 'cosine',
    matrixProduct: true,
    distances: (q, start, count) => tf.tidy(() => tf.sub(1, tf.matMul(unitRows(q), columns(transposed, start, count))) as tf.Tensor2D),
    dispose: () => transposed.dispose(),
  };
}

/** Euclidean distances (‖q‖² − 2q·t + ‖t‖², clamped at 0, square root) to the rows of `targets`. */
export function euclideanDistances(targets: tf.Tensor2D): DistanceFunction {
  const transposed = tf.transpose(targets);
  const norms = tf.tidy(() => tf.sum(tf.square(transposed), 0, true) as tf.Tensor2D);
  return {
    metric: 'euclidean',
    matrixProduct: true,
    distances: (q, start, count) => tf.tidy(() => tf.sqrt(squaredEuclidean(q, columns(transposed, start, count), columns(norms, start, count)))),
    dispose: () => [transposed, norms].forEach((t) => t.dispose()),
  };
}

/**
 * The `neighbours` targets nearest to every query under `distance`, nearest first, equal distances
 * to the lower target index: a blocked tf.js computation with a running top-m, so that no block of
 * distances exceeds `blockElements` values. The `nearest` kernel's reference implementation (for
 * the cosine and Euclidean distances), and the aggregators' computation for every other metric.
 */
export function nearestByDistances(queries: tf.Tensor2D, count: number, neighbours: number, distance: DistanceFunction, blockElements = DEFAULT_BLOCK_ELEMENTS): NearestResult {
  const [rows, dim] = queries.shape;
  const indices = new Int32Array(rows * neighbours);
  const distances = new Float32Array(rows * neighbours);
  const queryBlocks = new RowBlocks(queries);
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
  return { m: neighbours, indices, distances };
}

/** The `nearest` kernel on tensors: cosine or Euclidean, `m` clipped to the number of targets. */
export function nearestOfTensors(queries: tf.Tensor2D, targets: tf.Tensor2D, m: number, metric: NearestMetric, blockElements?: number): NearestResult {
  const neighbours = Math.min(m, targets.shape[0]);
  const distance = metric === 'cosine' ? cosineDistances(targets) : euclideanDistances(targets);
  try {
    return nearestByDistances(queries, targets.shape[0], neighbours, distance, blockElements);
  } finally {
    distance.dispose();
  }
}
