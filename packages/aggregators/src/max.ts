import * as tf from '@tensorflow/tfjs-core';
import { RowBlocks, type Aggregator, type ProxySet } from '@imprint/core';
import { rowsPerBlock } from './blocks.js';

export interface MaxOptions {
  /** Most score-matrix elements held at once; queries are scored in blocks under it. @default 16777216 */
  blockElements?: number;
}

function uniformCount(proxies: ProxySet): number | undefined {
  const { classOffsets, numClasses } = proxies;
  const perClass = classOffsets[1] - classOffsets[0];
  for (let c = 1; c < numClasses; c++) if (classOffsets[c + 1] - classOffsets[c] !== perClass) return undefined;
  return perClass;
}

/** Per-class maxima of a `[b, P]` similarity block. */
function classMax(similarities: tf.Tensor2D, proxies: ProxySet): tf.Tensor2D {
  const { classOffsets, numClasses } = proxies;
  const rows = similarities.shape[0];
  const perClass = uniformCount(proxies);
  if (perClass !== undefined) {
    // Same number of proxies in every class: one reshape and one reduction.
    return tf.tidy(() => tf.max(tf.reshape(similarities, [rows, numClasses, perClass]), 2) as tf.Tensor2D);
  }
  // Unequal counts: a pass over the block on the host (column slices are slow on WASM).
  const values = similarities.dataSync();
  const width = similarities.shape[1];
  const out = new Float32Array(rows * numClasses);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < numClasses; c++) {
      let best = Number.NEGATIVE_INFINITY;
      for (let p = classOffsets[c]; p < classOffsets[c + 1]; p++) if (values[r * width + p] > best) best = values[r * width + p];
      out[r * numClasses + c] = best;
    }
  }
  return tf.tensor2d(out, [rows, numClasses]);
}

/**
 * AGG `max` (inner product): the score of class c is the largest ⟨w, x⟩ over c's proxies.
 * One matrix product per block of queries, blocks sized so that a `[b, P]` similarity block stays
 * under `blockElements`.
 */
export function max({ blockElements = 16 * 1024 * 1024 }: MaxOptions = {}): Aggregator {
  return {
    kind: 'aggregator',
    name: 'max',
    scores(queries, proxies) {
      const rows = queries.shape[0];
      const step = rowsPerBlock(rows, proxies.weights.shape[0], blockElements);
      // One explicit transpose per call: see matMulTransposed in @imprint/core for why.
      const transposed = tf.transpose(proxies.weights);
      const blocks = new RowBlocks(queries);
      const results: tf.Tensor2D[] = [];
      try {
        for (let start = 0; start < rows; start += step) {
          const block = blocks.block(start, Math.min(step, rows - start));
          const similarities = tf.matMul(block, transposed) as tf.Tensor2D;
          block.dispose();
          results.push(classMax(similarities, proxies));
          similarities.dispose();
        }
        if (results.length === 1) return results.pop() as tf.Tensor2D;
        return tf.concat(results, 0) as tf.Tensor2D;
      } finally {
        results.forEach((r) => r.dispose());
        transposed.dispose();
      }
    },
  };
}
