import * as tf from '@tensorflow/tfjs-core';
import { checkInteger, type Backbone } from '@imprint/core';
import { toModelInput } from './preprocess.js';

export interface PixelsOptions {
  /** Resize to `size × size` first; the native size is kept when absent. */
  size?: number;
  /** Image height and width expected, for `dim` and `inputSize`. @default 28 */
  nativeSize?: number;
  /** Channels kept. @default 1 */
  channels?: 1 | 3;
}

/** Raw pixels as embeddings (flattened, optionally resized): the no-FM baseline. */
export function pixels({ size, nativeSize = 28, channels = 1 }: PixelsOptions = {}): Backbone {
  const side = checkInteger(size ?? nativeSize, 'pixels input size', { min: 1, max: 1024 });
  return {
    kind: 'backbone',
    name: 'pixels',
    dim: side * side * channels,
    inputSize: [side, side],
    async embed(images) {
      return tf.tidy(() => {
        let x = images.shape[1] === side && images.shape[2] === side ? tf.cast(images, 'float32') : toModelInput(images, side);
        if (channels === 1 && x.shape[3] === 3) x = tf.mean(x, 3, true);
        if (channels === 3 && x.shape[3] === 1) x = tf.tile(x, [1, 1, 1, 3]);
        return tf.reshape(x, [images.shape[0], -1]) as tf.Tensor2D;
      });
    },
    dispose: () => undefined,
  };
}
