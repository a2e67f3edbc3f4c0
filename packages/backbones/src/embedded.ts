import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { tfjsConverter, tfjsLayers } from './tfjs-modules.js';
import { ImprintError, didYouMean, type Backbone } from '@imprint/core';
import type { NsfwjsModelName } from './nsfwjs-model-name.js';
import { toModelInput } from './preprocess.js';

/** Foundation models that ship with the package (through the `nsfwjs` npm package, offline). */
const HUB = 'StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/StatefulPartitionedCall/predict/';
/** Last feature map of the TF-Hub MobileNetV2 body (7 × 7 × 1792 at 224); its spatial mean is the feature vector. */
export const MOBILENET_V2_140_FEATURE_MAP = `${HUB}MobilenetV2/Conv_1/Relu6`;

/**
 * Foundation models that ship with the package (through the `nsfwjs` npm package, offline): the
 * nsfwjs model, the embedding size, the input sizes they run at, the input value range, and the
 * feature map (graph node or Keras layer) whose global average is the embedding.
 */
export const EMBEDDED_BACKBONES = {
  /** TF-Hub ImageNet MobileNetV2 (depth 1.4) feature vector under nsfwjs' small head: ImageNet features. */
  mobilenet_v2_140: { model: 'mobilenet_v2_mid', dim: 1792, defaultSize: 224, minSize: 64, maxSize: 224, range: [0, 1], featureLayer: MOBILENET_V2_140_FEATURE_MAP },
  /** Keras MobileNetV2 (1.0) with blocks 11–16 fine-tuned on NSFW data; pooled features. */
  mobilenet_v2_nsfw: { model: 'mobilenet_v2', dim: 1280, defaultSize: 224, minSize: 96, maxSize: 224, range: [-1, 1], featureLayer: 'out_relu' },
  /** Keras InceptionV3 fine-tuned on NSFW data; pooled mixed10 features. */
  inception_v3_nsfw: { model: 'inception_v3', dim: 2048, defaultSize: 299, minSize: 139, maxSize: 299, range: [0, 1], featureLayer: 'mixed10' },
} as const satisfies Record<string, { model: NsfwjsModelName; dim: number; defaultSize: number; minSize: number; maxSize: number; range: readonly [number, number]; featureLayer: string }>;

export type EmbeddedBackboneName = keyof typeof EMBEDDED_BACKBONES;
export const EMBEDDED_BACKBONE_NAMES = Object.keys(EMBEDDED_BACKBONES) as EmbeddedBackboneName[];

/** The spec of an embedded backbone, or `UNKNOWN_PLUGIN` listing the names there are. */
export function embeddedBackboneSpec(name: string): (typeof EMBEDDED_BACKBONES)[EmbeddedBackboneName] {
  const spec = EMBEDDED_BACKBONES[name as EmbeddedBackboneName];
  if (spec === undefined) throw new ImprintError('UNKNOWN_PLUGIN', `unknown backbone "${name}"${didYouMean(name, EMBEDDED_BACKBONE_NAMES)}; embedded backbones: ${EMBEDDED_BACKBONE_NAMES.join(', ')}`, { name });
  return spec;
}

/** The input size of an embedded backbone (given or native), checked against the sizes it runs at. */
export function embeddedInputSize(name: EmbeddedBackboneName, inputSize?: number): number {
  const spec = EMBEDDED_BACKBONES[name];
  const size = inputSize ?? spec.defaultSize;
  if (!Number.isInteger(size) || size < spec.minSize || size > spec.maxSize) {
    throw new ImprintError('INVALID_CONFIG', `input size for ${name} must be an integer from ${spec.minSize} to ${spec.maxSize}, got ${size}`, { inputSize: size });
  }
  return size;
}
/** The hub module's own feature-vector node (valid at 224 only). */
export const MOBILENET_V2_140_FEATURE_VECTOR = `${HUB}feature_vector/SpatialSqueeze`;

export interface EmbeddedBackboneOptions {
  /** Square input size in pixels; smaller is faster. @default the model's native size */
  inputSize?: number;
}

