import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ImprintError } from '@imprint/core';
import type { Tensor as OrtTensor, TypedTensor } from 'onnxruntime-common';
import { executionProviders, type OnnxDevice } from './device.js';

/** The element types the kernels exchange with onnxruntime. */
export type OrtElement = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8';
type Data<T extends OrtElement> = T extends 'float32' ? Float32Array : T extends 'float64' ? Float64Array : T extends 'int32' ? Int32Array : T extends 'uint8' ? Uint8Array : BigInt64Array;
type OrtData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

/** One loaded ONNX graph, run synchronously on this thread. */
export interface OrtSession {
  /** Run the graph; returns the named outputs' data (JavaScript-owned buffers). */
  run(feeds: Record<string, { type: OrtElement; data: OrtData; dims: readonly number[] }>, outputs: readonly string[]): Record<string, { data: OrtData; dims: readonly number[] }>;
  dispose(): void;
}

/** How a session runs. */
export interface OrtSessionOptions {
  /** onnxruntime intra-op threads (the CPU's share of the work). */
  readonly threads: number;
  /**
   * Let the intra-op threads spin-wait between parallel sections — right for long, compute-bound
   * graphs run back to back; wrong for short graphs called between stretches of JavaScript, where
   * a spinning thread takes the core the JavaScript (and its garbage collector) needs (measured:
   * k-means GEN on MNIST embeddings 4.8 s with spinning, 3.5 s without). @default false
   */
  readonly spin?: boolean;
  /** Where the graph's nodes run; nodes a GPU provider lacks fall back to the CPU. @default 'cpu' */
  readonly device?: OnnxDevice;
  /** A name for the graph in traces (`IMPRINT_ONNX_TRACE`). @default 'session' */
  readonly label?: string;
}

export interface OrtRuntime {
  /** onnxruntime-node's version, e.g. "1.30.0". */
  readonly version: string;
  /** Load a model. */
  createSession(model: Uint8Array, options: OrtSessionOptions): OrtSession;
}

interface NativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: Record<string, unknown>): void;
  run(feeds: Record<string, OrtTensor>, fetches: Record<string, null>, options: Record<string, unknown>): Record<string, OrtTensor>;
  endProfiling(): string;
  dispose(): void;
}

/**
 * With IMPRINT_ONNX_TRACE=FOLDER, every session records onnxruntime's own profile (the time of
 * each node on its provider, and of each run) into FOLDER/<label>_<time>.json, written when the
 * session is disposed or the process exits. For finding where time goes; it slows every run.
 */
const tracing = new Set<NativeSession>();
let traceHook = false;
function traceOptions(label: string, native: NativeSession): Record<string, unknown> {
  const folder = process.env.IMPRINT_ONNX_TRACE;
  if (folder === undefined || folder === '') return {};
  mkdirSync(folder, { recursive: true });
  tracing.add(native);
  if (!traceHook) {
    traceHook = true;
    process.on('exit', () => {
      for (const session of tracing) session.endProfiling();
    });
  }
  return { enableProfiling: true, profileFilePrefix: join(folder, label.replace(/[^\w.-]/g, '_')) };
}

/** Versions of onnxruntime-node whose synchronous native session this package was tested with. */
export const SUPPORTED_ORT = { min: [1, 20], max: [1, 99] } as const;

let loaded: OrtRuntime | undefined;

function unsupported(reason: string): ImprintError {
  return new ImprintError('UNSUPPORTED', `the onnx engine cannot use onnxruntime-node: ${reason}`);
}

/**
 * Load onnxruntime-node's native binding once. The engine uses the binding's synchronous
 * `InferenceSession.run` — what the package's own asynchronous `run` calls after a `setImmediate`
 * — so that kernels stay synchronous like tf.js's `dataSync` paths and a k-means iteration can
 * call a product without a trip through the event loop. That binding is not part of
 * onnxruntime-node's public API: the version is checked against {@link SUPPORTED_ORT} and the
 * binding's shape is checked, and anything else fails with one clear `UNSUPPORTED` error.
 */
