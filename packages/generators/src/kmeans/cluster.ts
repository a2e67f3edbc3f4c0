import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@imprint/core';
import { lloydMlKmeans, lloydTfjs, type KMeansResult, type LloydOptions } from './lloyd.js';
import { kmeansPlusPlusIndices } from './plus-plus.js';
import { gatherRows, rowSquaredNorms } from './squared-distances.js';

export interface ClusterOptions extends LloydOptions {
  /** @default 'tfjs' */
  implementation?: 'tfjs' | 'ml-kmeans';
}

/** k-means++ seeding then Lloyd, on rows already in host memory (`data`, row-major). */
export function clusterRowsWith(points: tf.Tensor2D, data: ArrayLike<number>, k: number, rng: Rng, { implementation = 'tfjs', ...lloyd }: ClusterOptions = {}): KMeansResult {
  const [rows, dim] = points.shape;
  const norms = rowSquaredNorms(data, rows, dim);
  const seeds = kmeansPlusPlusIndices(points, data, norms, k, rng);
  const initial = gatherRows(data, dim, seeds);
  return implementation === 'tfjs' ? lloydTfjs(points, data, norms, initial, k, lloyd) : lloydMlKmeans(data, rows, dim, initial, k, lloyd);
}
