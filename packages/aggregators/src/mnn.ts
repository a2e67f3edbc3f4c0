import * as tf from '@tensorflow/tfjs-core';
import { ImprintError, RowBlocks, proxyOwners, type Aggregator, type Metric, type Weighting } from '@imprint/core';
import { distanceFunction } from './distance.js';

export interface MnnOptions {
  /** Neighbours that vote; clipped (with a warning) to the number of stored proxies. @default 5 */
  m?: number;
  /** Distance; `inner_product` means cosine. @default 'cosine' */
  metric?: Metric;
  /** `uniform` votes or votes weighted by 1/(distance + 1e-10). @default 'uniform' */
  weighting?: Weighting;
  /** Most distance-matrix elements held at once (`[b, P]`, or `[b, P, d]` for manhattan/chebyshev). @default 16777216 */
  blockElements?: number;
  /** Where the clipping warning goes. @default console.warn (stderr in Node) */
  warn?: (message: string) => void;
}

/**
 * AGG `mnn`: the m proxies nearest to a query vote for their classes; the scores are the vote
 * totals, so ties go to the lowest class index. Distances are computed block by block (queries,
 * and proxies for broadcasting metrics) under a bounded memory budget, keeping a running top-m.
 */
export function mnn({ m = 5, metric = 'cosine', weighting = 'uniform', blockElements = 16 * 1024 * 1024, warn = (message) => console.warn(message) }: MnnOptions = {}): Aggregator {
  if (!Number.isInteger(m) || m < 1) throw new ImprintError('INVALID_CONFIG', `m must be a positive integer, got ${m}`);
  let warned = false;
  return {
    kind: 'aggregator',
    name: 'mnn',
    scores(queries, proxies) {
      const [rows, dim] = queries.shape;
      const count = proxies.weights.shape[0];
      const neighbours = Math.min(m, count);
      if (neighbours < m && !warned) {
        warned = true;
        warn(`Warning: m was set to ${m}, but only ${count} proxies are stored; using m = ${neighbours} for mnn aggregation`);
      }
      const distance = distanceFunction(metric, proxies.weights);
      const owners = proxyOwners(proxies);
      const votes = new Float32Array(rows * proxies.numClasses);
      const queryBlocks = new RowBlocks(queries);
      try {
        const perQuery = distance.matrixProduct ? count : Math.min(count, Math.max(1, Math.floor(blockElements / dim)));
        const proxyStep = distance.matrixProduct ? count : perQuery;
        const queryStep = Math.max(1, Math.min(rows, Math.floor(blockElements / (distance.matrixProduct ? count : proxyStep * dim))));
        for (let start = 0; start < rows; start += queryStep) {
          const size = Math.min(queryStep, rows - start);
          const block = queryBlocks.block(start, size);
          const [values, indices] = tf.tidy(() => {
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
          const nearest = indices.dataSync();
          values.dispose();
          indices.dispose();
          for (let r = 0; r < size; r++) {
            const row = (start + r) * proxies.numClasses;
            for (let j = 0; j < neighbours; j++) {
              const owner = owners[nearest[r * neighbours + j]];
              votes[row + owner] += weighting === 'uniform' ? 1 : 1 / (-negatives[r * neighbours + j] + 1e-10);
            }
          }
        }
      } finally {
        distance.dispose();
      }
      return tf.tensor2d(votes, [rows, proxies.numClasses]);
    },
  };
}
