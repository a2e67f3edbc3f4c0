import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImprintError, type Engine } from '@imprint/core';
import type { BackboneLoader } from '@imprint/backbones';
import { resolvePluginModule } from '@imprint/eval';
import type * as Onnx from '@imprint/onnx';

type OnnxModule = typeof Onnx;

export const ENGINE_CHOICES = ['auto', 'onnx', 'tfjs'] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];
/**
 * Where the onnx engine runs (`auto`: a hardware GPU that starts here, else the CPU): @imprint/onnx's
 * device choices, listed here because the CLI loads that package only when it runs (the type keeps
 * the two lists the same).
 */
export const DEVICE_CHOICES = ['auto', 'cpu', 'webgpu', 'cuda'] as const satisfies readonly Onnx.OnnxDeviceChoice[];
export type DeviceChoice = Onnx.OnnxDeviceChoice;

/** The engine in use and how worker threads make their own (module URL + threads each). */
export interface SelectedEngine {
  readonly engine?: Engine;
  /** Module that exports `createEngine(options)` and `createBackboneLoader()`, for worker threads. */
  readonly module?: string;
  /** What worker threads pass to `createEngine` besides their threads (the resolved device). */
  readonly options?: Readonly<Record<string, string>>;
  /** The engine's backbones (the embedded FMs run natively); undefined: tf.js backbones. */
  readonly backbones?: BackboneLoader;
}

/**
 * Pick the compute engine and its device: `onnx` (native, @imprint/onnx on onnxruntime-node),
 * `tfjs` (none: every kernel on the tf.js backend) or `auto` — the fastest that loads here, i.e.
 * onnx when onnxruntime-node is installed and works, else tfjs. `device` places the onnx engine and
 * its FMs (`auto`: CUDA, then a hardware WebGPU adapter, then the CPU; see `resolveDevice`). The
 * choices (and why, for a fallback) are written to stderr; an explicit `onnx` or GPU device that
 * cannot start fails with one typed line.
 */
export async function selectEngine(choice: EngineChoice, device: DeviceChoice = 'cpu', log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<SelectedEngine> {
  const gpu = device === 'webgpu' || device === 'cuda';
  if (choice === 'tfjs') {
    if (gpu) throw new ImprintError('INVALID_CONFIG', `--device ${device} places the onnx engine; with --engine tfjs the device is tf.js's backend (--backend), so leave --device out or use --engine onnx`);
    log('engine: tfjs (chosen)');
    return {};
  }
  let module: OnnxModule;
  try {
    module = await import('@imprint/onnx');
    module.loadOnnxRuntime();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (choice === 'onnx' || gpu) throw error instanceof ImprintError ? error : new ImprintError('UNSUPPORTED', `${gpu ? `--device ${device}` : '--engine onnx'}: the onnx engine cannot be loaded: ${reason}`);
    log(`engine: tfjs (auto: the onnx engine is not available: ${reason})`);
    return {};
  }
  const threads = availableParallelism();
  const engine = module.onnxEngine({ threads, device });
  log(`engine: ${engine.describe?.() ?? engine.name}${choice === 'auto' ? ' (auto: the fastest installed)' : ''}`);
  if (device === 'auto') log(`device: ${engine.device} (${engine.deviceReason})`);
  const url = onnxModuleUrl();
  return { engine, ...(url === undefined ? {} : { module: url }), options: { device: engine.device }, backbones: module.onnxBackbones({ threads, device: engine.device }) };
}

/**
 * URL of @imprint/onnx for worker threads (`import.meta.resolve` where the loader has it, e.g. not
 * under vitest); undefined where the CLI runs bundled into one file (tools/gpu), which has no
 * module to give workers: its grids then run in one thread.
 */
function onnxModuleUrl(): string | undefined {
  try {
    return typeof import.meta.resolve === 'function' ? import.meta.resolve('@imprint/onnx') : resolvePluginModule('@imprint/onnx', dirname(fileURLToPath(import.meta.url)));
  } catch {
    return undefined;
  }
}
