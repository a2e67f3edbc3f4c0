import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImprintError, type Engine } from '@imprint/core';
import type { BackboneLoader } from '@imprint/backbones';
import { resolvePluginModule } from '@imprint/eval';

export const ENGINE_CHOICES = ['auto', 'onnx', 'tfjs'] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

/** The engine in use and how worker threads make their own (module URL + threads each). */
export interface SelectedEngine {
  readonly engine?: Engine;
  /** Module that exports `createEngine(options)` and `createBackboneLoader()`, for worker threads. */
  readonly module?: string;
  /** The engine's backbones (the embedded FMs run natively); undefined: tf.js backbones. */
  readonly backbones?: BackboneLoader;
}

/**
 * Pick the compute engine: `onnx` (native, @imprint/onnx on onnxruntime-node), `tfjs` (none: every
 * kernel on the tf.js backend) or `auto` — the fastest that loads here, i.e. onnx when
 * onnxruntime-node is installed and works, else tfjs. The choice (and why, for a fallback) is
 * written to stderr; an explicit `onnx` that cannot load fails with one typed line.
 */
export async function selectEngine(choice: EngineChoice, log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<SelectedEngine> {
  if (choice === 'tfjs') {
    log('engine: tfjs (chosen)');
    return {};
  }
  try {
    const module = await import('@imprint/onnx');
    const engine = module.onnxEngine({ threads: availableParallelism() });
    log(`engine: ${engine.describe?.() ?? engine.name}${choice === 'auto' ? ' (auto: the fastest installed)' : ''}`);
    return { engine, module: onnxModuleUrl(), backbones: module.onnxBackbones({ threads: availableParallelism() }) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (choice === 'onnx') throw error instanceof ImprintError ? error : new ImprintError('UNSUPPORTED', `--engine onnx: the onnx engine cannot be loaded: ${reason}`);
    log(`engine: tfjs (auto: the onnx engine is not available: ${reason})`);
    return {};
  }
}

/** URL of @imprint/onnx for worker threads (`import.meta.resolve` where the loader has it, e.g. not under vitest). */
function onnxModuleUrl(): string {
  return typeof import.meta.resolve === 'function' ? import.meta.resolve('@imprint/onnx') : resolvePluginModule('@imprint/onnx', dirname(fileURLToPath(import.meta.url)));
}
