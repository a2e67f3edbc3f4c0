import type * as TfjsConverter from '@tensorflow/tfjs-converter';
import type * as TfjsLayers from '@tensorflow/tfjs-layers';

/**
 * tf.js's model packages, loaded on first use: they are large (importing them takes a few hundred
 * milliseconds), and most users of this package — and every `imprint-bench` command but those that
 * embed images with tf.js — never build a tf.js model.
 */
export const tfjsConverter = (): Promise<typeof TfjsConverter> => import('@tensorflow/tfjs-converter');
export const tfjsLayers = (): Promise<typeof TfjsLayers> => import('@tensorflow/tfjs-layers');
