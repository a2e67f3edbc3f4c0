import { availableParallelism } from 'node:os';
import { checkInteger, ImprintError, type Engine } from '@imprint/core';
import { gram } from './kernels/gram.js';
import { matMulTransposed, matMulTransposed64, matMulTransposedRows, transposedMatMul } from './kernels/mat-mul-transposed.js';
import { nearest, rowSquaredNormsKernel, unitRowsKernel } from './kernels/nearest.js';
import { resolveDevice } from './device-choice.js';
import type { OnnxDevice, OnnxDeviceChoice } from './device.js';
import { loadOnnxRuntime } from './runtime.js';
import { SessionCache, type Placement } from './sessions.js';

export interface OnnxEngineOptions {
  /** onnxruntime intra-op threads. @default the number of cores (`os.availableParallelism()`) */
  threads?: number;
  /**
   * Where the float32 kernels run: `cpu`, `webgpu` (onnxruntime's WebGPU provider: Dawn over
   * Vulkan on Linux), `cuda` (onnxruntime's CUDA provider, when its libraries are installed) or
   * `auto` (a hardware GPU that starts here, else the CPU). An explicit device that cannot start
   * throws one `UNSUPPORTED` error saying what is missing. The float64 product (the Cholesky
   * factorisation of least squares) always runs on the CPU. @default 'cpu'
   */
  device?: OnnxDeviceChoice;
  /**
   * On a GPU: `cost` runs a call on the device when its work outweighs moving its data there and
   * back (elementwise passes and thin products stay on the CPU); `device` runs every float32 call
   * there (for testing the device's kernels). @default $IMPRINT_ONNX_PLACEMENT, else 'cost'
   */
  placement?: Placement;
}

/** An {@link Engine} that also reports how many graphs it has loaded. */
export interface OnnxEngine extends Engine {
  readonly threads: number;
  /** The device the float32 kernels run on (`auto` resolved). */
  readonly device: OnnxDevice;
  /** Why that device: `chosen`, or for `auto` what the devices before it lacked. */
  readonly deviceReason: string;
  /** Number of loaded graphs (sessions). */
  readonly sessions: number;
}

/**
 * The native engine for Node: the kernels of `@imprint/core` (`matMulTransposed`,
 * `matMulTransposedRows`, `transposedMatMul`, `matMulTransposed64`, `unitRows`, `rowSquaredNorms`, `gram`, `nearest`) as small ONNX graphs built in code and run by
 * onnxruntime-node on all cores (its MLAS products use AVX2/AVX-512 where the CPU has them).
 * Use it with `registry.setEngine(onnxEngine())`; heads resolved through that registry then run
 * their heavy steps natively, with the same results as tf.js up to float rounding.
 *
 * @example
 * const registry = createStandardRegistry().setEngine(onnxEngine());
 */
export function onnxEngine({ threads = availableParallelism(), device: choice = 'cpu', placement = process.env.IMPRINT_ONNX_PLACEMENT === 'device' ? 'device' : 'cost' }: OnnxEngineOptions = {}): OnnxEngine {
  checkInteger(threads, 'threads', { min: 1 });
  if (placement !== 'cost' && placement !== 'device') throw new ImprintError('INVALID_CONFIG', `unknown placement ${JSON.stringify(placement)}; expected cost or device`, { placement });
  const runtime = loadOnnxRuntime();
  const { device, reason } = resolveDevice(runtime, choice);
  const sessions = new SessionCache(runtime, threads, device, placement);
  return {
    kind: 'engine',
    name: 'onnx',
    version: runtime.version,
    threads,
    device,
    deviceReason: reason,
    get sessions() {
      return sessions.size;
    },
    kernels: {
      matMulTransposed: (a, b) => matMulTransposed(sessions, a, b),
      matMulTransposedRows: (a, rows, b) => matMulTransposedRows(sessions, a, rows, b),
      matMulTransposed64: (a, b) => matMulTransposed64(sessions, a, b),
      transposedMatMul: (a, b) => transposedMatMul(sessions, a, b),
      unitRows: (x, epsilon) => unitRowsKernel(sessions, x, epsilon),
      rowSquaredNorms: (x) => rowSquaredNormsKernel(sessions, x),
      gram: (x) => gram(sessions, x),
      nearest: (queries, targets, m, metric) => nearest(sessions, queries, targets, m, metric),
    },
    describe: () => `onnx (onnxruntime-node ${runtime.version}, ${device === 'cpu' ? '' : `${device} device, `}${threads} intra-op thread${threads === 1 ? '' : 's'})`,
    dispose: () => sessions.dispose(),
  };
}

/** The engine-module convention for worker threads: `createEngine(options)` makes this module's engine. */
export const createEngine = onnxEngine;
