import { NO_KERNELS, type Kernels, type Rng } from '@imprint/core';
import { lloyd, lloydMlKmeans, type KMeansResult, type LloydOptions } from './lloyd.js';
import { kmeansPlusPlusIndices } from './plus-plus.js';
import { RowDistances, gatherRows, rowSquaredNorms } from './squared-distances.js';

export interface ClusterOptions extends LloydOptions {
  /**
   * `lloyd`: the bounded Lloyd of this package, its products through the engine's kernels or
   * tf.js (`'tfjs'` is an older name for it); `ml-kmeans`: the plain-JS reference. @default 'lloyd'
   */
  implementation?: 'lloyd' | 'tfjs' | 'ml-kmeans';
  /** The engine's kernels (the generator passes its context's). @default none: tf.js */
  kernels?: Kernels;
}

/** k-means++ seeding then Lloyd, on rows in host memory (`data`, row-major `[rows, dim]`). */
export function clusterRowsWith(data: Float32Array, rows: number, dim: number, k: number, rng: Rng, { implementation = 'lloyd', kernels = NO_KERNELS, ...lloydOptions }: ClusterOptions = {}): KMeansResult {
  const norms = rowSquaredNorms(data, rows, dim, kernels);
  const distances = new RowDistances(data, rows, dim, norms, kernels);
  try {
    const seeds = kmeansPlusPlusIndices(distances, data, dim, k, rng);
    const initial = gatherRows(data, dim, seeds);
    return implementation === 'ml-kmeans' ? lloydMlKmeans(data, rows, dim, initial, k, lloydOptions) : lloyd(distances, data, dim, initial, k, { ...lloydOptions, kernels });
  } finally {
    distances.dispose();
  }
}
