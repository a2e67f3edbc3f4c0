import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import onnxProto from 'onnx-proto';
import { ImprintError, checkInteger, rememberHostValues, type Backbone } from '@imprint/core';
import { GraphBuilder } from '../graph.js';
import { resolveDevice } from '../device-choice.js';
import type { OnnxDeviceChoice } from '../device.js';
import { loadOnnxRuntime, type OrtSession } from '../runtime.js';

const { onnx } = onnxProto;

/** How to feed an ONNX image model and which output is the embedding. */
export interface OnnxModelOptions {
  /** Input to feed. @default the model's first input */
  input?: string;
  /** Output that holds the embedding (a penultimate layer). @default the model's first output */
  output?: string;
  /** Square input size. @default the model's static input size, else 224 */
  size?: number;
  /** Input layout. @default NCHW, or NHWC when the model's input has 3 in its last dimension */
  layout?: 'NCHW' | 'NHWC';
  /** Layout of a feature-map output, which is averaged over its spatial cells. @default NCHW (PyTorch exports) */
  outputLayout?: 'NCHW' | 'NHWC';
  /** Per-channel mean subtracted after scaling pixels to [0, 1] (torchvision: [0.485, 0.456, 0.406]). @default [0, 0, 0] */
  mean?: readonly number[];
  /** Per-channel standard deviation divided by (torchvision: [0.229, 0.224, 0.225]). @default [1, 1, 1] */
  std?: readonly number[];
  /** onnxruntime intra-op threads. @default the number of cores */
  threads?: number;
  /** Where the model runs: `cpu`, `webgpu`, `cuda` or `auto` (see `onnxEngine`). @default 'cpu' */
  device?: OnnxDeviceChoice;
  /** Name of the backbone in results. @default `onnx:<file name>` */
  name?: string;
}

/** Keys of the model's `metadata_props` that supply options (a JSON value each). */
export const ONNX_METADATA_KEYS = { input: 'imprint.input', output: 'imprint.output', size: 'imprint.size', layout: 'imprint.layout', outputLayout: 'imprint.outputLayout', mean: 'imprint.mean', std: 'imprint.std' } as const;

interface ModelInfo {
  readonly inputs: { name: string; dims: (number | string)[] }[];
  readonly outputs: { name: string; dims: (number | string)[] }[];
  readonly metadata: Record<string, string>;
}

function describeModel(bytes: Uint8Array, path: string): ModelInfo {
  let model: ReturnType<typeof onnx.ModelProto.decode>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new ImprintError('BAD_FILE', `${path} is not an ONNX model: ${(error as Error).message}`, { path });
  }
  const graph = model.graph;
  if (graph === null || graph === undefined) throw new ImprintError('BAD_FILE', `${path} holds no graph`, { path });
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const dims = (v: { type?: { tensorType?: { shape?: { dim?: { dimValue?: unknown; dimParam?: string | null }[] | null } | null } | null } | null }) =>
    (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue ?? -1)));
  return {
    inputs: (graph.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map((v) => ({ name: v.name ?? '', dims: dims(v) })),
    outputs: (graph.output ?? []).map((v) => ({ name: v.name ?? '', dims: dims(v) })),
    metadata: Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? ''])),
  };
}

function fromMetadata(info: ModelInfo): OnnxModelOptions {
  const options: Record<string, unknown> = {};
  for (const [option, key] of Object.entries(ONNX_METADATA_KEYS)) {
    const raw = info.metadata[key];
    if (raw === undefined) continue;
    try {
      options[option] = JSON.parse(raw);
    } catch {
      options[option] = raw; // plain strings (input/output names, layout) need no quotes
    }
  }
  return options as OnnxModelOptions;
}

