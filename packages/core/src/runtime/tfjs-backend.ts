import * as tf from '@tensorflow/tfjs-core';
import { ImprintError } from '../util/errors.js';

/** What a user who forgot a tf.js backend is told (Node and browsers). */
export const MISSING_BACKEND_HINT =
  'import a tf.js backend before imprinting: `import "@tensorflow/tfjs-backend-wasm"` or `import "@tensorflow/tfjs-backend-cpu"` in Node (or call selectBackend() of @imprint/backbones), `import "@tensorflow/tfjs-backend-webgl"` in a browser';

/**
 * The active tf.js backend's name, initialising the best registered one as tf.js does; with no
 * backend registered, one typed `UNSUPPORTED` line saying what to import — instead of tf.js's
 * `No backend found in registry.` from deep inside a computation.
 */
export function requireBackend(): string {
  try {
    tf.backend();
    return tf.getBackend();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/no backend found/i.test(message)) throw new ImprintError('UNSUPPORTED', `tf.js has no backend: ${MISSING_BACKEND_HINT}`);
    throw error;
  }
}
