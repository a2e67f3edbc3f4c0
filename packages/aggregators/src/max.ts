import * as tf from '@tensorflow/tfjs-core';
import type { Aggregator, ProxySet } from '@imprint/core';
import { rowsPerBlock } from './blocks.js';

export interface MaxOptions {
  /** Most score-matrix elements held at once; queries are scored in blocks under it. @default 16777216 */
  blockElements?: number;
}

function classMax(similarities: tf.Tensor2D, proxies: ProxySet): tf.Tensor2D {
  const { classOffsets, numClasses } = proxies;
  const perClass = classOffsets[1] - classOffsets[0];
  let uniform = true;
  for (let c = 1; c < numClasses; c++) if (classOffsets[c + 1] - classOffsets[c] !== perClass) uniform = false;
  if (uniform) {
    // Same number of proxies in every class: one reshape and one reduction.
    return tf.max(tf.reshape(similarities, [similarities.shape[0], numClasses, perClass]), 2) as tf.Tensor2D;
  }
  const columns: tf.Tensor1D[] = [];
  for (let c = 0; c < numClasses; c++) {
    const count = classOffsets[c + 1] - classOffsets[c];
    columns.push(tf.max(tf.slice(similarities, [0, classOffsets[c]], [-1, count]), 1) as tf.Tensor1D);
  }
  return tf.stack(columns, 1) as tf.Tensor2D;
}

/**
 * AGG `max` (inner product): the score of class c is the largest ⟨w, x⟩ over c's proxies.
 * Computed as one matrix product per block of queries.
 */
export function max({ blockElements = 16 * 1024 * 1024 }: MaxOptions = {}): Aggregator {
  return {
    kind: 'aggregator',
    name: 'max',
    scores(queries, proxies) {
      const rows = queries.shape[0];
      const step = rowsPerBlock(rows, proxies.weights.shape[0], blockElements);
      if (step >= rows) return tf.tidy(() => classMax(tf.matMul(queries, proxies.weights, false, true), proxies));
      const blocks: tf.Tensor2D[] = [];
      for (let start = 0; start < rows; start += step) {
        const size = Math.min(step, rows - start);
        blocks.push(tf.tidy(() => classMax(tf.matMul(tf.slice(queries, [start, 0], [size, -1]), proxies.weights, false, true), proxies)));
      }
      const result = tf.concat(blocks, 0) as tf.Tensor2D;
      blocks.forEach((b) => b.dispose());
      return result;
    },
  };
}
