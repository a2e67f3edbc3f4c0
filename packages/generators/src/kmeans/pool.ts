// A pool of worker threads running k-means (Node only; loaded on demand by the kmeans generator).
import type { Worker } from 'node:worker_threads';
import { errorFromTransfer, errorToTransfer, type TransferredError } from '@imprint/core';
import { startModuleWorker } from '@imprint/core/node';
import type { ClusterOptions } from './cluster.js';

interface Pending {
  resolve: (centers: Float32Array) => void;
  reject: (error: Error) => void;
}

/** Runs k-means jobs on `size` worker threads, one job per thread at a time. */
export class KMeansPool {
  readonly #workers: Worker[] = [];
  readonly #idle: Worker[] = [];
  readonly #queue: { job: Record<string, unknown>; transfer: ArrayBuffer[] }[] = [];
  readonly #pending = new Map<number, Pending>();
  #next = 0;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const worker = startModuleWorker(import.meta.url, 'worker', undefined);
      worker.unref(); // an idle pool never keeps the process alive
      worker.on('message', (reply: { id: number; centers?: Float32Array; error?: TransferredError }) => {
        const pending = this.#pending.get(reply.id);
        this.#pending.delete(reply.id);
        if (reply.error !== undefined) pending?.reject(errorFromTransfer(reply.error, 'k-means worker'));
        else pending?.resolve(reply.centers!);
        this.#idle.push(worker);
        this.#drain();
      });
      worker.on('error', (error) => {
        for (const p of this.#pending.values()) p.reject(errorFromTransfer(errorToTransfer(error), 'k-means worker'));
        this.#pending.clear();
      });
      this.#workers.push(worker);
      this.#idle.push(worker);
    }
  }

  /** Cluster `rows × dim` values (copied) into k centres with k-means++ seeded by `seed`. */
  cluster(data: Float32Array, rows: number, dim: number, k: number, seed: number, options: ClusterOptions): Promise<Float32Array> {
    const id = this.#next++;
    const copy = Float32Array.from(data);
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#queue.push({ job: { id, data: copy, rows, dim, k, seed, options }, transfer: [copy.buffer] });
      this.#drain();
    });
  }

  #drain(): void {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const worker = this.#idle.pop()!;
      const { job, transfer } = this.#queue.shift()!;
      worker.postMessage(job, transfer);
    }
  }

  /** Stop every worker. */
  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

const pools = new Map<number, KMeansPool>();

/** The shared pool of `size` workers (created on first use). */
export function kmeansPool(size: number): KMeansPool {
  let pool = pools.get(size);
  if (pool === undefined) pools.set(size, (pool = new KMeansPool(size)));
  return pool;
}

/** Stop all shared k-means worker pools. */
export async function closeKMeansPools(): Promise<void> {
  await Promise.all([...pools.values()].map((p) => p.close()));
  pools.clear();
}
