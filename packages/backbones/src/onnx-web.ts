import * as tf from '@tensorflow/tfjs-core';
import { ImprintError, type Backbone } from '@imprint/core';

/** What this module needs of onnxruntime-web (`import * as ort from 'onnxruntime-web'`), so that the package does not depend on it. */
export interface OrtWebLike {
  readonly Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown;
  readonly InferenceSession: {
    create(model: Uint8Array, options?: { executionProviders?: readonly string[] }): Promise<OrtWebSession>;
  };
}

/** The parts of an onnxruntime-web `InferenceSession` used here. */
export interface OrtWebSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata?: readonly { readonly name: string; readonly isTensor?: boolean; readonly shape?: readonly (number | string)[] }[];
  run(feeds: Record<string, unknown>): Promise<Record<string, { readonly data: unknown; readonly dims: readonly number[] }>>;
  release(): Promise<void>;
}

/** How to feed an ONNX image model in the browser: the options of `onnxModel` in Node (`@imprint/onnx`). */
export interface OnnxWebModelOptions {
  /** Input to feed. @default the model's first input */
  readonly input?: string;
  /** Output holding the embedding. @default the model's first output */
  readonly output?: string;
  /** Square input size. @default the model's static input size, else 224 */
  readonly size?: number;
  /** Input layout. @default NCHW, or NHWC when the model's input has 3 in its last dimension */
  readonly layout?: 'NCHW' | 'NHWC';
  /** Layout of a feature-map output, averaged over its spatial cells. @default NCHW */
  readonly outputLayout?: 'NCHW' | 'NHWC';
  /** Per-channel mean subtracted after scaling pixels to [0, 1]. @default [0, 0, 0] */
  readonly mean?: readonly number[];
  /** Per-channel standard deviation divided by. @default [1, 1, 1] */
  readonly std?: readonly number[];
  /** onnxruntime-web execution providers, in order. @default ['webgpu', 'wasm'] where the browser has WebGPU, else ['wasm'] */
  readonly executionProviders?: readonly string[];
  /** Name in results. @default 'onnx:model' */
  readonly name?: string;
}

function checkTriple(value: readonly number[] | undefined, fallback: number, what: string): [number, number, number] {
  if (value === undefined) return [fallback, fallback, fallback];
  if (!Array.isArray(value) || value.length !== 3 || !value.every((v) => typeof v === 'number' && Number.isFinite(v)) || (what === 'std' && value.some((v) => v === 0))) {
    throw new ImprintError('INVALID_CONFIG', `${what} must be three finite numbers${what === 'std' ? ', none 0' : ''} (one per RGB channel), got ${JSON.stringify(value)}`, { [what]: value });
  }
  return [value[0], value[1], value[2]];
}

/**
 * Any ONNX image encoder as a backbone in the browser, through onnxruntime-web (WebGPU where the
 * browser has it, else WASM): images `[b, h, w, 3]` in [0, 1] are resized bilinearly to the model's
 * size (TensorFlow's sampling, ONNX `Resize` linear/asymmetric — what `onnxModel` does in Node),
 * normalized by `mean`/`std`, laid out as the model wants, run, and a feature-map output is averaged
 * over its cells — the embeddings `onnxModel` gives in Node for the same model and images, up to
 * float rounding. Options come from the caller (the `imprint.*` metadata of the model file is not
 * read here).
 */
