import * as tf from '@tensorflow/tfjs-core';
import { firstAvailable } from '@imprint/core';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** Where tf.js WASM finds its binaries (bundled by Vite): for the page and the embedding worker. */
export const WASM_PATHS: Record<string, string> = { 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd };

/** The backend in use and why it was chosen. */
export interface BackendChoice {
  readonly name: string;
  readonly reason: string;
}

/** The WebGL renderer's name, or undefined without WebGL. */
export function webglRenderer(): string | undefined {
  const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
  if (gl === null) return undefined;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(info === null ? gl.RENDERER : info.UNMASKED_RENDERER_WEBGL));
}

/** Renderers that draw WebGL on the CPU, where tf.js WASM is an order of magnitude faster. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/**
 * tf.js WebGL on a GPU; WASM where WebGL is missing, fails, or is software-rendered (SwiftShader,
 * llvmpipe: measured 16× slower than WASM for the foundation model here). `?backend=wasm` or
 * `?backend=webgl` forces one. Returns the backend in use and why.
 */
export async function chooseBackend(requested = new URLSearchParams(location.search).get('backend')): Promise<BackendChoice> {
  setWasmPaths(WASM_PATHS);
  let order: string[];
  let reason: string;
  if (requested === 'wasm' || requested === 'webgl') {
    order = [requested];
    reason = 'requested';
  } else {
    const renderer = webglRenderer();
    if (renderer === undefined) [order, reason] = [['wasm'], 'no WebGL here'];
    else if (SOFTWARE_RENDERER.test(renderer)) [order, reason] = [['wasm', 'webgl'], `WebGL is software-rendered here (${renderer})`];
    else [order, reason] = [['webgl', 'wasm'], `GPU: ${renderer}`];
  }
  // The first that starts, in order; when none does, one line naming each and why (firstAvailable).
  const chosen = await firstAvailable(
    'tf.js backend',
    order.map((name) => ({
      name,
      start: async () => ((await tf.setBackend(name)) ? (await tf.ready(), tf.getBackend()) : undefined),
    })),
  );
  return { name: chosen.value, reason: chosen.skipped.length === 0 ? reason : `${chosen.skipped.join('; ')}` };
}
