// Worker thread of runGrid: one WASM backend, a part of the runs, results appended to the shared file.
import { parentPort, workerData } from 'node:worker_threads';
import type { BackboneLoader } from '@imprint/backbones';
import { errorToTransfer } from '@imprint/core';
import { setUpWorkerRuntime } from '../runtime/set-up.js';
import { loadDataSet } from './run-data.js';
import { runGridInProcess, type GridRun } from './run-grid.js';

const settings = workerData as { runs: GridRun[]; resultsPath: string; memoize: boolean; cacheDir?: string; pluginModules: string[]; engine?: { module: string; options: { threads: number } & Record<string, unknown> }; backboneLoaderModule?: string };
const port = parentPort!;
try {
  const registry = await setUpWorkerRuntime(settings);
  const loader = settings.backboneLoaderModule === undefined ? undefined : ((await import(settings.backboneLoaderModule)) as { createBackboneLoader: () => BackboneLoader }).createBackboneLoader();
  const done = await runGridInProcess(
    settings.runs,
    { runs: settings.runs, resultsPath: settings.resultsPath, memoize: settings.memoize, registry },
    (keys, part) => loadDataSet(keys, part, { ...(settings.cacheDir === undefined ? {} : { cacheDir: settings.cacheDir }), workers: 1, log: () => undefined, ...(loader === undefined ? {} : { loader }) }),
    (n) => port.postMessage({ progress: n }),
  );
  port.postMessage({ done });
} catch (error) {
  port.postMessage({ error: errorToTransfer(error) });
}
