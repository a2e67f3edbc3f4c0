import * as tf from '@tensorflow/tfjs-core';

/** Anything the page takes an image from. */
export type ImageSource = HTMLCanvasElement | HTMLVideoElement | HTMLImageElement | ImageBitmap;

/** Decode an image file (PNG, JPEG, …) to a bitmap. */
export async function decodeImageFile(file: Blob): Promise<ImageBitmap> {
  return createImageBitmap(file);
}

/** A batch of one image `[1, h, w, 3]` with values in [0, 1] (the backbones' input). */
export function imageTensor(source: ImageSource): tf.Tensor4D {
  return tf.tidy(() => tf.div(tf.expandDims(tf.browser.fromPixels(source as HTMLCanvasElement), 0), 255) as tf.Tensor4D);
}

/** A small preview of an image as a data URL. */
export function thumbnail(source: ImageSource, side = 48): string {
  const canvas = document.createElement('canvas');
  canvas.width = side;
  canvas.height = side;
  canvas.getContext('2d')!.drawImage(source as CanvasImageSource, 0, 0, side, side);
  return canvas.toDataURL('image/png');
}
