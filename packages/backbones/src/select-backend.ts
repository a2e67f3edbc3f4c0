import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { ImprintError, firstAvailable, type Candidate } from '@imprint/core';

export type BackendChoice = 'auto' | 'wasm' | 'cpu' | 'tensorflow';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'wasm', 'cpu', 'tensorflow'];

/** Dynamic import of an optional package; undefined when it is not installed. */
async function importOptional(name: string): Promise<unknown> {
  try {
    createRequire(import.meta.url).resolve(name);
  } catch {
    return undefined;
  }
  return import(/* @vite-ignore */ name);
}

async function activate(name: string): Promise<boolean> {
  try {
    return (await tf.setBackend(name)) && (await tf.ready(), true);
  } catch {
    return false;
  }
}

async function tensorflow(pkg: string, log: (line: string) => void): Promise<string | undefined> {
  if ((await importOptional(pkg)) === undefined) throw new Error(`${pkg} is not installed`);
  if (!(await activate('tensorflow'))) throw new Error(`${pkg} did not start`);
  log(`tfjs backend: tensorflow (${pkg})`);
  return 'tensorflow';
}

async function wasm(log: (line: string) => void): Promise<string | undefined> {
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await activate('wasm'))) throw new Error('@tensorflow/tfjs-backend-wasm did not start');
  // Registered, not activated: tensors made from host arrays are kept there, uncopied, until a
  // WASM kernel reads them (see `tensorFromHost` in @imprint/core) — with a native engine most never are.
  await import('@tensorflow/tfjs-backend-cpu');
  log('tfjs backend: wasm');
  return 'wasm';
}

async function cpu(log: (line: string) => void): Promise<string | undefined> {
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await activate('cpu'))) throw new Error('@tensorflow/tfjs-backend-cpu did not start');
  log('tfjs backend: cpu');
  return 'cpu';
}

/**
 * Select the tfjs compute backend. `auto` takes the first that starts of
 * `@tensorflow/tfjs-node-gpu`, `@tensorflow/tfjs-node` (both optional, never installed by default),
 * WASM (SIMD) and the pure-JS cpu backend, and reports its choice through `log` (stderr by
 * default). A choice that cannot be used fails with one `UNSUPPORTED` line listing each candidate
 * tried and why it failed (`firstAvailable` of @imprint/core), with how to install it.
 */
export async function selectBackend(choice: BackendChoice = 'auto', log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<string> {
  if (!BACKEND_CHOICES.includes(choice)) {
    throw new ImprintError('INVALID_CONFIG', `backend must be one of ${BACKEND_CHOICES.join(', ')}, got ${JSON.stringify(choice)}`);
  }
  const candidates: Candidate<string>[] = [];
  if (choice === 'tensorflow' || choice === 'auto') {
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) candidates.push({ name: pkg, start: () => tensorflow(pkg, log) });
  }
  if (choice === 'wasm' || choice === 'auto') candidates.push({ name: 'wasm', start: () => wasm(log) });
  if (choice === 'cpu' || choice === 'auto') candidates.push({ name: 'cpu', start: () => cpu(log) });
  const hint =
    choice === 'tensorflow'
      ? 'Install one with `pnpm add @tensorflow/tfjs-node-gpu` (its installer downloads libtensorflow, see docs/gpu.md)'
      : 'Install @tensorflow/tfjs-backend-wasm or @tensorflow/tfjs-backend-cpu';
  return (await firstAvailable(`tf.js backend (${choice})`, candidates, hint)).value;
}
