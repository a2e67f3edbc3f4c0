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
  /**
   * Optional fast path for engines that run outside tf.js: uint8 pixels `[count, height, width,
   * channels]` (row-major) straight to row-major embeddings `[count, dim]`, the same values as
   * `embed` gives for the images `pixels / 255`. Embedding loops use it when it is there.
   */
  embedPixels?(pixels: Uint8Array, count: number, height: number, width: number, channels: number): Float32Array | Promise<Float32Array>;
  dispose(): void;
}
