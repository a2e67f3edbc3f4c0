import { ImprintError, didYouMean, type Backbone } from '@imprint/core';
import { EMBEDDED_BACKBONE_NAMES, type EmbeddedBackboneName } from './embedded.js';
import { loadEmbeddedBackbone } from './embedded-node.js';
import { pixels } from './pixels.js';

/** Backbones that can be named in a config or on the command line. */
export const BACKBONE_NAMES = [...EMBEDDED_BACKBONE_NAMES, 'pixels'] as const;
export type BackboneName = (typeof BACKBONE_NAMES)[number];

/** Load a backbone by name: an embedded FM, or `pixels` (raw pixels, optionally resized). */
export async function loadBackbone(name: string, inputSize?: number): Promise<Backbone> {
  if (name === 'pixels') return pixels(inputSize === undefined ? {} : { size: inputSize });
  if (name.startsWith('onnx:')) {
    throw new ImprintError('UNSUPPORTED', `backbone "${name}" is an ONNX model, which runs on the onnx engine: use --engine onnx (or onnxBackbones() / onnxModel() of @imprint/onnx)`, { name });
  }
  if ((EMBEDDED_BACKBONE_NAMES as string[]).includes(name)) return loadEmbeddedBackbone(name as EmbeddedBackboneName, inputSize === undefined ? {} : { inputSize });
  throw new ImprintError('UNKNOWN_PLUGIN', `unknown backbone "${name}"${didYouMean(name, BACKBONE_NAMES)}; available: ${BACKBONE_NAMES.join(', ')}, or onnx:PATH with the onnx engine`, { name });
}
