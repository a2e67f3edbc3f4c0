import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { ImprintError } from '@imprint/core';

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

async function tryTensorflow(log: (line: string) => void): Promise<string | undefined> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    if ((await importOptional(pkg)) !== undefined && (await activate('tensorflow'))) {
      log(`tfjs backend: tensorflow (${pkg})`);
      return 'tensorflow';
    }
  }
  return undefined;
}

/**
 * Select the tfjs compute backend. `auto` prefers `@tensorflow/tfjs-node-gpu`, then
 * `@tensorflow/tfjs-node` (both optional, never installed by default), then WASM (SIMD), then the
 * pure-JS cpu backend, and reports its choice through `log` (stderr by default). An explicit
 * choice that cannot be used fails with `UNSUPPORTED` and says how to install it.
 */
export async function selectBackend(choice: BackendChoice = 'auto', log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<string> {
  if (!BACKEND_CHOICES.includes(choice)) {
    throw new ImprintError('INVALID_CONFIG', `backend must be one of ${BACKEND_CHOICES.join(', ')}, got ${JSON.stringify(choice)}`);
  }
  if (choice === 'tensorflow' || choice === 'auto') {
    const found = await tryTensorflow(log);
    if (found !== undefined) return found;
    if (choice === 'tensorflow') {
      throw new ImprintError(
        'UNSUPPORTED',
        'backend "tensorflow" needs @tensorflow/tfjs-node-gpu (CUDA) or @tensorflow/tfjs-node; install one with `pnpm add @tensorflow/tfjs-node-gpu` (its installer downloads libtensorflow, see docs/gpu.md)',
      );
    }
  }
  if (choice === 'wasm' || choice === 'auto') {
    await import('@tensorflow/tfjs-backend-wasm');
    if (await activate('wasm')) {
      // Registered, not activated: tensors made from host arrays are kept there, uncopied, until a
      // WASM kernel reads them (see `tensorFromHost` in @imprint/core) — with a native engine
      // most never are.
      await import('@tensorflow/tfjs-backend-cpu');
      log('tfjs backend: wasm');
      return 'wasm';
    }
    if (choice === 'wasm') throw new ImprintError('UNSUPPORTED', 'backend "wasm" could not be initialised; is @tensorflow/tfjs-backend-wasm installed?');
  }
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await activate('cpu'))) throw new ImprintError('UNSUPPORTED', 'backend "cpu" could not be initialised; install @tensorflow/tfjs-backend-cpu');
  log('tfjs backend: cpu');
  return 'cpu';
}
