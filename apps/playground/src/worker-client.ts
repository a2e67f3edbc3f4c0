import type { Registry } from '@imprint/core';
import type { OnnxWebModelOptions } from '@imprint/backbones/browser';
import { jobHeadBuilder, type HeadBuilder } from './head-builder.js';
import { receivedError, transferablesOf, type ImprintJob, type ImprintJobResult } from './imprint-jobs.js';
import type { ImageSource } from './images.js';
import type { WorkerAnswers, WorkerReply, WorkerRequest } from './playground-worker.js';

/** One canvas for reading pixels, reused (a canvas per image leaves the page's garbage collector a long pause). */
let reader: CanvasRenderingContext2D | undefined;

/** The RGBA pixels of an image at its own size (what `tf.browser.fromPixels` reads), via a canvas. */
export function imagePixels(source: ImageSource): { pixels: Uint8ClampedArray; width: number; height: number } {
  const width = source instanceof HTMLVideoElement ? source.videoWidth : source.width;
  const height = source instanceof HTMLVideoElement ? source.videoHeight : source.height;
  if (!(width > 0 && height > 0)) throw new Error(`the image has no pixels yet (${width} × ${height})`);
  reader ??= document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
  const context = reader;
  if (context.canvas.width !== width || context.canvas.height !== height) {
    context.canvas.width = width;
    context.canvas.height = height;
  } else context.clearRect(0, 0, width, height);
  context.drawImage(source as CanvasImageSource, 0, 0);
  return { pixels: context.getImageData(0, 0, width, height).data, width, height };
}

/** A request before the client numbers it. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = WithoutId<WorkerRequest>;

/**
 * The page's side of the playground's worker: embedding (pixels and embeddings transferred, not
 * copied), a foundation model of the user's (ONNX), and imprinting (`headBuilder`: heads come back
 * as the file's bytes). Errors come back as errors — an ImprintError with its code.
 */
export class WorkerClient {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (value: never) => void; reject: (error: Error) => void }>();
  #next = 0;
  /** The worker's tf.js backend, once the embedded foundation model is loaded and warmed up. */
  readonly ready: Promise<string>;

  constructor(init: { wasm: Record<string, string>; model: { url: string; inputSize: number } }) {
    this.#worker = new Worker(new URL('./playground-worker.ts', import.meta.url), { type: 'module' });
    this.#worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      const waiting = this.#pending.get(reply.id);
      if (waiting === undefined) return;
      this.#pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.value as never);
      else waiting.reject(receivedError(reply.error, 'the playground worker'));
    };
    this.#worker.onerror = (event) => this.#failAll(new Error(`the playground worker failed: ${event.message}`));
    this.ready = this.#call({ type: 'init', ...init }).then(({ backend }) => backend);
  }

  /** Embed one image in the worker. */
  embed(source: ImageSource): Promise<Float32Array> {
    const { pixels, width, height } = imagePixels(source);
    return this.#call({ type: 'embed', pixels, width, height }, [pixels.buffer]);
  }

  /** Use an ONNX image encoder in the worker from now on; `bytes` are transferred (left empty here). */
  useOnnx(bytes: Uint8Array, options: OnnxWebModelOptions): Promise<{ dim: number; inputSize: number }> {
    const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    return this.#call({ type: 'useOnnx', bytes: owned, options }, [owned.buffer as ArrayBuffer]);
  }

  /** Run an imprinting job in the worker (its matrix transferred). */
  run(job: ImprintJob): Promise<ImprintJobResult> {
    return this.#call({ type: 'job', job }, transferablesOf(job));
  }

  /** Imprinting in this worker, for a `PlaygroundSession` whose registry is `registry` (the worker's is the same: `playgroundRegistry`). */
  headBuilder(registry: Registry): HeadBuilder {
    return jobHeadBuilder((job) => this.run(job), registry, 'a Web Worker');
  }

  /** The worker's live tf.js tensors. */
  async numTensors(): Promise<number> {
    return (await this.#call({ type: 'memory' })).numTensors;
  }

  terminate(): void {
    this.#worker.terminate();
    this.#failAll(new Error('the playground worker was stopped'));
  }

  #call<R extends Request>(request: R, transfer: Transferable[] = []): Promise<WorkerAnswers[R['type']]> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: never) => void, reject });
      this.#worker.postMessage({ ...request, id } as WorkerRequest, transfer);
    });
  }

  #failAll(error: Error): void {
    for (const waiting of this.#pending.values()) waiting.reject(error);
    this.#pending.clear();
  }
}
