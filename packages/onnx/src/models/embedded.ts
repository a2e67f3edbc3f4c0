import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ImprintError, checkInteger, rememberHostValues, type Backbone } from '@imprint/core';
import { defaultCacheDir, writeFileAtomic } from '@imprint/core/node';
import type * as Backbones from '@imprint/backbones';
import { GraphBuilder } from '../graph.js';
import { resolveDevice } from '../device-choice.js';
import type { OnnxDevice, OnnxDeviceChoice } from '../device.js';
import { loadOnnxRuntime, type OrtRuntime, type OrtSession } from '../runtime.js';
import { kerasToOnnx, type KerasTopology } from './keras-graph.js';
import { globalAveragePool } from './layers.js';
import { onnxModel, onnxModelIdentity } from './onnx-model.js';
import { preprocessImages } from './preprocess.js';
import { tfGraphToOnnx, type TfGraphTopology } from './tf-graph.js';
import { decodeWeights, type WeightSpec } from './weights.js';

/** Bump when the converter changes what it builds: part of the cache key of built models. */
export const CONVERTER_VERSION = 'imprint-onnx-converter v1';

export interface OnnxEmbeddedOptions {
  /** Square input size in pixels. @default the model's native size */
  inputSize?: number;
  /** onnxruntime intra-op threads. @default the number of cores */
  threads?: number;
  /** Folder of built models (`onnx/` inside it; `IMPRINT_MODEL_DIR` is looked in first). @default $IMPRINT_CACHE_DIR or ./.imprint-cache */
  cacheDir?: string;
  /** Where the model runs: `cpu`, `webgpu`, `cuda` or `auto` (see `onnxEngine`). @default 'cpu' */
  device?: OnnxDeviceChoice;
}

type BackbonesModule = typeof Backbones;

async function backbonesModule(): Promise<BackbonesModule> {
  try {
    return await import('@imprint/backbones');
  } catch {
    throw new ImprintError('UNSUPPORTED', 'the embedded foundation models on onnxruntime need @imprint/backbones and nsfwjs (npm install @imprint/backbones nsfwjs)');
  }
}

interface ModelSource {
  readonly name: string;
  readonly spec: ReturnType<BackbonesModule['embeddedBackboneSpec']>;
  readonly size: number;
  readonly nsfwjsVersion: string;
  readonly artifacts: () => ReturnType<BackbonesModule['nsfwjsModelArtifacts']>;
}

/** What a model takes: float images in [0, 1], or uint8 pixels (divided by 255 in the graph: a quarter of the bytes to a GPU, no pass in JavaScript). */
type ModelInput = 'float32' | 'uint8';

/** Build the ONNX model of one embedded FM for images of one shape: preprocessing, body to the feature map, global average. */
function buildModel(source: ModelSource, height: number, width: number, channels: 1 | 3, inputType: ModelInput): Uint8Array {
  const artifacts = source.artifacts();
  const weights = decodeWeights(artifacts.weightData as ArrayBuffer, artifacts.weightSpecs as WeightSpec[]);
  const graph = new GraphBuilder(`${source.name}_${source.size}`);
  // p / 255 with both exact in float32 is the correctly rounded quotient, as JavaScript's p / 255 stored in a Float32Array
  const images = inputType === 'uint8' ? graph.op('Div', [graph.op('Cast', [graph.input('pixels', 'uint8', ['batch', height, width, channels])], { to: 1 }), graph.constant([255], [])]) : graph.input('images', 'float32', ['batch', height, width, channels]);
  const input = preprocessImages(graph, images, { channels, size: source.size, height, width, range: source.spec.range });
  const topology = artifacts.modelTopology as KerasTopology & TfGraphTopology;
  const features = topology.node !== undefined ? tfGraphToOnnx(graph, topology, weights, input, source.spec.featureLayer) : kerasToOnnx(graph, topology, weights, input, source.spec.featureLayer);
  graph.node('Identity', [globalAveragePool(graph, features)], {}, ['embeddings']);
  graph.output('embeddings', 'float32', ['batch', source.spec.dim]);
  return graph.encode();
}

