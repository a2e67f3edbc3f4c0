/**
 * The playground's Web Worker: the foundation model and the imprinting run here, off the page's
 * thread, so the page stays responsive while images are embedded and heads imprinted. tf.js runs
 * on WASM here; the foundation model is the embedded MobileNet or, once the page sends one, any
 * ONNX image encoder through onnxruntime-web (WebGPU where the browser has it, else WASM).
 * Requests are answered one after another (`WorkerRequest` → `WorkerReply`, matched by `id`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadEmbeddedBackboneFromUrl, onnxWebModel, type OnnxWebModelOptions, type OrtWebLike } from '@imprint/backbones/browser';
import type { Backbone } from '@imprint/core';
import { runImprintJob, sendableError, transferablesOf, type ImprintJob, type ImprintJobResult, type SentError } from './imprint-jobs.js';
import { playgroundRegistry } from './registry.js';

/** What the page asks of the worker. */
export type WorkerRequest = { readonly id: number } & (
  | { readonly type: 'init'; readonly wasm: Record<string, string>; readonly model: { readonly url: string; readonly inputSize: number } }
  /** Use an ONNX image encoder (its bytes, transferred) from now on. */
  | { readonly type: 'useOnnx'; readonly bytes: Uint8Array; readonly options: OnnxWebModelOptions }
  /** RGBA bytes of one image (transferred); becomes the tensor `tf.browser.fromPixels` makes of it, / 255. */
  | { readonly type: 'embed'; readonly pixels: Uint8ClampedArray; readonly width: number; readonly height: number }
  | { readonly type: 'job'; readonly job: ImprintJob }
  /** The worker's live tf.js tensors (they must not grow). */
  | { readonly type: 'memory' }
);

/** What each request resolves to. */
export interface WorkerAnswers {
  init: { backend: string };
  useOnnx: { dim: number; inputSize: number };
  embed: Float32Array;
  job: ImprintJobResult;
  memory: { numTensors: number };
}

export type WorkerReply = { readonly id: number } & ({ readonly ok: true; readonly value: WorkerAnswers[keyof WorkerAnswers] } | { readonly ok: false; readonly error: SentError });

/** The worker's global scope (typed here: the page's DOM types are in scope, not the worker library's). */
const scope = self as unknown as { postMessage(message: WorkerReply, transfer?: Transferable[]): void; onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null };

const registry = playgroundRegistry();
let backbone: Backbone | undefined;

async function embed(pixels: Uint8ClampedArray, width: number, height: number): Promise<Float32Array> {
  if (backbone === undefined) throw new Error('the foundation model is not loaded yet');
  const images = tf.tidy(() => {
    const rgba = tf.tensor3d(Int32Array.from(pixels), [height, width, 4], 'int32');
    const rgb = tf.slice(rgba, [0, 0, 0], [height, width, 3]);
    return tf.div(tf.expandDims(rgb, 0), 255) as tf.Tensor4D;
  });
  try {
    const features = await backbone.embed(images);
    try {
      return (await features.data()) as Float32Array;
    } finally {
      features.dispose();
    }
  } finally {
    images.dispose();
  }
}

async function answer(request: WorkerRequest): Promise<{ value: WorkerAnswers[keyof WorkerAnswers]; transfer: Transferable[] }> {
  switch (request.type) {
    case 'init': {
      setWasmPaths(request.wasm);
      if (!(await tf.setBackend('wasm'))) throw new Error('tf.js WASM did not start in the worker');
      await tf.ready();
      backbone = await loadEmbeddedBackboneFromUrl('mobilenet_v2_140', request.model.url, { inputSize: request.model.inputSize });
      (await embed(new Uint8ClampedArray(4 * 8 * 8), 8, 8)).fill(0); // warm-up: the first run sets up the kernels
      return { value: { backend: tf.getBackend() }, transfer: [] };
    }
    case 'useOnnx': {
      const ort = (await import('onnxruntime-web')) as unknown as OrtWebLike;
      const next = await onnxWebModel(request.bytes, ort, request.options);
      backbone?.dispose();
      backbone = next;
      return { value: { dim: next.dim, inputSize: next.inputSize[0] }, transfer: [] };
    }
    case 'embed': {
      const embedding = await embed(request.pixels, request.width, request.height);
      return { value: embedding, transfer: [embedding.buffer] };
    }
    case 'job': {
      const result = await runImprintJob(request.job, registry);
      return { value: result, transfer: transferablesOf(result) };
    }
    case 'memory':
      return { value: { numTensors: tf.memory().numTensors }, transfer: [] };
    default:
      throw new Error(`unknown request ${JSON.stringify((request as { type?: unknown }).type)}`);
  }
}

/** One request at a time: onnxruntime-web runs one inference per session at once, and the order is the page's. */
let queue: Promise<void> = Promise.resolve();
scope.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  queue = queue.then(() =>
    answer(request).then(
      ({ value, transfer }) => scope.postMessage({ id: request.id, ok: true, value }, transfer),
      (error: unknown) => scope.postMessage({ id: request.id, ok: false, error: sendableError(error) }),
    ),
  );
};
