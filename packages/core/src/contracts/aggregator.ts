import type * as tf from '@tensorflow/tfjs-core';
import type { Kernels } from './kernels.js';
import type { PluginBase } from './plugin.js';
import type { ProxySet } from './proxy-set.js';

/** What an aggregator gets besides queries and proxies. */
export interface AggregatorContext {
  /** The engine's kernels (empty without an engine: compute with tf.js). */
  readonly kernels: Kernels;
}

/**
 * AGG: from (NORMinf-normalised) queries `[n, d]` and the stored proxies to class scores
 * `[n, C]`, higher meaning more likely; the prediction is the first maximal score (ties go to the
 * lowest class index). Vote-based aggregators return vote totals. New tensor, owned by the caller.
 */
export interface Aggregator extends PluginBase<'aggregator'> {
  scores(queries: tf.Tensor2D, proxies: ProxySet, context?: AggregatorContext): tf.Tensor2D;
  /**
   * Distance-based aggregators (`mnn`): the distance from each query to the nearest proxy of each
   * class under the aggregator's metric, `[n, C]` (new tensor, owned by the caller). It gives the
   * head's `distance` and `distance-margin` confidences, which vote totals cannot (a 1-nn vote is
   * always 1).
   */
  classDistances?(queries: tf.Tensor2D, proxies: ProxySet, context?: AggregatorContext): tf.Tensor2D;
}