/**
 * A session of the model for one input shape: the built model from the content-addressed cache,
 * or built now and cached (atomically). A cached file that onnxruntime cannot load (damaged) is
 * built again and replaced.
 */
async function modelSession(runtime: OrtRuntime, placement: { threads: number; device: OnnxDevice }, source: ModelSource, height: number, width: number, channels: 1 | 3, input: ModelInput, cacheDir: string): Promise<OrtSession> {
  const identity = JSON.stringify({ converter: CONVERTER_VERSION, nsfwjs: source.nsfwjsVersion, model: source.spec.model, feature: source.spec.featureLayer, size: source.size, height, width, channels, ...(input === 'uint8' ? { input } : {}) });
  const key = createHash('sha256').update(identity).digest('hex').slice(0, 16);
  const name = `${source.name}-${source.size}-${height}x${width}x${channels}${input === 'uint8' ? '-u8' : ''}-${key}.onnx`;
  const folders = modelFolders(cacheDir);
  for (const folder of folders) {
    const cached = await readFile(join(folder, name)).catch(() => undefined);
    if (cached === undefined) continue;
    try {
      return runtime.createSession(cached, { ...placement, label: source.name });
    } catch {
      // damaged cache entry: built again below
    }
  }
  const bytes = buildModel(source, height, width, channels, input);
  // The first folder that takes it: a read-only model folder (baked into an image) passes to the cache.
  for (const [i, folder] of folders.entries()) {
    try {
      await mkdir(folder, { recursive: true });
      await writeFileAtomic(join(folder, name), bytes);
      break;
    } catch (error) {
      if (i === folders.length - 1) throw error;
    }
  }
  return runtime.createSession(bytes, { ...placement, label: source.name });
}

/**
 * Where built models are looked for, in order, and kept: `IMPRINT_MODEL_DIR` when set (e.g. models
 * built into a container image, read-only at run time), then `onnx/` in the cache folder.
 */
export function modelFolders(cacheDir: string): string[] {
  const modelDir = process.env.IMPRINT_MODEL_DIR;
  return [...(modelDir === undefined || modelDir === '' ? [] : [modelDir]), join(cacheDir, 'onnx')];
}

/**
 * One of the embedded foundation models (`mobilenet_v2_140`, `mobilenet_v2_nsfw`,
 * `inception_v3_nsfw`) run natively by onnxruntime: its ONNX graph is built in code from the weights
 * the `nsfwjs` package ships (NHWC → NCHW, batch normalisation folded into the convolutions,
 * depthwise convolutions as grouped ones, TensorFlow's SAME padding, the tf.js path's
 * preprocessing inside the graph), once per input shape, and cached on disk content-addressed. The
 * embeddings equal the tf.js backbone's within float rounding; `embedPixels` takes uint8 pixels
 * directly. Nothing is downloaded.
 *
 * @example
 * const backbone = await onnxEmbeddedBackbone('mobilenet_v2_140');
 */
