/**
 * The playground's embedding worker: tf.js (WASM) and the foundation model run here, off the page's
 * thread, so the page stays responsive while images are embedded. Messages:
 * - `{ type: 'init', modelUrl, inputSize, wasm }` → `{ type: 'ready', backend }` (or `{ type: 'error' }`);
 * - `{ type: 'embed', id, pixels, width, height }` — RGBA bytes of one image, transferred →
 *   `{ type: 'embedded', id, embedding }`, the embedding's buffer transferred back.
 * The pixels become the tensor `tf.browser.fromPixels` makes of the same image (RGB, 0–255), / 255.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadEmbeddedBackboneFromUrl } from '@imprint/backbones/browser';
import type { Backbone } from '@imprint/core';

/** The worker's global scope (typed here: the page's DOM types are in scope, not the worker library's). */
const scope = self as unknown as { postMessage(message: EmbedReply, transfer?: Transferable[]): void; onmessage: ((event: MessageEvent<EmbedRequest>) => void) | null };

export type EmbedRequest =
  | { type: 'init'; modelUrl: string; inputSize: number; wasm: Record<string, string> }
  | { type: 'embed'; id: number; pixels: Uint8ClampedArray; width: number; height: number };
export type EmbedReply = { type: 'ready'; backend: string } | { type: 'embedded'; id: number; embedding: Float32Array } | { type: 'error'; id?: number; message: string };

let backbone: Backbone | undefined;

async function init(request: Extract<EmbedRequest, { type: 'init' }>): Promise<void> {
  setWasmPaths(request.wasm);
  if (!(await tf.setBackend('wasm'))) throw new Error('tf.js WASM did not start in the worker');
  await tf.ready();
  backbone = await loadEmbeddedBackboneFromUrl('mobilenet_v2_140', request.modelUrl, { inputSize: request.inputSize });
  // warm-up: the first run compiles the kernels
  (await embed(new Uint8ClampedArray(4 * 8 * 8), 8, 8)).fill(0);
  scope.postMessage({ type: 'ready', backend: tf.getBackend() } satisfies EmbedReply);
}

async function embed(pixels: Uint8ClampedArray, width: number, height: number): Promise<Float32Array> {
  const images = tf.tidy(() => {
    const rgba = tf.tensor3d(Int32Array.from(pixels), [height, width, 4], 'int32');
    const rgb = tf.slice(rgba, [0, 0, 0], [height, width, 3]);
    return tf.div(tf.expandDims(rgb, 0), 255) as tf.Tensor4D;
  });
  try {
    const features = await backbone!.embed(images);
    try {
      return (await features.data()) as Float32Array;
    } finally {
      features.dispose();
    }
  } finally {
    images.dispose();
  }
}

scope.onmessage = (event: MessageEvent<EmbedRequest>) => {
  const request = event.data;
  if (request.type === 'init') {
    init(request).catch((error: unknown) => scope.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies EmbedReply));
    return;
  }
  embed(request.pixels, request.width, request.height).then(
    (embedding) => scope.postMessage({ type: 'embedded', id: request.id, embedding } satisfies EmbedReply, [embedding.buffer]),
    (error: unknown) => scope.postMessage({ type: 'error', id: request.id, message: error instanceof Error ? error.message : String(error) } satisfies EmbedReply),
  );
};