export function loadOnnxRuntime(): OrtRuntime {
  if (loaded !== undefined) return loaded;
  const require = createRequire(import.meta.url);
  let manifestPath: string;
  try {
    manifestPath = require.resolve('onnxruntime-node/package.json');
  } catch {
    throw new ImprintError('UNSUPPORTED', 'the onnx engine needs onnxruntime-node; install it with `npm install onnxruntime-node` (its CPU libraries come with the npm package)');
  }
  const version = (require(manifestPath) as { version: string }).version;
  const [major, minor] = version.split('.').map(Number);
  const atLeast = major > SUPPORTED_ORT.min[0] || (major === SUPPORTED_ORT.min[0] && minor >= SUPPORTED_ORT.min[1]);
  const atMost = major < SUPPORTED_ORT.max[0] || (major === SUPPORTED_ORT.max[0] && minor <= SUPPORTED_ORT.max[1]);
  if (!atLeast || !atMost) throw unsupported(`version ${version} is outside the supported ${SUPPORTED_ORT.min.join('.')}–${SUPPORTED_ORT.max[0]}.x`);
  let bindingModule: { binding: { InferenceSession: new () => NativeSession }; initOrt: () => void };
  let common: { Tensor: new (type: string, data: unknown, dims: readonly number[]) => OrtTensor };
  try {
    bindingModule = require(join(dirname(manifestPath), 'dist', 'binding.js')) as typeof bindingModule;
    common = require(require.resolve('onnxruntime-common', { paths: [dirname(manifestPath)] })) as typeof common;
  } catch (error) {
    throw unsupported(`its native binding could not be loaded (${(error as Error).message})`);
  }
  const Session = bindingModule.binding?.InferenceSession;
  if (typeof Session !== 'function' || typeof Session.prototype.run !== 'function' || typeof Session.prototype.loadModel !== 'function' || typeof bindingModule.initOrt !== 'function') {
    throw unsupported(`version ${version} has no synchronous InferenceSession binding`);
  }
  bindingModule.initOrt();
  const { Tensor } = common;
  loaded = {
    version,
    createSession(model, { threads, spin = false, device = 'cpu', label = 'session' }) {
      const native = new Session();
      const providers = executionProviders(device);
      native.loadModel(model.buffer as ArrayBuffer, model.byteOffset, model.byteLength, {
        ...(providers === undefined ? {} : { executionProviders: providers }),
        ...traceOptions(`${label}_${device}`, native),
        // errors reach us as exceptions; onnxruntime's warnings (nodes left to the CPU provider, …) are not for users
        logSeverityLevel: 3,
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        enableCpuMemArena: true,
        extra: { session: { intra_op: { allow_spinning: spin ? '1' : '0' } } },
      });
      let disposed = false;
      return {
        run(feeds, outputs) {
          if (disposed) throw new ImprintError('INVALID_INPUT', 'this onnx session was disposed');
          const tensors: Record<string, OrtTensor> = {};
          for (const [name, feed] of Object.entries(feeds)) tensors[name] = new Tensor(feed.type, feed.data, feed.dims);
          const fetches: Record<string, null> = {};
          for (const name of outputs) fetches[name] = null;
          const result = native.run(tensors, fetches, {});
          const out: Record<string, { data: OrtData; dims: readonly number[] }> = {};
          // onnxruntime-node copies CPU outputs into JavaScript-owned buffers: no copy needed here.
          for (const name of outputs) {
            const tensor = result[name] as TypedTensor<OrtElement>;
            out[name] = { data: tensor.data as Data<OrtElement>, dims: tensor.dims };
          }
          return out;
        },
        dispose() {
          if (disposed) return;
          disposed = true;
          if (tracing.delete(native)) native.endProfiling();
          native.dispose();
        },
      };
    },
  };
  return loaded;
}
