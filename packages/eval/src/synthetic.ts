import { createRng } from '@imprint/core';
import type { EmbeddingSet } from './embedding-set.js';

export interface GaussianModesOptions {
  classes: number;
  /** Modes (clusters) per class: with d modes, k-means with k = d proxies should help most. */
  modes: number;
  dim: number;
  /** Samples per class. */
  perClass: number;
  /** Standard deviation of samples around their mode. @default 1 */
  spread?: number;
  /** Standard deviation of mode centres around the origin. @default 1 */
  separation?: number;
  seed?: number;
}

/**
 * Synthetic labelled embeddings: C classes, each a mixture of d Gaussian modes in D dimensions —
 * for tests and for the k = d study without images. Train and test come from the same modes.
 */
export function gaussianModes({ classes, modes, dim, perClass, spread = 1, separation = 1, seed = 1 }: GaussianModesOptions): { train: EmbeddingSet; test: EmbeddingSet } {
  const rng = createRng(seed);
  const centres = Array.from({ length: classes * modes }, () => Float32Array.from({ length: dim }, () => separation * rng.normal()));
  const sample = (count: number): EmbeddingSet => {
    const embeddings = new Float32Array(classes * count * dim);
    const labels = new Int32Array(classes * count);
    for (let c = 0; c < classes; c++) {
      for (let i = 0; i < count; i++) {
        const row = c * count + i;
        const centre = centres[c * modes + (i % modes)];
        for (let j = 0; j < dim; j++) embeddings[row * dim + j] = centre[j] + spread * rng.normal();
        labels[row] = c;
      }
    }
    return { embeddings, shape: [classes * count, dim], labels };
  };
  return { train: sample(perClass), test: sample(Math.max(1, Math.round(perClass / 4))) };
}
