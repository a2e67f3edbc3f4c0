import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

const wanted = process.env.IMPRINT_TEST_BACKEND ?? 'wasm';
if (tf.getBackend() !== wanted) {
  const ok = await tf.setBackend(wanted);
  if (!ok) throw new Error(`test backend "${wanted}" could not be initialised`);
}
await tf.ready();