export async function onnxWebModel(model: Uint8Array, ort: OrtWebLike, options: OnnxWebModelOptions = {}): Promise<Backbone> {
  if (!(model instanceof Uint8Array) || model.length === 0) throw new ImprintError('BAD_FILE', 'onnxWebModel needs the bytes of an .onnx model (a non-empty Uint8Array)');
  const mean = checkTriple(options.mean, 0, 'mean');
  const std = checkTriple(options.std, 1, 'std');
  const browser = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  const hasWebGpu = browser?.gpu !== undefined;
  const providers = options.executionProviders ?? (hasWebGpu ? ['webgpu', 'wasm'] : ['wasm']);
  let session: OrtWebSession;
  try {
    session = await ort.InferenceSession.create(model, { executionProviders: providers });
  } catch (error) {
    throw new ImprintError('BAD_FILE', `the model could not be opened by onnxruntime-web (${providers.join(', ')}): ${(error as Error).message}`);
  }
  const fail = (problem: string) => {
    void session.release();
    return new ImprintError('BAD_FILE', `the ONNX model ${problem}`);
  };
  const input = options.input ?? session.inputNames[0];
  const output = options.output ?? session.outputNames[0];
  if (input === undefined || !session.inputNames.includes(input)) throw fail(`has no input ${JSON.stringify(input)}; its inputs: ${session.inputNames.join(', ')}`);
  if (session.inputNames.length > 1) throw fail(`has ${session.inputNames.length} inputs (${session.inputNames.join(', ')}); an image model takes one image tensor`);
  if (output === undefined || !session.outputNames.includes(output)) throw fail(`has no output ${JSON.stringify(output)}; its outputs: ${session.outputNames.join(', ')}`);
  const shape = session.inputMetadata?.find((m) => m.name === input)?.shape;
  const layout = options.layout ?? (shape !== undefined && shape.length === 4 && shape[3] === 3 ? 'NHWC' : 'NCHW');
  const staticSize = shape !== undefined && shape.length === 4 ? Number(layout === 'NCHW' ? shape[2] : shape[1]) : Number.NaN;
  const size = options.size ?? (Number.isInteger(staticSize) && staticSize > 0 ? staticSize : 224);
  if (!Number.isInteger(size) || size < 1) throw fail(`size must be a positive integer, got ${JSON.stringify(options.size)}`);
  const outputLayout = options.outputLayout ?? 'NCHW';

  const run = async (images: tf.Tensor4D): Promise<{ values: Float32Array; dims: readonly number[] }> => {
    const prepared = tf.tidy(() => {
      const resized = images.shape[1] === size && images.shape[2] === size ? images : tf.image.resizeBilinear(images, [size, size], false, false);
      const normalized = tf.div(tf.sub(resized, tf.tensor1d(mean)), tf.tensor1d(std));
      return layout === 'NCHW' ? tf.transpose(normalized, [0, 3, 1, 2]) : normalized;
    });
    const data = (await prepared.data()) as Float32Array;
    const dims = prepared.shape;
    prepared.dispose();
    const result = (await session.run({ [input]: new ort.Tensor('float32', data, dims) }))[output]!;
    if (!(result.data instanceof Float32Array)) throw new ImprintError('BAD_FILE', `the ONNX model's output ${output} is not float32 features; choose the output holding the embedding`);
    return { values: result.data, dims: result.dims };
  };
  /** Features `[b, d]`: a 2-d output as it is, a 4-d feature map averaged over its cells. */
  const features = ({ values, dims }: { values: Float32Array; dims: readonly number[] }): tf.Tensor2D => {
    if (dims.length === 2) return tf.tensor2d(values, [dims[0]!, dims[1]!]);
    if (dims.length === 4) {
      return tf.tidy(() => tf.mean(tf.tensor4d(values, [dims[0]!, dims[1]!, dims[2]!, dims[3]!]), outputLayout === 'NCHW' ? [2, 3] : [1, 2]) as tf.Tensor2D);
    }
    throw new ImprintError('BAD_FILE', `the ONNX model's output ${output} has shape [${dims.join(', ')}]; an embedding is [batch, d] or a feature map [batch, c, h, w]`);
  };
  // The embedding size, from one blank image.
  const probe = tf.zeros([1, size, size, 3]) as tf.Tensor4D;
  let dim: number;
  try {
    const first = features(await run(probe));
    dim = first.shape[1];
    first.dispose();
  } finally {
    probe.dispose();
  }
  return {
    kind: 'backbone',
    name: options.name ?? 'onnx:model',
    dim,
    inputSize: [size, size],
    async embed(images: tf.Tensor4D): Promise<tf.Tensor2D> {
      if (images.rank !== 4 || images.shape[3] !== 3) throw new ImprintError('INVALID_INPUT', `images must be [batch, height, width, 3], got [${images.shape.join(', ')}]`);
      return features(await run(images));
    },
    dispose() {
      void session.release();
    },
  };
}
