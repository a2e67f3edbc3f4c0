import type * as tf from '@tensorflow/tfjs-core';
import type { PluginBase } from './plugin.js';

/**
 * A frozen foundation model: images in, embeddings out. `embed` takes a batch of images
 * `[b, h, w, c]` with values in [0, 1] and returns `[b, dim]`; resizing, channel handling and the
 * model's own preprocessing happen inside.
 */
export interface Backbone extends PluginBase<'backbone'> {
  readonly dim: number;
  readonly inputSize: readonly [height: number, width: number];
  embed(images: tf.Tensor4D): Promise<tf.Tensor2D>;
  dispose(): void;
}
