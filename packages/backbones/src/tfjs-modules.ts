/**
 * tf.js's model packages, loaded on first use: they are large (importing them takes a few hundred
 * milliseconds), and most users of this package — and every `imprint-bench` command but those that
 * embed images with tf.js — never build a tf.js model.
 */
export const tfjsConverter = (): Promise<typeof import('@tensorflow/tfjs-converter')> => import('@tensorflow/tfjs-converter');
export const tfjsLayers = (): Promise<typeof import('@tensorflow/tfjs-layers')> => import('@tensorflow/tfjs-layers');
