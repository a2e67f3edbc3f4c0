import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_BLOCK_ELEMENTS, ImprintError, NO_KERNELS, proxyOwners, warnOnce, type Aggregator } from '@imprint/core';
import type { Metric, Weighting } from './options.js';
import { nearestProxies } from './nearest.js';
import { classNearestDistances } from './class-distances.js';

export interface MnnOptions {
  /** Neighbours that vote; clipped (with a warning) to the number of stored proxies. @default 5 */
  m?: number;
  /** Distance; `inner_product` means cosine. @default 'cosine' */
  metric?: Metric;
  /** `uniform` votes or votes weighted by 1/(distance + 1e-10). @default 'uniform' */
  weighting?: Weighting;
  /** Most distance-matrix elements held at once by the tf.js computation (`[b, P]`, or `[b, P, d]` for manhattan/chebyshev). @default DEFAULT_BLOCK_ELEMENTS (16 Mi) */
  blockElements?: number;
  /** Where the clipping warning goes (once per process and message). @default console.warn (stderr in Node) */
  warn?: (message: string) => void;
}

/**
 * AGG `mnn`: the m proxies nearest to a query vote for their classes; the scores are the vote
 * totals, so ties go to the lowest class index. The neighbours come from the engine's `nearest`
 * kernel when there is one (cosine, Euclidean, and Mahalanobis after whitening), else from a
 * blocked tf.js computation with a running top-m under a bounded memory budget.
 */
export function mnn({ m = 5, metric = 'cosine', weighting = 'uniform', blockElements = DEFAULT_BLOCK_ELEMENTS, warn = (message) => console.warn(message) }: MnnOptions = {}): Aggregator {
  if (!Number.isInteger(m) || m < 1) throw new ImprintError('INVALID_CONFIG', `m must be a positive integer, got ${m}`);
  return {
    kind: 'aggregator',
    name: 'mnn',
    scores(queries, proxies, context) {
      const rows = queries.shape[0];
      const count = proxies.weights.shape[0];
      const neighbours = Math.min(m, count);
      if (neighbours < m) {
        warnOnce(`Warning: m was set to ${m}, but only ${count} proxies are stored; using m = ${neighbours} for mnn aggregation`, warn);
      }
      const nearest = nearestProxies(queries, proxies.weights, neighbours, metric, context?.kernels ?? NO_KERNELS, blockElements);
      const owners = proxyOwners(proxies);
      const classes = proxies.numClasses;
      const votes = new Float32Array(rows * classes);
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < nearest.m; j++) {
          const at = r * nearest.m + j;
          votes[r * classes + owners[nearest.indices[at]]] += weighting === 'uniform' ? 1 : 1 / (nearest.distances[at] + 1e-10);
        }
      }
      return tf.tensor2d(votes, [rows, classes]);
    },
    classDistances: (queries, proxies, context) => classNearestDistances(queries, proxies, metric, context?.kernels ?? NO_KERNELS, blockElements),
  };
}
