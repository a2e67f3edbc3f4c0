import type { GraphBuilder } from '../graph.js';

export interface PreprocessOptions {
  /** Channels of the incoming images (grayscale is repeated to RGB). */
  readonly channels: 1 | 3;
  /** Square size the model runs at; images of another size are resized bilinearly. */
  readonly size: number;
  /** Height and width of the incoming images. */
  readonly height: number;
  readonly width: number;
  /** Value range the model expects, mapped linearly from [0, 1]. */
  readonly range: readonly [number, number];
}

/**
 * The tf.js path's preprocessing as ONNX nodes, on images `[b, h, w, c]` in [0, 1] (NHWC, as
 * backbones receive them): to NCHW, grayscale repeated to three channels, bilinear resize with
 * TensorFlow's default sampling (align_corners and half_pixel_centers false: ONNX "asymmetric"),
 * and the linear map to the model's range. Returns the NCHW model input.
 */
export function preprocessImages(graph: GraphBuilder, images: string, { channels, size, height, width, range }: PreprocessOptions): string {
  let x = graph.op('Transpose', [images], { perm: [0, 3, 1, 2] });
  if (channels === 1) x = graph.op('Concat', [x, x, x], { axis: 1 });
  if (height !== size || width !== size) {
    const batchAndChannels = graph.op('Slice', [graph.op('Shape', [x]), graph.constant([0], [1], 'int64'), graph.constant([2], [1], 'int64')]);
    const sizes = graph.op('Concat', [batchAndChannels, graph.constant([size, size], [2], 'int64')], { axis: 0 });
    x = graph.op('Resize', [x, '', '', sizes], { mode: 'linear', coordinate_transformation_mode: 'asymmetric' });
  }
  const [low, high] = range;
  if (low !== 0 || high !== 1) x = graph.op('Add', [graph.op('Mul', [x, graph.constant([high - low], [])]), graph.constant([low], [])]);
  return x;
}
