export { BACKEND_CHOICES, selectBackend, type BackendChoice } from './select-backend.js';
export { pixelsToImages, toModelInput } from './preprocess.js';
export {
  EMBEDDED_BACKBONES,
  EMBEDDED_BACKBONE_NAMES,
  MOBILENET_V2_140_FEATURE_MAP,
  MOBILENET_V2_140_FEATURE_VECTOR,
  embeddedBackboneSpec,
  embeddedBackboneFromArtifacts,
  embeddedInputSize,
  loadEmbeddedBackboneFromUrl,
  type EmbeddedBackboneName,
  type EmbeddedBackboneOptions,
} from './embedded.js';
export { loadEmbeddedBackbone, writeEmbeddedModelFiles } from './embedded-node.js';
export { nsfwjsDirectory, nsfwjsModelArtifacts, nsfwjsVersion, type NsfwjsModelName } from './nsfwjs-weights.js';
export { pixels, type PixelsOptions } from './pixels.js';
export { tfjsModel, type TfjsModelOptions } from './tfjs-model.js';
export { embedImages, type EmbedImagesOptions, type ImageBatchSource } from './embed-images.js';
export { BACKBONE_NAMES, loadBackbone, type BackboneName } from './load-backbone.js';
export { tfjsBackbones, type BackboneLoader } from './backbone-loader.js';
