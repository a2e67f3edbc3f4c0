import type * as tf from '@tensorflow/tfjs-core';
import { createRng, hostMatrixOf, tensorFromHost, type ClassGenerator, type Rng } from '@imprint/core';
import { clusterRowsWith, type ClusterOptions } from './kmeans/cluster.js';
import type { KMeansResult } from './kmeans/lloyd.js';
import { importKMeansPool } from './kmeans/node-only.js';

export type KMeansImplementation = 'lloyd' | 'tfjs' | 'ml-kmeans';

export interface KMeansOptions extends Omit<ClusterOptions, 'kernels'> {
  /**
   * Lloyd implementation: `lloyd` (bounded Lloyd, products through the engine's kernels or
   * tf.js; `tfjs` is its older name) or `ml-kmeans` (the plain-JS reference). @default 'lloyd'
   */
  implementation?: KMeansImplementation;
  /**
   * Worker threads (Node only) that cluster classes in parallel, each with its own tfjs backend
   * (WASM when installed) and no engine; the Imprinter generates all classes of a batch
   * concurrently. 1 runs in this thread, with the engine's kernels when the registry has an
   * engine. Results are the same either way.
   * @default 1
   */
  workers?: number;
}

/**
 * k-means of one class's rows: greedy k-means++ seeding, then Lloyd iterations, all seeded by
 * `rng`. Returns centres, labels and inertia.
 */
export function clusterRows(points: tf.Tensor2D, k: number, rng: Rng, options: ClusterOptions = {}): KMeansResult {
  const [rows, dim] = points.shape;
  return clusterRowsWith(hostMatrixOf(points).values, rows, dim, k, rng, options);
}

/**
 * GEN `kmeans`: the k centroids of k-means on the class's embeddings (k-means++ seeding, Lloyd
 * iterations to a relative tolerance or 300 iterations, empty clusters re-seeded) — the
 * generator of the paper's best method (k = 20 with L2 normalisation and max aggregation).
 */
export function kmeans({ workers = 1, ...options }: KMeansOptions = {}): ClassGenerator {
  return {
    kind: 'generator',
    name: 'kmeans',
    scope: 'class',
    async generate(embeddings, { k, rng, kernels }) {
      // One seed drawn from the class's stream, so threads and workers give the same centres.
      const seed = rng.int(2 ** 31);
      const [rows, dim] = embeddings.shape;
      const data = hostMatrixOf(embeddings).values;
      if (workers > 1) {
        const { kmeansPool } = await importKMeansPool();
        const centers = await kmeansPool(workers).cluster(data, rows, dim, k, seed, options);
        return tensorFromHost(centers, k, dim);
      }
      const { centers } = clusterRowsWith(data, rows, dim, k, createRng(seed), { ...options, ...(kernels === undefined ? {} : { kernels }) });
      return tensorFromHost(centers, k, dim);
    },
  };
}
