// Worker thread of embedImages: one tfjs backend and one model copy, embedding batches on request.
import { parentPort, workerData } from 'node:worker_threads';
import { errorToTransfer } from '@imprint/core';
import { loadBackbone } from './load-backbone.js';
import { pixelsToImages } from './preprocess.js';
import { selectBackend, type BackendChoice } from './select-backend.js';

interface Job {
  id: number;
  pixels: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
}

const settings = workerData as { backbone: string; inputSize?: number; backend: BackendChoice };
const port = parentPort!;
try {
  await selectBackend(settings.backend, () => undefined);
  const backbone = await loadBackbone(settings.backbone, settings.inputSize);
  port.on('message', async (job: Job) => {
    try {
      const images = pixelsToImages(job.pixels, job.count, job.height, job.width, job.channels);
      const embeddings = await backbone.embed(images);
      const values = Float32Array.from(embeddings.dataSync());
      images.dispose();
      embeddings.dispose();
      port.postMessage({ id: job.id, embeddings: values }, [values.buffer]);
    } catch (error) {
      port.postMessage({ error: errorToTransfer(error) });
    }
  });
  port.postMessage({ ready: true, dim: backbone.dim });
} catch (error) {
  port.postMessage({ error: errorToTransfer(error) });
}
