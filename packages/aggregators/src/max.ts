import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_BLOCK_ELEMENTS, RowBlocks, hostMatrixOf, kernelSet, type Aggregator, type ProxySet } from '@imprint/core';
import { rowsPerBlock } from './blocks.js';

export interface MaxOptions {
  /** Most score-matrix elements held at once; queries are scored in blocks under it. @default DEFAULT_BLOCK_ELEMENTS (16 Mi) */
  blockElements?: number;
}

function uniformCount(proxies: ProxySet): number | undefined {
  const { classOffsets, numClasses } = proxies;
  const perClass = classOffsets[1] - classOffsets[0];
  for (let c = 1; c < numClasses; c++) if (classOffsets[c + 1] - classOffsets[c] !== perClass) return undefined;
  return perClass;
}

/** Per-class maxima of a row-major `[rows, P]` similarity block, into `out` from row `offset`. */
function classMaxHost(values: ArrayLike<number>, rows: number, proxies: ProxySet, out: Float32Array, offset: number): void {
  const { classOffsets, numClasses } = proxies;
  const width = classOffsets[numClasses];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < numClasses; c++) {
      let best = Number.NEGATIVE_INFINITY;
      for (let p = classOffsets[c]; p < classOffsets[c + 1]; p++) if (values[r * width + p] > best) best = values[r * width + p];
      out[(offset + r) * numClasses + c] = best;
    }
  }
}

/** Per-class maxima of a `[b, P]` similarity block. */
function classMax(similarities: tf.Tensor2D, proxies: ProxySet): tf.Tensor2D {
  const { numClasses } = proxies;
  const rows = similarities.shape[0];
  const perClass = uniformCount(proxies);
  if (perClass !== undefined) {
    // Same number of proxies in every class: one reshape and one reduction.
    return tf.tidy(() => tf.max(tf.reshape(similarities, [rows, numClasses, perClass]), 2) as tf.Tensor2D);
  }
  // Unequal counts: a pass over the block on the host (column slices are slow on WASM).
  const out = new Float32Array(rows * numClasses);
  classMaxHost(similarities.dataSync(), rows, proxies, out, 0);
  return tf.tensor2d(out, [rows, numClasses]);
}

/**
 * AGG `max` (inner product): the score of class c is the largest ⟨w, x⟩ over c's proxies.
 * One matrix product per block of queries — the engine's `matMulTransposed` kernel when there is
 * one, else tf.js — blocks sized so that a `[b, P]` similarity block stays under `blockElements`.
 */
export function max({ blockElements = DEFAULT_BLOCK_ELEMENTS }: MaxOptions = {}): Aggregator {
  return {
    kind: 'aggregator',
    name: 'max',
    scores(queries, proxies, context) {
      const rows = queries.shape[0];
      const step = rowsPerBlock(rows, proxies.weights.shape[0], blockElements);
      const kernels = kernelSet(context?.kernels);
      // The products go to the matMulTransposed kernel (the engine's, else the reference: tf.js); on
      // a GPU backend without an engine the queries stay there and the same tf.js product runs there.
      if (kernels.onHost('matMulTransposed') && rows > 0) {
        const weights = hostMatrixOf(proxies.weights);
        const dim = weights.dim;
        const all = queries.dataSync() as Float32Array;
        const out = new Float32Array(rows * proxies.numClasses);
        for (let start = 0; start < rows; start += step) {
          const size = Math.min(step, rows - start);
          classMaxHost(kernels.matMulTransposed({ values: all.subarray(start * dim, (start + size) * dim), rows: size, dim }, weights), size, proxies, out, start);
        }
        return tf.tensor2d(out, [rows, proxies.numClasses]);
      }
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