export async function onnxEmbeddedBackbone(name: string, { inputSize, threads = availableParallelism(), cacheDir = defaultCacheDir(), device: choice = 'cpu' }: OnnxEmbeddedOptions = {}): Promise<Backbone> {
  checkInteger(threads, 'threads', { min: 1 });
  const backbones = await backbonesModule();
  const spec = backbones.embeddedBackboneSpec(name);
  const size = backbones.embeddedInputSize(name as Parameters<BackbonesModule['embeddedInputSize']>[0], inputSize);
  const source: ModelSource = { name, spec, size, nsfwjsVersion: backbones.nsfwjsVersion(), artifacts: () => backbones.nsfwjsModelArtifacts(spec.model) };
  const runtime = loadOnnxRuntime();
  const placement = { threads, device: resolveDevice(runtime, choice).device };
  const sessions = new Map<string, Promise<OrtSession>>();
  const sessionFor = (height: number, width: number, channels: number, input: ModelInput) => {
    if (channels !== 1 && channels !== 3) throw new ImprintError('INVALID_INPUT', `images must have 1 (grayscale) or 3 (RGB) channels, got ${channels}`);
    const key = `${height}x${width}x${channels}x${input}`;
    let session = sessions.get(key);
    // a failed build is not kept: the next call tries again
    if (session === undefined) {
      session = modelSession(runtime, placement, source, height, width, channels as 1 | 3, input, cacheDir);
      sessions.set(key, session);
      session.catch(() => sessions.delete(key));
    }
    return session;
  };
  const run = async (images: Float32Array | Uint8Array, count: number, height: number, width: number, channels: number) => {
    const dims = [count, height, width, channels];
    if (images instanceof Uint8Array) return (await sessionFor(height, width, channels, 'uint8')).run({ pixels: { type: 'uint8', data: images, dims } }, ['embeddings']).embeddings.data as Float32Array;
    return (await sessionFor(height, width, channels, 'float32')).run({ images: { type: 'float32', data: images, dims } }, ['embeddings']).embeddings.data as Float32Array;
  };
  return {
    kind: 'backbone',
    name,
    version: `nsfwjs@${source.nsfwjsVersion}/${spec.model}/onnx`,
    dim: spec.dim,
    inputSize: [size, size],
    async embed(images) {
      if (images.rank !== 4) throw new ImprintError('INVALID_INPUT', `images must be a batch [b, h, w, c], got shape [${images.shape.join(', ')}]`);
      const [count, height, width, channels] = images.shape;
      const values = await run(Float32Array.from(images.dataSync()), count, height, width, channels);
      return rememberHostValues(tf.tensor2d(values, [count, spec.dim]), values);
    },
    async embedPixels(pixels, count, height, width, channels) {
      return run(pixels, count, height, width, channels);
    },
    dispose() {
      for (const session of sessions.values()) void session.then((s) => s.dispose(), () => undefined);
      sessions.clear();
    },
  };
}

/**
 * The backbones of this engine as a `BackboneLoader` (for `embedImages`, `embedDataset`, the
 * CLI's `--engine onnx`): the embedded FMs natively, any ONNX model as `onnx:PATH` (see
 * {@link onnxModel}), raw `pixels` (no model) from @imprint/backbones.
 */
export function onnxBackbones(options: Omit<OnnxEmbeddedOptions, 'inputSize'> = {}): { name: string; batchSize: number; identity(name: string): string | undefined; load(name: string, inputSize?: number): Promise<Backbone> } {
  // A GPU is fed larger batches (fewer transfers and launches); device memory for activations
  // grows with the batch (inception_v3 at 299: ≈ 0.9 GB per 128 images).
  const onDevice = options.device !== undefined && options.device !== 'cpu';
  return {
    name: 'onnx',
    batchSize: onDevice ? 128 : 16,
    identity: (name) => (name.startsWith('onnx:') ? onnxModelIdentity(name.slice('onnx:'.length)) : undefined),
    async load(name, inputSize) {
      if (name === 'pixels') return (await backbonesModule()).loadBackbone(name, inputSize);
      if (name.startsWith('onnx:')) return onnxModel(name.slice('onnx:'.length), { ...(inputSize === undefined ? {} : { size: inputSize }), ...(options.threads === undefined ? {} : { threads: options.threads }), ...(options.device === undefined ? {} : { device: options.device }) });
      return onnxEmbeddedBackbone(name, { ...options, ...(inputSize === undefined ? {} : { inputSize }) });
    },
  };
}

/** The worker-thread convention of backbone loaders: `createBackboneLoader(options)` makes this module's loader. */
export const createBackboneLoader = onnxBackbones;