/** Options from `<model>.json` beside the model file, when there is one. */
function sidecarOptions(path: string): OnnxModelOptions {
  let text: string;
  try {
    text = readFileSync(`${path}.json`, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as OnnxModelOptions;
  } catch (error) {
    throw new ImprintError('BAD_FILE', `${path}.json must hold a JSON object of onnxModel options: ${(error as Error).message}`, { path: `${path}.json` });
  }
}

/**
 * The identity of an ONNX model file for cache keys: the SHA-256 of the model and of its options
 * file (a changed model or option gives new embeddings).
 */
export function onnxModelIdentity(path: string): string {
  const hash = createHash('sha256');
  try {
    hash.update(readFileSync(path));
  } catch (error) {
    throw new ImprintError('BAD_FILE', `cannot read ONNX model ${path}: ${(error as Error).message}`, { path });
  }
  try {
    hash.update(readFileSync(`${path}.json`));
  } catch {
    // no options file
  }
  return hash.digest('hex').slice(0, 16);
}

/** The preprocessing graph: uint8-scaled images `[b, h, w, c]` in [0, 1] to the model's input. */
function preprocessGraph(height: number, width: number, channels: number, size: number, layout: 'NCHW' | 'NHWC', mean: readonly number[], std: readonly number[], pixels: boolean): Uint8Array {
  const graph = new GraphBuilder('imprint_preprocess');
  // uint8 pixels are divided by 255 in the graph (exactly as p / 255 in JavaScript, see embedded.ts)
  const images = pixels ? graph.op('Div', [graph.op('Cast', [graph.input('images', 'uint8', ['batch', height, width, channels])], { to: 1 }), graph.constant([255], [])]) : graph.input('images', 'float32', ['batch', height, width, channels]);
  let x = graph.op('Transpose', [images], { perm: [0, 3, 1, 2] });
  if (channels === 1) x = graph.op('Concat', [x, x, x], { axis: 1 });
  if (height !== size || width !== size) {
    const batchAndChannels = graph.op('Slice', [graph.op('Shape', [x]), graph.constant([0], [1], 'int64'), graph.constant([2], [1], 'int64')]);
    x = graph.op('Resize', [x, '', '', graph.op('Concat', [batchAndChannels, graph.constant([size, size], [2], 'int64')], { axis: 0 })], { mode: 'linear', coordinate_transformation_mode: 'asymmetric' });
  }
  x = graph.op('Div', [graph.op('Sub', [x, graph.constant(mean, [1, 3, 1, 1])]), graph.constant(std, [1, 3, 1, 1])]);
  if (layout === 'NHWC') x = graph.op('Transpose', [x], { perm: [0, 2, 3, 1] });
  graph.node('Identity', [x], {}, ['input']);
  graph.output('input', 'float32', layout === 'NCHW' ? ['batch', 3, size, size] : ['batch', size, size, 3]);
  return graph.encode();
}

/**
 * Any ONNX image model as a backbone — a torchvision ResNet or ViT exported with
 * `torch.onnx.export`, an `optimum` or `tf2onnx` export. Images are brought to the model's input
 * by a small ONNX preprocessing graph (grayscale to RGB, bilinear resize, per-channel mean/std,
 * NCHW or NHWC); the embedding is the chosen output, globally averaged when it is a feature map
 * `[b, c, h, w]` and flattened otherwise. Options come from `options`, else from `<model>.json`
 * beside the model file, else from the model's `metadata_props` (`imprint.output`, `imprint.mean`,
 * … see {@link ONNX_METADATA_KEYS}), else from its input shape. Runs on onnxruntime with all
 * cores.
 *
 * @example
 * const resnet = await onnxModel('resnet50.onnx', { output: 'features', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
 */
export async function onnxModel(path: string, options: OnnxModelOptions = {}): Promise<Backbone> {
  let bytes: Uint8Array;
  try {
    if (statSync(path).isDirectory()) throw new ImprintError('BAD_FILE', `${path} is a directory; give the .onnx file`, { path });
    bytes = readFileSync(path);
  } catch (error) {
    if (error instanceof ImprintError) throw error;
    throw new ImprintError('BAD_FILE', `cannot read ONNX model ${path}: ${(error as Error).message}`, { path });
  }
  const info = describeModel(bytes, path);
  const merged: OnnxModelOptions = { ...fromMetadata(info), ...sidecarOptions(path), ...options };
  const input = info.inputs.find((i) => i.name === (merged.input ?? info.inputs[0]?.name));
  if (input === undefined) throw new ImprintError('INVALID_CONFIG', `${path} has no input ${JSON.stringify(merged.input)}; inputs: ${info.inputs.map((i) => i.name).join(', ')}`);
  const outputName = merged.output ?? info.outputs[0]?.name;
  if (!info.outputs.some((o) => o.name === outputName)) {
    throw new ImprintError('INVALID_CONFIG', `${path} has no output ${JSON.stringify(outputName)}; outputs: ${info.outputs.map((o) => o.name).join(', ')} (export the model with the penultimate layer as an output)`);
  }
  const layout = merged.layout ?? (input.dims[3] === 3 ? 'NHWC' : 'NCHW');
  const staticSize = layout === 'NCHW' ? input.dims[2] : input.dims[1];
  const size = checkInteger(merged.size ?? (typeof staticSize === 'number' && staticSize > 0 ? staticSize : 224), 'size', { min: 1, max: 4096 });
  const mean = merged.mean ?? [0, 0, 0];
  const std = merged.std ?? [1, 1, 1];
  if (mean.length !== 3 || std.length !== 3 || std.some((s) => !(s > 0))) throw new ImprintError('INVALID_CONFIG', `mean and std must be three numbers each (std > 0), got ${JSON.stringify({ mean, std })}`);
  const threads = checkInteger(merged.threads ?? availableParallelism(), 'threads', { min: 1 });
  const runtime = loadOnnxRuntime();
  const placement = { threads, device: resolveDevice(runtime, merged.device ?? 'cpu').device };
  const fileName = path.split(/[\\/]/).at(-1) ?? path;
  let model: OrtSession;
  try {
    model = runtime.createSession(bytes, { ...placement, label: fileName.replace(/\.onnx$/, '') });
  } catch (error) {
    throw new ImprintError('BAD_FILE', `onnxruntime cannot load ${path}: ${(error as Error).message}`, { path });
  }
  const preprocess = new Map<string, OrtSession>();
  const version = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const run = (images: Float32Array | Uint8Array, count: number, height: number, width: number, channels: number): { values: Float32Array; dim: number } => {
    if (channels !== 1 && channels !== 3) throw new ImprintError('INVALID_INPUT', `images must have 1 (grayscale) or 3 (RGB) channels, got ${channels}`);
    const pixels = images instanceof Uint8Array;
    const key = `${height}x${width}x${channels}${pixels ? 'x uint8' : ''}`;
    let prep = preprocess.get(key);
    if (prep === undefined) preprocess.set(key, (prep = runtime.createSession(preprocessGraph(height, width, channels, size, layout, mean, std, pixels), { ...placement, label: 'imprint_preprocess' })));
    const fed = prep.run({ images: pixels ? { type: 'uint8', data: images, dims: [count, height, width, channels] } : { type: 'float32', data: images, dims: [count, height, width, channels] } }, ['input']).input;
    const out = model.run({ [input.name]: { type: 'float32', data: fed.data as Float32Array, dims: fed.dims } }, [outputName!])[outputName!];
    const values = out.data as Float32Array;
    const dims = out.dims;
    if (dims.length === 4) {
      // a feature map [b, c, h, w] (or [b, h, w, c]): global average per channel
      const channelsFirst = (merged.outputLayout ?? 'NCHW') === 'NCHW';
      const c = channelsFirst ? dims[1] : dims[3];
      const spatial = channelsFirst ? dims[2] * dims[3] : dims[1] * dims[2];
      const pooled = new Float32Array(count * c);
      for (let b = 0; b < count; b++) {
        for (let ch = 0; ch < c; ch++) {
          let sum = 0;
          for (let p = 0; p < spatial; p++) sum += channelsFirst ? values[(b * c + ch) * spatial + p] : values[(b * spatial + p) * c + ch];
          pooled[b * c + ch] = sum / spatial;
        }
      }
      return { values: pooled, dim: c };
    }
    return { values, dim: values.length / count };
  };
  // Probe the embedding size with one blank image at the model's size.
  const dim = run(new Float32Array(size * size * 3), 1, size, size, 3).dim;
  return {
    kind: 'backbone',
    name: merged.name ?? `onnx:${fileName}`,
    version: `onnx-model/${version}`,
    dim,
    inputSize: [size, size],
    async embed(images) {
      if (images.rank !== 4) throw new ImprintError('INVALID_INPUT', `images must be a batch [b, h, w, c], got shape [${images.shape.join(', ')}]`);
      const [count, height, width, channels] = images.shape;
      const { values } = run(Float32Array.from(images.dataSync()), count, height, width, channels);
      return rememberHostValues(tf.tensor2d(values, [count, dim]), values);
    },
    async embedPixels(pixels, count, height, width, channels) {
      return run(pixels, count, height, width, channels).values;
    },
    dispose() {
      model.dispose();
      for (const session of preprocess.values()) session.dispose();
      preprocess.clear();
    },
  };
}
