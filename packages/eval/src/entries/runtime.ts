// @imprint/eval/runtime — Runtime set-up: the standard registry, plugin modules, engine and device choice, setUpRuntime.
export { createStandardRegistry, standardDescribeSource, standardOptions } from '../standard-registry.js';
export { pendingPluginImports, resolvePluginModule, usePluginModules } from '../plugin-modules.js';
export { DEVICE_CHOICES, ENGINE_CHOICES, selectEngine, type DeviceChoice, type EngineChoice, type SelectedEngine } from '../runtime/engine-choice.js';
export { loadPlugins, setUpRuntime, setUpWorkerRuntime, type Runtime, type RuntimeOptions, type WorkerRuntimeSettings } from '../runtime/set-up.js';
