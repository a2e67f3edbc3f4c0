import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@imprint/core';

/** `modes` well-separated Gaussian blobs (centres `centers`, spread `spread`), `perMode` rows each. */
export function blobs(centers: number[][], perMode: number, spread = 0.05, seed = 1): { x: tf.Tensor2D; truth: number[] } {
  const rng = createRng(seed);
  const rows: number[][] = [];
  const truth: number[] = [];
  centers.forEach((center, c) => {
    for (let i = 0; i < perMode; i++) {
      rows.push(center.map((v) => v + spread * rng.normal()));
      truth.push(c);
    }
  });
  return { x: tf.tensor2d(rows), truth };
}

export function sortRows(rows: number[][]): number[][] {
  // by rounded coordinates, so small noise does not change the order
  return [...rows].sort((a, b) => Math.round(a[0]) - Math.round(b[0]) || Math.round(a[1]) - Math.round(b[1]));
}
