import * as tf from '@tensorflow/tfjs-core';
import { cloneTensor, type JointGenerator } from '@imprint/core';
import { clusterRows, type KMeansOptions } from './kmeans.js';
import { DEFAULT_LAMBDA } from './lambda-defaults.js';
import { leastSquaresWeights } from './least-squares.js';

export interface KMeansLeastSquaresOptions extends KMeansOptions {
  /** Ridge term λ > 0. @default 0.05 */
  lambda?: number;
}

/**
 * GEN `kls`: k-means each class into k clusters, treat every cluster as a pseudo-class of one
 * least-squares solve, and give each class the k weight rows of its clusters. As in the reference:
 * k = 1 is plain `ls`; a class with k = -1 or fewer than k samples keeps its samples as proxies and
 * takes no part in the solve.
 */
export function kmeansLeastSquares({ lambda = DEFAULT_LAMBDA, ...kmeansOptions }: KMeansLeastSquaresOptions = {}): JointGenerator {
  return {
    kind: 'generator',
    name: 'kls',
    scope: 'joint',
    generate(classes, { k, rng, kernels }) {
      const dim = classes[0].shape[1];
      if (k === 1) {
        const weights = leastSquaresWeights(classes, lambda, kernels);
        return classes.map((_, c) => tf.tensor2d(Float32Array.from(weights.subarray(c * dim, (c + 1) * dim)), [1, dim]));
      }
      const pseudo: tf.Tensor2D[] = [];
      const owner: number[] = [];
      const keepAll: boolean[] = classes.map((x) => k === -1 || x.shape[0] < k);
      classes.forEach((x, c) => {
        if (keepAll[c]) return;
        const { labels } = clusterRows(x, k, rng.fork(c), { ...kmeansOptions, ...(kernels === undefined ? {} : { kernels }) });
        for (let cluster = 0; cluster < k; cluster++) {
          const rows: number[] = [];
          for (let i = 0; i < labels.length; i++) if (labels[i] === cluster) rows.push(i);
          if (rows.length === 0) continue; // an empty final cluster has no least-squares row
          pseudo.push(tf.tidy(() => tf.gather(x, tf.tensor1d(rows, 'int32')) as tf.Tensor2D));
          owner.push(c);
        }
      });
      const weights = pseudo.length > 0 ? leastSquaresWeights(pseudo, lambda, kernels) : new Float64Array(0);
      pseudo.forEach((t) => t.dispose());
      return classes.map((x, c) => {
        if (keepAll[c]) return cloneTensor(x);
        const rows: number[] = [];
        for (let p = 0; p < owner.length; p++) if (owner[p] === c) rows.push(p);
        const values = new Float32Array(rows.length * dim);
        rows.forEach((p, r) => values.set(weights.subarray(p * dim, (p + 1) * dim), r * dim));
        return tf.tensor2d(values, [rows.length, dim]);
      });
    },
  };
}
