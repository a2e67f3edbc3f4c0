import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import onnxProto from 'onnx-proto';
import { ImprintError, checkInteger, rememberHostValues, type Backbone } from '@imprint/core';
import { readInputFileSync } from '@imprint/core/node';
import { GraphBuilder } from '../graph.js';
import { validateModelOptions } from './model-options.js';
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

interface ValueInfo {
  readonly name: string;
  readonly dims: (number | string)[];
  /** ONNX TensorProto data type (1 float32, 7 int64, …; 0 when the model does not say). */
  readonly elemType: number;
}

interface ModelInfo {
  readonly inputs: ValueInfo[];
  readonly outputs: ValueInfo[];
  readonly metadata: Record<string, string>;
}

/** Names of ONNX element types, for errors. */
const ELEMENT_NAMES: Record<number, string> = { 1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 16: 'bfloat16' };
const FLOAT32 = 1;
const FLOAT64 = 11;
const elementName = (type: number) => ELEMENT_NAMES[type] ?? `element type ${type}`;

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
  type Value = { name?: string | null; type?: { tensorType?: { elemType?: number | null; shape?: { dim?: { dimValue?: unknown; dimParam?: string | null }[] | null } | null } | null } | null };
  const info = (v: Value): ValueInfo => ({
    name: v.name ?? '',
    dims: (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue ?? -1))),
    elemType: v.type?.tensorType?.elemType ?? 0,
  });
  return {
    inputs: (graph.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map(info),
    outputs: (graph.output ?? []).map(info),
    metadata: Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? ''])),
  };
}

function fromMetadata(info: ModelInfo, path: string): OnnxModelOptions {
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
  return validateModelOptions(options, { name: `${path} metadata_props (imprint.*)`, path, code: 'BAD_FILE' });
}

/** Options from `<model>.json` beside the model file, when there is one. */
function sidecarOptions(path: string): OnnxModelOptions {
  const file = `${path}.json`;
  if (!existsSync(file)) return {};
  const text = readInputFileSync(file, 'ONNX model options').toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ImprintError('BAD_FILE', `${file} must hold a JSON object of onnxModel options: ${(error as Error).message}`, { path: file });
  }
  return validateModelOptions(parsed, { name: file, path: file, code: 'BAD_FILE' });
}

