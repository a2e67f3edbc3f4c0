import * as tf from '@tensorflow/tfjs-core';
import { ImprintError } from '@imprint/core';

/**
 * Bring a batch of images `[b, h, w, c]` with values in [0, 1] to a model's input: grayscale
 * (c = 1) is repeated to 3 channels, the batch is resized bilinearly to `size × size`, and values
 * are mapped linearly from [0, 1] to `range`.
 */
export function toModelInput(images: tf.Tensor4D, size: number, range: readonly [number, number] = [0, 1]): tf.Tensor4D {
  if (images.rank !== 4) throw new ImprintError('INVALID_INPUT', `images must be a batch [b, h, w, c], got shape [${images.shape.join(', ')}]`);
  const [batch, height, width, channels] = images.shape;
  if (batch === 0 || height === 0 || width === 0) throw new ImprintError('INVALID_INPUT', `images must not be empty, got shape [${images.shape.join(', ')}]`);
  if (channels !== 1 && channels !== 3) throw new ImprintError('INVALID_INPUT', `images must have 1 (grayscale) or 3 (RGB) channels, got ${channels}`);
  return tf.tidy(() => {
    let x: tf.Tensor4D = tf.cast(images, 'float32');
    if (channels === 1) x = tf.tile(x, [1, 1, 1, 3]);
    if (height !== size || width !== size) x = tf.image.resizeBilinear(x, [size, size]);
    const [low, high] = range;
    if (low !== 0 || high !== 1) x = tf.add(tf.mul(x, high - low), low);
    return x;
  });
}

/** Uint8 pixels `[count, height, width, channels]` (row-major) as images in [0, 1]. */
export function pixelsToImages(pixels: Uint8Array, count: number, height: number, width: number, channels: number): tf.Tensor4D {
  return tf.tidy(() => tf.div(tf.tensor4d(pixels, [count, height, width, channels], 'int32'), 255) as tf.Tensor4D);
}
