// Worker thread of the k-means pool: its own tfjs backend (WASM if installed, else cpu).
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, errorToTransfer, firstAvailable } from '@imprint/core';
import { clusterRowsWith } from './cluster.js';

interface Job {
  id: number;
  data: Float32Array;
  rows: number;
  dim: number;
  k: number;
  seed: number;
  options: { implementation?: 'lloyd' | 'tfjs' | 'ml-kmeans'; maxIterations?: number; tolerance?: number; bounds?: boolean };
}

/** This worker's tf.js backend: WASM if installed, else cpu (the first that starts). */
async function initBackend(): Promise<void> {
  const start = (name: string, module: string) => async () => {
    await import(module);
    if (!(await tf.setBackend(name))) return undefined;
    await tf.ready();
    return name;
  };
  await firstAvailable('tf.js backend for a k-means worker', [
    { name: 'wasm', start: start('wasm', '@tensorflow/tfjs-backend-wasm') },
    { name: 'cpu', start: start('cpu', '@tensorflow/tfjs-backend-cpu') },
  ]);
}

const port = parentPort!;
const ready = initBackend();
port.on('message', async (job: Job) => {
  try {
    await ready;
    const result = clusterRowsWith(job.data, job.rows, job.dim, job.k, createRng(job.seed), job.options);
    port.postMessage({ id: job.id, centers: result.centers }, [result.centers.buffer as ArrayBuffer]);
  } catch (error) {
    port.postMessage({ id: job.id, error: errorToTransfer(error) });
  }
});
