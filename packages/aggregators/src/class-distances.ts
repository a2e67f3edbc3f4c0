import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_BLOCK_ELEMENTS, NO_KERNELS, RowBlocks, type Kernels, type ProxySet } from '@imprint/core';
import { rowsPerBlock } from './blocks.js';
import { distanceFunction } from './distance.js';
import type { Metric } from './options.js';

/**
 * The distance from every query to the nearest proxy of every class under `metric`
 * (`inner_product` means cosine), `[n, C]`: distance blocks of `[b, P]` under `blockElements`,
 * reduced per class on the host. What a distance-based head's confidence is measured with.
 */
export function classNearestDistances(queries: tf.Tensor2D, proxies: ProxySet, metric: Metric, kernels: Kernels = NO_KERNELS, blockElements = DEFAULT_BLOCK_ELEMENTS): tf.Tensor2D {
  const rows = queries.shape[0];
  const { classOffsets, numClasses } = proxies;
  const count = classOffsets[numClasses];
  const out = new Float32Array(rows * numClasses);
  const distance = distanceFunction(metric, proxies.weights, kernels);
  const blocks = new RowBlocks(queries);
  try {
    // [b, P, d] broadcasting for manhattan and chebyshev: blocks sized by that
    const step = rowsPerBlock(rows, distance.matrixProduct ? count : count * queries.shape[1], blockElements);
    for (let start = 0; start < rows; start += step) {
      const size = Math.min(step, rows - start);
      const block = blocks.block(start, size);
      const matrix = distance.distances(block, 0, count);
      block.dispose();
      const values = matrix.dataSync();
      matrix.dispose();
      for (let r = 0; r < size; r++) {
        for (let c = 0; c < numClasses; c++) {
          let best = Number.POSITIVE_INFINITY;
          for (let p = classOffsets[c]; p < classOffsets[c + 1]; p++) if (values[r * count + p] < best) best = values[r * count + p];
          out[(start + r) * numClasses + c] = best;
        }
      }
    }
  } finally {
    distance.dispose();
  }
  return tf.tensor2d(out, [rows, numClasses]);
}
