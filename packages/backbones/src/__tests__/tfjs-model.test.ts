import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { expectArraysClose } from '@imprint/core/testing';
import { embedImages, pixels, tfjsModel, type ImageBatchSource } from '../index.js';

async function saveSmallModel(): Promise<{ dir: string; model: tfl.LayersModel }> {
  const input = tfl.input({ shape: [16, 16, 3] });
  const conv = tfl.layers.conv2d({ filters: 6, kernelSize: 3, activation: 'relu', name: 'features', kernelInitializer: 'glorotUniform' }).apply(input) as tfl.SymbolicTensor;
  const pooled = tfl.layers.globalAveragePooling2d({ name: 'pooled' }).apply(conv) as tfl.SymbolicTensor;
  const head = tfl.layers.dense({ units: 2, name: 'head' }).apply(pooled) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: head });
  const dir = await mkdtemp(join(tmpdir(), 'imprint-model-'));
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      await writeFile(join(dir, 'weights.bin'), new Uint8Array(artifacts.weightData as ArrayBuffer));
      const json = { format: 'layers-model', modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] };
      await writeFile(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return { dir, model };
}

describe('tfjsModel', () => {
  it('loads a LayersModel from a folder and embeds with the named layer', async () => {
    const { dir, model } = await saveSmallModel();
    const backbone = await tfjsModel({ source: dir, outputLayer: 'pooled', inputSize: 16 });
    expect(backbone.dim).toBe(6);
    const images = tf.randomUniform([3, 16, 16, 3]) as tf.Tensor4D;
    const ours = await backbone.embed(images);
    const body = tfl.model({ inputs: model.inputs, outputs: model.getLayer('pooled').output as tfl.SymbolicTensor });
    const direct = body.predict(images) as tf.Tensor;
    expectArraysClose(ours.arraySync(), direct.arraySync(), 1e-5);
    // a 4-D layer output is pooled globally
    const fromMap = await tfjsModel({ source: join(dir, 'model.json'), outputLayer: 'features', inputSize: 16 });
    const pooled = await fromMap.embed(images);
    expectArraysClose(pooled.arraySync(), direct.arraySync(), 1e-5);
    [images, ours, direct, pooled].forEach((t) => t.dispose());
    backbone.dispose();
    fromMap.dispose();
  });

  it('fails clearly for a missing model', async () => {
    await expect(tfjsModel({ source: join(tmpdir(), 'no-such-model'), inputSize: 8 })).rejects.toThrow(/cannot read tf.js model/);
  });
});

describe('pixels', () => {
  it('flattens (and resizes) raw pixels', async () => {
    const images = tf.tensor4d([0, 0.5, 1, 0.25], [1, 2, 2, 1]);
    const raw = await pixels({ nativeSize: 2 }).embed(images);
    expect(raw.arraySync()).toEqual([[0, 0.5, 1, 0.25]]);
    expect(pixels({ size: 4, nativeSize: 2 }).dim).toBe(16);
    [images, raw].forEach((t) => t.dispose());
  });
});

describe('embedImages', () => {
  const source: ImageBatchSource = {
    count: 45,
    height: 28,
    width: 28,
    channels: 1,
    read: (start, count) => Uint8Array.from({ length: count * 784 }, (_, i) => ((start * 784 + i) * 7) % 256),
  };

  it('gives the same embeddings in worker threads as in-process, in order', async () => {
    const inProcess = await embedImages(source, { backbone: 'pixels', workers: 1, batchSize: 8 });
    const threaded = await embedImages(source, { backbone: 'pixels', workers: 2, batchSize: 8 });
    expect(inProcess.dim).toBe(784);
    expect(threaded.dim).toBe(784);
    expect(Array.from(threaded.data)).toEqual(Array.from(inProcess.data));
    expect(inProcess.data[784 * 44 + 3]).toBeCloseTo((((44 * 784 + 3) * 7) % 256) / 255, 6);
  });

  it('reports progress and rejects a batch of the wrong size', async () => {
    const seen: number[] = [];
    await embedImages(source, { backbone: 'pixels', workers: 1, batchSize: 20, onProgress: (done) => seen.push(done) });
    expect(seen).toEqual([20, 40, 45]);
    const broken: ImageBatchSource = { ...source, read: () => new Uint8Array(10) };
    await expect(embedImages(broken, { backbone: 'pixels', workers: 1 })).rejects.toThrow(/image batch at 0 has 10 pixel values, expected/);
  });
});
