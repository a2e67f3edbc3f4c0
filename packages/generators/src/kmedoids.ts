import * as tf from '@tensorflow/tfjs-core';
import { matMulTransposed, type ClassGenerator, type Rng } from '@imprint/core';
import { kmeansPlusPlusIndices } from './kmeans/plus-plus.js';
import { RowDistances, gatherRows, squaredNorms64 } from './kmeans/squared-distances.js';

export interface KMedoidsOptions {
  /** Iteration cap of the alternate algorithm. @default 300 */
  maxIterations?: number;
}

/** Index (into `members`) of the member with the smallest sum of Euclidean distances to the others. */
function medoidOf(data: ArrayLike<number>, dim: number, members: number[]): number {
  const sums = tf.tidy(() => {
    const rows = tf.tensor2d(gatherRows(data, dim, members), [members.length, dim]);
    const norms = tf.sum(tf.square(rows), 1, true);
    const squared = tf.add(tf.sub(norms, tf.mul(2, matMulTransposed(rows, rows))), tf.transpose(norms));
    return tf.sum(tf.sqrt(tf.relu(squared)), 1);
  });
  const values = sums.dataSync();
  sums.dispose();
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] < values[best]) best = i;
  return best;
}

/**
 * GEN `kmedoids`: k medoids (actual samples) by the "alternate" algorithm — assign samples to the
 * nearest medoid, move each medoid to the member with the least total Euclidean distance to its
 * cluster, repeat until nothing changes — from k-medoids++ seeds (the greedy k-means++ choice).
 */
export function kmedoids({ maxIterations = 300 }: KMedoidsOptions = {}): ClassGenerator {
  return {
    kind: 'generator',
    name: 'kmedoids',
    scope: 'class',
    generate(embeddings, { k, rng, kernels }) {
      const [rows, dim] = embeddings.shape;
      const data = embeddings.dataSync() as Float32Array;
      const rowDistances = new RowDistances(data, rows, dim, squaredNorms64(data, rows, dim), kernels);
      try {
        return medoidsOf(embeddings, data, rows, dim, k, rng, rowDistances, maxIterations);
      } finally {
        rowDistances.dispose();
      }
    },
  };
}

/** The alternate algorithm from k-medoids++ seeds, with distances from `rowDistances`. */
function medoidsOf(embeddings: tf.Tensor2D, data: Float32Array, rows: number, dim: number, k: number, rng: Rng, rowDistances: RowDistances, maxIterations: number): tf.Tensor2D {
  let medoids = Array.from(kmeansPlusPlusIndices(rowDistances, data, dim, k, rng));
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const distances = rowDistances.toAll(gatherRows(data, dim, medoids), k);
    const members: number[][] = Array.from({ length: k }, () => []);
    for (let i = 0; i < rows; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (distances[i * k + c] < distances[i * k + best]) best = c;
      members[best].push(i);
    }
    const next = medoids.map((medoid, c) => (members[c].length === 0 ? medoid : members[c][medoidOf(data, dim, members[c])]));
    const unchanged = next.every((m, c) => m === medoids[c]);
    medoids = next;
    if (unchanged) break;
  }
  return tf.tidy(() => tf.gather(embeddings, tf.tensor1d(medoids, 'int32')) as tf.Tensor2D);
}
