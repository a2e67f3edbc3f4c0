import type * as tf from '@tensorflow/tfjs-core';
import type { PluginBase } from './plugin.js';
import type { Rng } from '../util/rng.js';

/**
 * Presampling before GEN (few-shot subsets, outlier filters): from one class's raw embeddings
 * `[n, d]` to the rows kept `[n', d]`, n' ≥ 1. New tensor, owned by the caller.
 */
export interface Presampler extends PluginBase<'presampler'> {
  select(embeddings: tf.Tensor2D, context: { readonly rng: Rng }): tf.Tensor2D;
}
