// Worker thread of the k-means pool: its own tfjs backend (WASM if installed, else cpu).
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, errorToTransfer } from '@imprint/core';
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

async function initBackend(): Promise<void> {
  for (const [name, module] of [
    ['wasm', '@tensorflow/tfjs-backend-wasm'],
    ['cpu', '@tensorflow/tfjs-backend-cpu'],
  ] as const) {
    try {
      await import(module);
      if (await tf.setBackend(name)) {
        await tf.ready();
        return;
      }
    } catch {
      // try the next backend
    }
  }
  throw new Error('no tfjs backend (install @tensorflow/tfjs-backend-wasm or -cpu)');
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
