import type { EmbedReply, EmbedRequest } from './embed-worker.js';
import type { ImageSource } from './images.js';

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

/**
 * The page's side of the embedding worker: one request at a time per image, pixels and
 * embeddings transferred (not copied) across the thread boundary.
 */
export class EmbedClient {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (embedding: Float32Array) => void; reject: (error: Error) => void }>();
  #next = 0;
  readonly ready: Promise<string>;

  constructor(init: Omit<Extract<EmbedRequest, { type: 'init' }>, 'type'>) {
    this.#worker = new Worker(new URL('./embed-worker.ts', import.meta.url), { type: 'module' });
    this.ready = new Promise((resolve, reject) => {
      this.#worker.onmessage = (event: MessageEvent<EmbedReply>) => {
        const reply = event.data;
        if (reply.type === 'ready') return resolve(reply.backend);
        if (reply.type === 'error' && reply.id === undefined) return reject(new Error(`embedding worker: ${reply.message}`));
        const waiting = this.#pending.get(reply.id!);
        if (waiting === undefined) return;
        this.#pending.delete(reply.id!);
        if (reply.type === 'embedded') waiting.resolve(reply.embedding);
        else waiting.reject(new Error(`embedding worker: ${(reply as { message: string }).message}`));
      };
      this.#worker.onerror = (event) => reject(new Error(`embedding worker failed to start: ${event.message}`));
    });
    this.#worker.postMessage({ type: 'init', ...init } satisfies EmbedRequest);
  }

  /** Embed one image in the worker. */
  embed(source: ImageSource): Promise<Float32Array> {
    const { pixels, width, height } = imagePixels(source);
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ type: 'embed', id, pixels, width, height } satisfies EmbedRequest, [pixels.buffer]);
    });
  }

  terminate(): void {
    this.#worker.terminate();
    for (const waiting of this.#pending.values()) waiting.reject(new Error('embedding worker stopped'));
    this.#pending.clear();
  }
}
