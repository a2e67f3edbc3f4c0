import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImprintError, firstAvailable, type Engine } from '@imprint/core';
import type { BackboneLoader } from '@imprint/backbones';
import type * as Onnx from '@imprint/onnx';
import { resolvePluginModule } from '../plugin-modules.js';

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
  if (!(ENGINE_CHOICES as readonly string[]).includes(choice)) throw new ImprintError('INVALID_CONFIG', `engine must be one of ${ENGINE_CHOICES.join(', ')}, got ${JSON.stringify(choice)}`);
  const gpu = device === 'webgpu' || device === 'cuda';
  if (choice === 'tfjs' && gpu) throw new ImprintError('INVALID_CONFIG', `--device ${device} places the onnx engine; with --engine tfjs the device is tf.js's backend (--backend), so leave --device out or use --engine onnx`);
  const onnx = {
    name: 'onnx',
    start: async (): Promise<SelectedEngine> => {
      const module: OnnxModule = await import('@imprint/onnx');
      module.loadOnnxRuntime();
      const threads = availableParallelism();
      const engine = module.onnxEngine({ threads, device });
      const url = onnxModuleUrl();
      return { engine, ...(url === undefined ? {} : { module: url }), options: { device: engine.device }, backbones: module.onnxBackbones({ threads, device: engine.device }) };
    },
  };
  const tfjs = { name: 'tfjs', start: (): SelectedEngine => ({}) };
  let chosen: { value: SelectedEngine; skipped: readonly string[] };
  if (choice === 'auto' && !gpu) {
    // The fastest that starts here, in priority order (tfjs always starts).
    chosen = await firstAvailable('compute engine', [onnx, tfjs]);
  } else if (choice === 'tfjs') {
    chosen = { value: tfjs.start(), skipped: [] };
  } else {
    // An explicit onnx, or a GPU device (which needs onnx): its own typed error when it cannot start.
    try {
      chosen = { value: await onnx.start(), skipped: [] };
    } catch (error) {
      if (error instanceof ImprintError) throw error;
      throw new ImprintError('UNSUPPORTED', `${gpu ? `--device ${device}` : '--engine onnx'}: the onnx engine cannot be loaded: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const { engine } = chosen.value;
  if (engine === undefined) log(`engine: tfjs (${choice === 'auto' ? `auto: ${chosen.skipped.join('; ')}` : 'chosen'})`);
  else {
    log(`engine: ${engine.describe?.() ?? engine.name}${choice === 'auto' ? ' (auto: the fastest installed)' : ''}`);
    if (device === 'auto') log(`device: ${(engine as Onnx.OnnxEngine).device} (${(engine as Onnx.OnnxEngine).deviceReason})`);
  }
  return chosen.value;
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
