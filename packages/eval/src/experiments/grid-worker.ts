// Worker thread of runGrid: one WASM backend, a part of the runs, results appended to the shared file.
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend } from '@imprint/backbones';
import { loadRunData } from './run-data.js';
import { runGridInProcess, type GridRun } from './run-grid.js';

const settings = workerData as { runs: GridRun[]; resultsPath: string; memoize: boolean; cacheDir?: string };
const port = parentPort!;
try {
  await selectBackend('wasm', () => undefined);
  const done = await runGridInProcess(
    settings.runs,
    { runs: settings.runs, resultsPath: settings.resultsPath, memoize: settings.memoize },
    (keys, part) => loadRunData(keys, part, { ...(settings.cacheDir === undefined ? {} : { cacheDir: settings.cacheDir }), workers: 1, log: () => undefined }),
    (n) => port.postMessage({ progress: n }),
  );
  port.postMessage({ done });
} catch (error) {
  port.postMessage({ error: (error as Error).stack ?? String(error) });
}
