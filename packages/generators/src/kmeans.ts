import * as tf from '@tensorflow/tfjs-core';
import type { ClassGenerator, Rng } from '@imprint/core';
import { lloydMlKmeans, lloydTfjs, type KMeansResult, type LloydOptions } from './kmeans/lloyd.js';
import { kmeansPlusPlusIndices } from './kmeans/plus-plus.js';
import { gatherRows, rowSquaredNorms } from './kmeans/squared-distances.js';

export type KMeansImplementation = 'tfjs' | 'ml-kmeans';

export interface KMeansOptions extends LloydOptions {
  /**
   * Lloyd implementation: `tfjs` (distances as one matrix product per iteration, the default by
   * measurement — see `pnpm bench:generate`) or `ml-kmeans` (the plain-JS reference).
   * @default 'tfjs'
   */
  implementation?: KMeansImplementation;
}

/**
 * k-means of one class's rows: greedy k-means++ seeding, then Lloyd iterations, all seeded by
 * `rng`. Returns centres, labels and inertia.
 */
export function clusterRows(points: tf.Tensor2D, k: number, rng: Rng, { implementation = 'tfjs', ...lloyd }: KMeansOptions = {}): KMeansResult {
  const [rows, dim] = points.shape;
  const data = points.dataSync();
  const norms = rowSquaredNorms(data, rows, dim);
  const seeds = kmeansPlusPlusIndices(points, data, norms, k, rng);
  const initial = gatherRows(data, dim, seeds);
  return implementation === 'tfjs' ? lloydTfjs(points, data, norms, initial, k, lloyd) : lloydMlKmeans(data, rows, dim, initial, k, lloyd);
}

/**
 * GEN `kmeans`: the k centroids of k-means on the class's embeddings (k-means++ seeding, Lloyd
 * iterations to a relative tolerance or 300 iterations, empty clusters re-seeded) — the
 * generator of the paper's best method (k = 20 with L2 normalisation and max aggregation).
 */
export function kmeans(options: KMeansOptions = {}): ClassGenerator {
  return {
    kind: 'generator',
    name: 'kmeans',
    scope: 'class',
    generate(embeddings, { k, rng }) {
      const { centers } = clusterRows(embeddings, k, rng, options);
      return tf.tensor2d(centers, [k, embeddings.shape[1]]);
    },
  };
}