/** The model's input and output as `onnxModel` needs them, or one error saying what is wrong and what to export instead. */
function checkContract(info: ModelInfo, path: string, input: ValueInfo, output: ValueInfo): void {
  const fail = (problem: string) => new ImprintError('BAD_FILE', `${path}: ${problem}`, { path });
  if (info.inputs.length > 1) {
    throw fail(`has ${info.inputs.length} inputs (${info.inputs.map((i) => `${i.name} [${i.dims.join(', ')}]`).join(', ')}); an image model for onnxModel takes one image tensor (export it with the image as its only input)`);
  }
  if (input.elemType !== FLOAT32 && input.elemType !== 0) throw fail(`input ${input.name} is ${elementName(input.elemType)}; onnxModel feeds float32 images (export the model with a float32 input)`);
  if (input.dims.length !== 0 && input.dims.length !== 4) throw fail(`input ${input.name} has shape [${input.dims.join(', ')}]; an image model takes [batch, 3, H, W] or [batch, H, W, 3]`);
  if (output.elemType !== FLOAT32 && output.elemType !== FLOAT64 && output.elemType !== 0) {
    throw fail(`output ${output.name} is ${elementName(output.elemType)}, not features (class indices or labels?); choose a float output holding the embedding with the output option`);
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
  const bytes: Uint8Array = readInputFileSync(path, 'ONNX model');
  const info = describeModel(bytes, path);
  const merged: OnnxModelOptions = { ...fromMetadata(info, path), ...sidecarOptions(path), ...validateModelOptions(options, { name: 'onnxModel options', code: 'INVALID_CONFIG' }) };
  const input = info.inputs.find((i) => i.name === (merged.input ?? info.inputs[0]?.name));
  if (input === undefined) throw new ImprintError('INVALID_CONFIG', `${path} has no input ${JSON.stringify(merged.input)}; inputs: ${info.inputs.map((i) => i.name).join(', ') || 'none'}`);
  const outputName = merged.output ?? info.outputs[0]?.name;
  const output = info.outputs.find((o) => o.name === outputName);
  if (output === undefined) {
    throw new ImprintError('INVALID_CONFIG', `${path} has no output ${JSON.stringify(outputName)}; outputs: ${info.outputs.map((o) => o.name).join(', ')} (export the model with the penultimate layer as an output)`);
  }
  checkContract(info, path, input, output);
  const layout = merged.layout ?? (input.dims[3] === 3 ? 'NHWC' : 'NCHW');
  const channelDim = layout === 'NCHW' ? input.dims[1] : input.dims[3];
  if (typeof channelDim === 'number' && channelDim > 0 && channelDim !== 3) {
    throw new ImprintError('BAD_FILE', `${path}: input ${input.name} [${input.dims.join(', ')}] has ${channelDim} channels in its ${layout} channel position; onnxModel feeds RGB images (3 channels)${merged.layout === undefined ? '' : ' (is layout right?)'}`, { path });
  }
  const staticSizes = (layout === 'NCHW' ? input.dims.slice(2, 4) : input.dims.slice(1, 3)).filter((d): d is number => typeof d === 'number' && d > 0);
  const staticSize = staticSizes[0];
  if (staticSize !== undefined && staticSize > 4096) throw new ImprintError('BAD_FILE', `${path}: input ${input.name} is fixed at ${staticSizes.join(' × ')} pixels; onnxModel embeds at most 4096 × 4096`, { path });
  if (staticSizes.length === 2 && staticSizes[0] !== staticSizes[1]) throw new ImprintError('BAD_FILE', `${path}: input ${input.name} is fixed at ${staticSizes.join(' × ')} pixels; onnxModel feeds square images`, { path });
  if (staticSize !== undefined && merged.size !== undefined && merged.size !== staticSize) {
    throw new ImprintError('INVALID_CONFIG', `${path}: input ${input.name} is fixed at ${staticSize} × ${staticSize} pixels, size ${merged.size} was asked; leave size out or give ${staticSize}`, { path });
  }
  const size = checkInteger(merged.size ?? staticSize ?? 224, 'size', { min: 1, max: 4096 });
  const mean = merged.mean ?? [0, 0, 0];
  const std = merged.std ?? [1, 1, 1];
  // A model exported with a fixed batch (often 1) is fed exactly that many images per run.
  const fixedBatch = typeof input.dims[0] === 'number' && input.dims[0] > 0 ? input.dims[0] : undefined;
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
    const { values, dims } = runModel(fed.data as Float32Array, fed.dims, count);
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
  /** The model's output for `count` preprocessed images, checked to be one row per image. */
  const runModel = (fed: Float32Array, fedDims: readonly number[], count: number): { values: Float32Array; dims: number[] } => {
    const feed = (data: Float32Array, n: number) => {
      const out = model.run({ [input.name]: { type: 'float32', data, dims: [n, ...fedDims.slice(1)] } }, [output.name])[output.name];
      if (out.dims[0] !== n) {
        throw new ImprintError('BAD_FILE', `${path}: output ${output.name} has shape [${out.dims.join(', ')}] for a batch of ${n} images; its first dimension must be the batch (one embedding per image): choose another output`, { path });
      }
      return { values: out.data instanceof Float32Array ? out.data : Float32Array.from(out.data as Float64Array), dims: [...out.dims] };
    };
    if (fixedBatch === undefined || fixedBatch === count) return feed(fed, count);
    // A fixed batch: runs of exactly fixedBatch images, the last padded with blank ones.
    const perImage = fed.length / count;
    let rowDims: number[] = [];
    const parts: Float32Array[] = [];
    for (let start = 0; start < count; start += fixedBatch) {
      const n = Math.min(fixedBatch, count - start);
      const chunk = new Float32Array(fixedBatch * perImage);
      chunk.set(fed.subarray(start * perImage, (start + n) * perImage));
      const { values, dims } = feed(chunk, fixedBatch);
      rowDims = dims.slice(1);
      parts.push(values.subarray(0, n * (values.length / fixedBatch)));
    }
    const values = new Float32Array(parts.reduce((sum, p) => sum + p.length, 0));
    let at = 0;
    for (const part of parts) {
      values.set(part, at);
      at += part.length;
    }
    return { values, dims: [count, ...rowDims] };
  };
  // Probe the embedding size, and that the output is one row per image that depends on the image:
  // a blank image and a ramp, together and the ramp alone.
  const probe = new Float32Array(2 * size * size * 3);
  for (let i = size * size * 3; i < probe.length; i++) probe[i] = (i % 251) / 250;
  const pair = run(probe, 2, size, size, 3);
  const dim = pair.dim;
  const blankRow = pair.values.subarray(0, dim);
  const rampRow = pair.values.subarray(dim, 2 * dim);
  if (blankRow.every((v, i) => v === rampRow[i])) {
    throw new ImprintError('BAD_FILE', `${path}: output ${output.name} is the same for a blank image and a patterned one: it does not depend on the image (a constant or a batch-independent output); choose the embedding output (the penultimate layer)`, { path });
  }
  const alone = run(probe.subarray(size * size * 3), 1, size, size, 3).values;
  const scale = Math.max(1e-6, ...Array.from(rampRow, Math.abs));
  if (alone.some((v, i) => !(Math.abs(v - rampRow[i]) <= 1e-3 * scale))) {
    throw new ImprintError('BAD_FILE', `${path}: output ${output.name} for an image changes with the other images of its batch (batch statistics, or an output whose first dimension is not the batch); export the model in inference mode with the embedding as a per-image output`, { path });
  }
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
