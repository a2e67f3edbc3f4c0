import type * as tf from '@tensorflow/tfjs-core';

/**
 * The stored weights of a head: all proxies stacked `[p, d]`, grouped by class in class order,
 * class c owning rows `classOffsets[c]` to `classOffsets[c + 1] - 1`.
 */
export interface ProxySet {
  readonly weights: tf.Tensor2D;
  readonly classOffsets: Int32Array;
  readonly numClasses: number;
}

/** Class index of every proxy row. */
export function proxyOwners(proxies: Pick<ProxySet, 'classOffsets' | 'numClasses'>): Int32Array {
  const owners = new Int32Array(proxies.classOffsets[proxies.numClasses]);
  for (let c = 0; c < proxies.numClasses; c++) owners.fill(c, proxies.classOffsets[c], proxies.classOffsets[c + 1]);
  return owners;
}