async function graphBody(artifacts: tf.io.ModelArtifacts): Promise<(x: tf.Tensor4D) => tf.Tensor2D> {
  // Free the placeholder's spatial size so the body runs at any input size; the 7 × 7 average
  // pool of the hub module only fits 224, so we pool the last feature map globally ourselves
  // (identical at 224, tested).
  const topology = artifacts.modelTopology as { node: { op: string; attr: { shape?: { shape: { dim: { size: string }[] } } } }[] };
  const placeholder = topology.node.find((n) => n.op === 'Placeholder');
  if (placeholder?.attr.shape !== undefined) placeholder.attr.shape.shape.dim = [{ size: '-1' }, { size: '-1' }, { size: '-1' }, { size: '3' }];
  const model = await (await tfjsConverter()).loadGraphModel(tf.io.fromMemory(artifacts));
  return (x) => tf.tidy(() => tf.mean(model.execute(x, MOBILENET_V2_140_FEATURE_MAP) as tf.Tensor4D, [1, 2]) as tf.Tensor2D);
}

async function layersBody(artifacts: tf.io.ModelArtifacts, featureLayer: string, size: number): Promise<{ run: (x: tf.Tensor4D) => tf.Tensor2D; dispose: () => void }> {
  const layers = await tfjsLayers();
  const full = await layers.loadLayersModel(tf.io.fromMemory(artifacts));
  const body = layers.model({ inputs: full.inputs, outputs: full.getLayer(featureLayer).output as tfl.SymbolicTensor });
  // Re-apply the body's layers to an input of the wanted size and pool globally (the shipped
  // average pool has a fixed window that only fits the native size).
  const input = layers.input({ shape: [size, size, 3] });
  const pooled = layers.layers.globalAveragePooling2d({}).apply(body.apply(input) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
  const model = layers.model({ inputs: input, outputs: pooled });
  return { run: (x) => model.predict(x) as tf.Tensor2D, dispose: () => full.dispose() };
}

/**
 * One of the embedded foundation models as a {@link Backbone}, from its model artifacts (in
 * memory). Works wherever tf.js does — browsers included: there the artifacts come from
 * {@link loadEmbeddedBackboneFromUrl}, in Node from the installed `nsfwjs` package
 * (`loadEmbeddedBackbone`). `embed` takes images `[b, h, w, 1 | 3]` in [0, 1] and returns pooled
 * features `[b, dim]`.
 */
export async function embeddedBackboneFromArtifacts(name: EmbeddedBackboneName, artifacts: tf.io.ModelArtifacts, { inputSize }: EmbeddedBackboneOptions = {}): Promise<Backbone> {
  const spec = embeddedBackboneSpec(name);
  const size = embeddedInputSize(name, inputSize);
  let run: (x: tf.Tensor4D) => tf.Tensor2D;
  let release: () => void = () => undefined;
  if (spec.model === 'mobilenet_v2_mid') run = await graphBody(artifacts);
  else {
    const body = await layersBody(artifacts, spec.featureLayer, size);
    run = body.run;
    release = body.dispose;
  }
  return {
    kind: 'backbone',
    name,
    version: `nsfwjs@4.4.0/${spec.model}`,
    dim: spec.dim,
    inputSize: [size, size],
    async embed(images) {
      const input = toModelInput(images, size, spec.range);
      try {
        return run(input);
      } finally {
        input.dispose();
      }
    },
    dispose: release,
  };
}

/**
 * Load an embedded foundation model from a URL — `model.json` with its weight files beside it, as
 * `writeEmbeddedModelFiles` (Node, `@imprint/backbones`) writes them for a web app to serve.
 * For browsers; nothing is fetched from anywhere but `url`.
 *
 * @example
 * const fm = await loadEmbeddedBackboneFromUrl('mobilenet_v2_140', '/models/mobilenet_v2_140/model.json');
 */
export async function loadEmbeddedBackboneFromUrl(name: EmbeddedBackboneName, url: string, options: EmbeddedBackboneOptions & { fetch?: typeof fetch } = {}): Promise<Backbone> {
  embeddedBackboneSpec(name);
  const handler = tf.io.http(url, options.fetch === undefined ? {} : { fetchFunc: options.fetch });
  let artifacts: tf.io.ModelArtifacts;
  try {
    artifacts = await handler.load!();
  } catch (error) {
    throw new ImprintError('BAD_FILE', `cannot load ${name} from ${url}: ${(error as Error).message}`, { url });
  }
  return embeddedBackboneFromArtifacts(name, artifacts, options);
}
