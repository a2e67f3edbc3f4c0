/**
 * `@imprint/backbones/browser`: what runs in a browser (tf.js only, no Node APIs) — the embedded
 * foundation models loaded from URLs that the app serves (`writeEmbeddedModelFiles` writes those
 * files at build time), the raw-pixel backbone and the image preprocessing.
 */
export { pixelsToImages, toModelInput } from './preprocess.js';
export {
  EMBEDDED_BACKBONES,
  EMBEDDED_BACKBONE_NAMES,
  MOBILENET_V2_140_FEATURE_MAP,
  MOBILENET_V2_140_FEATURE_VECTOR,
  embeddedBackboneFromArtifacts,
  embeddedBackboneSpec,
  embeddedInputSize,
  loadEmbeddedBackboneFromUrl,
  type EmbeddedBackboneName,
  type EmbeddedBackboneOptions,
} from './embedded.js';
export type { NsfwjsModelName } from './nsfwjs-model-name.js';
export { pixels, type PixelsOptions } from './pixels.js';
export { onnxWebModel, type OnnxWebModelOptions, type OrtWebLike, type OrtWebSession } from './onnx-web.js';
