import { selectBackend, type BackendChoice } from '@imprint/backbones';
import type { Engine, Registry } from '@imprint/core';
import type { RunGridOptions } from '../experiments/run-grid.js';
import { usePluginModules } from '../plugin-modules.js';
import { createStandardRegistry } from '../standard-registry.js';
import { selectEngine, type DeviceChoice, type EngineChoice, type SelectedEngine } from './engine-choice.js';

export interface RuntimeOptions {
  /** tf.js backend (`selectBackend`). @default 'auto' */
  readonly backend?: BackendChoice;
  /** Compute engine (`selectEngine`). @default 'auto' */
  readonly engine?: EngineChoice;
  /** Where the onnx engine runs. @default 'cpu' */
  readonly device?: DeviceChoice;
  /** Plugin modules (package names or files) registered into the registry. */
  readonly plugins?: readonly string[];
  /** A registry to complete instead of a new standard one (e.g. one that already has the plugins). */
  readonly registry?: Registry;
  /** Where the choices are reported. @default stderr */
  readonly log?: (line: string) => void;
}

/** Everything a command needs, set up in one place. */
export interface Runtime {
  /** The standard registry with the plugin modules, using the chosen engine. */
  readonly registry: Registry;
  /** The tf.js backend in use. */
  readonly backend: string;
  readonly engine: SelectedEngine;
  /** What grid worker threads need to set up the same runtime (plain data and module URLs). */
  readonly workers: Pick<RunGridOptions, 'pluginModules' | 'engineModule' | 'engineOptions' | 'backboneLoader' | 'backboneLoaderModule'>;
}

/** Register the plugin modules into `registry`, reporting each module's plugins. */
export async function loadPlugins(registry: Registry, plugins: readonly string[], log: (line: string) => void): Promise<Registry> {
  for (const [module, names] of await usePluginModules(registry, plugins)) log(`plugin ${module}: ${names.join(', ')}`);
  return registry;
}

/**
 * The one set-up of a Node process: the tf.js backend (a priority list, one error naming every
 * candidate that failed), the standard registry with the plugin modules (every plugin kind), the
 * compute engine and its device, and what worker threads need to make the same. The CLI's commands
 * and grid workers use it; a library user may too.
 */
export async function setUpRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const backend = await selectBackend(options.backend ?? 'auto', log);
  const registry = options.registry ?? (await loadPlugins(createStandardRegistry(), options.plugins ?? [], log));
  const engine = await selectEngine(options.engine ?? 'auto', options.device ?? 'cpu', log);
  registry.setEngine(engine.engine);
  return {
    registry,
    backend,
    engine,
    workers: {
      pluginModules: options.plugins ?? [],
      ...(engine.module === undefined ? {} : { engineModule: engine.module, backboneLoaderModule: engine.module, ...(engine.options === undefined ? {} : { engineOptions: engine.options }) }),
      ...(engine.backbones === undefined ? {} : { backboneLoader: engine.backbones }),
    },
  };
}

/** What a grid worker thread is given to set up its runtime (see `setUpWorkerRuntime`). */
export interface WorkerRuntimeSettings {
  readonly pluginModules: readonly string[];
  /** A module exporting `createEngine(options)`, and the options (threads included). */
  readonly engine?: { readonly module: string; readonly options: { threads: number } & Record<string, unknown> };
}

/** The runtime of a worker thread: the WASM backend (one per thread), the plugins, the engine made from its module. */
export async function setUpWorkerRuntime(settings: WorkerRuntimeSettings): Promise<Registry> {
  await selectBackend('wasm', () => undefined);
  const registry = await loadPlugins(createStandardRegistry(), settings.pluginModules, () => undefined);
  if (settings.engine !== undefined) {
    const { createEngine } = (await import(settings.engine.module)) as { createEngine: (options: { threads: number }) => Engine };
    registry.setEngine(createEngine(settings.engine.options));
  }
  return registry;
}
