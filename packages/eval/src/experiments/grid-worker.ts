// Worker thread of runGrid: one WASM backend, a part of the runs, results appended to the shared file.
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend, type BackboneLoader } from '@imprint/backbones';
import { errorToTransfer, type Engine } from '@imprint/core';
import { usePluginModules } from '../plugin-modules.js';
import { createStandardRegistry } from '../standard-registry.js';
import { loadRunData } from './run-data.js';
import { runGridInProcess, type GridRun } from './run-grid.js';

const settings = workerData as { runs: GridRun[]; resultsPath: string; memoize: boolean; cacheDir?: string; pluginModules: string[]; engine?: { module: string; options: { threads: number } & Record<string, unknown> }; backboneLoaderModule?: string };
const port = parentPort!;
try {
  await selectBackend('wasm', () => undefined);
  const registry = createStandardRegistry();
  await usePluginModules(registry, settings.pluginModules);
  if (settings.engine !== undefined) {
    const { createEngine } = (await import(settings.engine.module)) as { createEngine: (options: { threads: number }) => Engine };
    registry.setEngine(createEngine(settings.engine.options));
  }
  const loader = settings.backboneLoaderModule === undefined ? undefined : ((await import(settings.backboneLoaderModule)) as { createBackboneLoader: () => BackboneLoader }).createBackboneLoader();
  const done = await runGridInProcess(
    settings.runs,
    { runs: settings.runs, resultsPath: settings.resultsPath, memoize: settings.memoize, registry },
    (keys, part) => loadRunData(keys, part, { ...(settings.cacheDir === undefined ? {} : { cacheDir: settings.cacheDir }), workers: 1, log: () => undefined, ...(loader === undefined ? {} : { loader }) }),
    (n) => port.postMessage({ progress: n }),
  );
  port.postMessage({ done });
} catch (error) {
  port.postMessage({ error: errorToTransfer(error) });
}
