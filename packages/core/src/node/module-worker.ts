import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Start a worker thread running the module `name` beside `parentUrl` (pass `import.meta.url`),
 * in both layouts this repository runs in: compiled (`dist/name.js`) and TypeScript sources under
 * tsx or vitest (`src/name.ts`). For sources the worker registers tsx itself — loader hooks are
 * not inherited by worker threads on Node 20 — and resolves workspace packages to their sources.
 */
export function startModuleWorker(parentUrl: string, name: string, workerData: unknown): Worker {
  if (extname(fileURLToPath(parentUrl)) !== '.ts') return new Worker(new URL(`./${name}.js`, parentUrl), { workerData });
  const tsx = pathToFileURL(createRequire(parentUrl).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const file = new URL(`./${name}.ts`, parentUrl).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(file)}); });`;
  return new Worker(bootstrap, { eval: true, workerData, execArgv: ['--conditions=@imprint/source'] });
}
