import { cpus } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { ImprintError, checkInteger, errorFromTransfer, errorToTransfer, type TransferredError } from '@imprint/core';
import { startModuleWorker } from '@imprint/core/node';
import { tfjsBackbones, type BackboneLoader } from './backbone-loader.js';
import { pixelsToImages } from './preprocess.js';
import type { BackendChoice } from './select-backend.js';

/** Images to embed, read in batches as uint8 pixels `[n, height, width, channels]`, row-major. */
export interface ImageBatchSource {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
  read(start: number, count: number): Uint8Array | Promise<Uint8Array>;
}

export interface EmbedImagesOptions {
  /** Backbone name (`mobilenet_v2_140`, `mobilenet_v2_nsfw`, `inception_v3_nsfw`, `pixels`). */
  backbone: string;
  /** Square input size of the backbone. @default the backbone's native size */
  inputSize?: number;
  /** Images per batch. @default 32 */
  batchSize?: number;
  /**
   * Worker threads, each with its own WASM backend and model copy; 1 embeds in this thread on
   * the current backend. @default the number of cores (at most 8)
   */
  workers?: number;
  /** Backend of the worker threads. @default 'wasm' */
  workerBackend?: BackendChoice;
  /** Called after each batch with images done and total. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Where the backbone comes from. tf.js backbones run in worker threads; any other loader's (an
   * engine's) in this thread, using all cores itself. @default tfjsBackbones
   */
  loader?: BackboneLoader;
}

function checkBatch(pixels: Uint8Array, count: number, source: ImageBatchSource, start: number): void {
  const expected = count * source.height * source.width * source.channels;
  if (pixels.length !== expected) {
    throw new ImprintError('INVALID_INPUT', `image batch at ${start} has ${pixels.length} pixel values, expected ${expected} (${count} × ${source.height} × ${source.width} × ${source.channels})`);
  }
}

async function embedInProcess(source: ImageBatchSource, options: Required<Pick<EmbedImagesOptions, 'backbone' | 'batchSize'>> & EmbedImagesOptions): Promise<{ dim: number; data: Float32Array }> {
  const backbone = await (options.loader ?? tfjsBackbones).load(options.backbone, options.inputSize);
  try {
    const out = new Float32Array(source.count * backbone.dim);
    for (let start = 0; start < source.count; start += options.batchSize) {
      const count = Math.min(options.batchSize, source.count - start);
      const pixels = await source.read(start, count);
      checkBatch(pixels, count, source, start);
      if (backbone.embedPixels !== undefined) {
        // the backbone's own fast path: pixels in, embeddings out, no tf.js tensors
        out.set(await backbone.embedPixels(pixels, count, source.height, source.width, source.channels), start * backbone.dim);
      } else {
        const images = pixelsToImages(pixels, count, source.height, source.width, source.channels);
        const embeddings = await backbone.embed(images);
        out.set(embeddings.dataSync(), start * backbone.dim);
        images.dispose();
        embeddings.dispose();
      }
      options.onProgress?.(start + count, source.count);
    }
    return { dim: backbone.dim, data: out };
  } finally {
    backbone.dispose();
  }
}

interface WorkerReply {
  ready?: boolean;
  dim?: number;
  id?: number;
  embeddings?: Float32Array;
  error?: TransferredError;
}

function startWorker(options: EmbedImagesOptions): Worker {
  return startModuleWorker(import.meta.url, 'embed-worker', { backbone: options.backbone, inputSize: options.inputSize, backend: options.workerBackend ?? 'wasm' });
}

async function embedInWorkers(source: ImageBatchSource, workers: number, options: Required<Pick<EmbedImagesOptions, 'backbone' | 'batchSize'>> & EmbedImagesOptions): Promise<{ dim: number; data: Float32Array }> {
  const pool = Array.from({ length: workers }, () => startWorker(options));
  const batches = Math.ceil(source.count / options.batchSize);
  let next = 0;
  let done = 0;
  let dim = 0;
  let out: Float32Array | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      let finished = false;
      const fail = (error: Error) => {
        if (!finished) {
          finished = true;
          reject(error);
        }
      };
      const feed = async (worker: Worker) => {
        if (next >= batches) return;
        const id = next++;
        const start = id * options.batchSize;
        const count = Math.min(options.batchSize, source.count - start);
        try {
          const pixels = await source.read(start, count);
          checkBatch(pixels, count, source, start);
          const copy = new Uint8Array(pixels); // a real copy: Buffer#slice is a view, and the copy is transferred
          worker.postMessage({ id, pixels: copy, count, height: source.height, width: source.width, channels: source.channels }, [copy.buffer]);
        } catch (error) {
          fail(error as Error);
        }
      };
      for (const worker of pool) {
        worker.on('error', (error) => fail(errorFromTransfer(errorToTransfer(error), 'embedding worker')));
        worker.on('exit', (code) => code !== 0 && fail(new ImprintError('INTERNAL', `embedding worker exited with code ${code}`)));
        worker.on('message', (reply: WorkerReply) => {
          if (reply.error !== undefined) return fail(errorFromTransfer(reply.error, 'embedding worker'));
          if (reply.ready) {
            dim = reply.dim!;
            out ??= new Float32Array(source.count * dim);
            return void feed(worker);
          }
          out!.set(reply.embeddings!, reply.id! * options.batchSize * dim);
          done += reply.embeddings!.length / dim;
          options.onProgress?.(done, source.count);
          if (done === source.count) {
            finished = true;
            resolve();
          } else void feed(worker);
        });
      }
      if (source.count === 0) resolve();
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return { dim, data: out ?? new Float32Array(0) };
}

/**
 * Embed every image of `source` with a backbone, in batches. tf.js backbones are spread over
 * worker threads (one WASM backend and model copy per worker; batches are streamed back and
 * placed in order); an engine's backbones (another loader) run in this thread on all cores. Returns row-major embeddings `[count, dim]`.
 */
export async function embedImages(source: ImageBatchSource, options: EmbedImagesOptions): Promise<{ dim: number; data: Float32Array }> {
  const loader = options.loader ?? tfjsBackbones;
  const batchSize = checkInteger(options.batchSize ?? loader.batchSize ?? 32, 'batchSize', { min: 1 });
  if (options.workers !== undefined) checkInteger(options.workers, 'workers', { min: 1 });
  const wanted = loader === tfjsBackbones ? (options.workers ?? Math.min(cpus().length, 8)) : 1;
  const workers = Math.max(1, Math.min(wanted, Math.ceil(source.count / batchSize)));
  const settings = { ...options, batchSize };
  return workers === 1 ? embedInProcess(source, settings) : embedInWorkers(source, workers, settings);
}
