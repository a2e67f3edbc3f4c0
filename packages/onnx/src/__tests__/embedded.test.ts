import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadEmbeddedBackbone, type EmbeddedBackboneName } from '@imprint/backbones';
import { describeBackboneContract } from '@imprint/core/testing';
import { onnxBackbones, onnxEmbeddedBackbone } from '../index.js';
import { colourDigits, mnistDigits } from './mnist-images.js';

const cacheDir = await mkdtemp(join(tmpdir(), 'imprint-onnx-models-'));

/** Largest |a − b| relative to the largest |a|. */
function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let difference = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    difference = Math.max(difference, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]));
  }
  return difference / scale;
}

async function viaTfjs(name: EmbeddedBackboneName, size: number, pixels: Uint8Array, count: number, height: number, width: number, channels: number): Promise<Float32Array> {
  const backbone = await loadEmbeddedBackbone(name, { inputSize: size });
  const images = tf.tidy(() => tf.div(tf.tensor4d(pixels, [count, height, width, channels], 'int32'), 255) as tf.Tensor4D);
  const embeddings = await backbone.embed(images);
  const values = embeddings.dataSync() as Float32Array;
  [images, embeddings].forEach((t) => t.dispose());
  backbone.dispose();
  return values;
}

describe('the embedded FMs on onnxruntime give the tf.js embeddings (real images, several input sizes)', () => {
  const cases: [EmbeddedBackboneName, number][] = [
    ['mobilenet_v2_140', 224],
    ['mobilenet_v2_140', 96],
    ['mobilenet_v2_nsfw', 224],
    ['mobilenet_v2_nsfw', 128],
    ['inception_v3_nsfw', 299],
    ['inception_v3_nsfw', 139],
  ];
  it.each(cases)('%s at %i: grey MNIST digits within 1e-4 relative', async (name, size) => {
    const pixels = mnistDigits(3);
    const expected = await viaTfjs(name, size, pixels, 3, 28, 28, 1);
    const backbone = await onnxEmbeddedBackbone(name, { inputSize: size, cacheDir });
    const actual = await backbone.embedPixels!(pixels, 3, 28, 28, 1);
    expect(actual.length).toBe(expected.length);
    expect(relativeDifference(expected, actual)).toBeLessThan(1e-4);
    backbone.dispose();
  });

  it('mobilenet_v2_nsfw at 160: RGB images of another size, through embed() as well', async () => {
    const pixels = colourDigits(2);
    const expected = await viaTfjs('mobilenet_v2_nsfw', 160, pixels, 2, 40, 40, 3);
    const backbone = await onnxEmbeddedBackbone('mobilenet_v2_nsfw', { inputSize: 160, cacheDir });
    expect(relativeDifference(expected, await backbone.embedPixels!(pixels, 2, 40, 40, 3))).toBeLessThan(1e-4);
    const images = tf.tidy(() => tf.div(tf.tensor4d(pixels, [2, 40, 40, 3], 'int32'), 255) as tf.Tensor4D);
    const viaEmbed = await backbone.embed(images);
    expect(relativeDifference(expected, viaEmbed.dataSync())).toBeLessThan(1e-4);
    // uint8 pixels are divided by 255 inside the graph: the same float inputs, so the same embeddings
    expect(Array.from(viaEmbed.dataSync())).toEqual(Array.from(await backbone.embedPixels!(pixels, 2, 40, 40, 3)));
    [images, viaEmbed].forEach((t) => t.dispose());
    backbone.dispose();
  });
});

describeBackboneContract('onnx mobilenet_v2_140 at 96', () => onnxEmbeddedBackbone('mobilenet_v2_140', { inputSize: 96, cacheDir }));

describe('the built models are cached on disk, content-addressed', () => {
  it('builds once per input shape, reuses the file, and rebuilds a damaged one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-onnx-cache-'));
    const pixels = mnistDigits(2);
    const first = await onnxEmbeddedBackbone('mobilenet_v2_nsfw', { inputSize: 96, cacheDir: dir });
    const expected = await first.embedPixels!(pixels, 2, 28, 28, 1);
    first.dispose();
    const files = await readdir(join(dir, 'onnx'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^mobilenet_v2_nsfw-96-28x28x1-u8-[0-9a-f]{16}\.onnx$/);
    const again = await onnxEmbeddedBackbone('mobilenet_v2_nsfw', { inputSize: 96, cacheDir: dir });
    expect(Array.from(await again.embedPixels!(pixels, 2, 28, 28, 1))).toEqual(Array.from(expected));
    again.dispose();
    await writeFile(join(dir, 'onnx', files[0]), 'not a model');
    const repaired = await onnxEmbeddedBackbone('mobilenet_v2_nsfw', { inputSize: 96, cacheDir: dir });
    expect(Array.from(await repaired.embedPixels!(pixels, 2, 28, 28, 1))).toEqual(Array.from(expected));
    repaired.dispose();
  });

  it('looks in IMPRINT_MODEL_DIR first (models built into an image) and builds into the cache when it cannot be written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-onnx-model-dir-'));
    const pixels = mnistDigits(2);
    const previous = process.env.IMPRINT_MODEL_DIR;
    try {
      process.env.IMPRINT_MODEL_DIR = join(dir, 'models');
      const built = await onnxEmbeddedBackbone('mobilenet_v2_nsfw', { inputSize: 96, cacheDir: join(dir, 'build-cache') });
      const expected = await built.embedPixels!(pixels, 2, 28, 28, 1);
      built.dispose();
      expect(await readdir(join(dir, 'models'))).toHaveLength(1);
      const used = await onnxEmbeddedBackbone('mobilenet_v2_nsfw', { inputSize: 96, cacheDir: join(dir, 'run-cache') });
      expect(Array.from(await used.embedPixels!(pixels, 2, 28, 28, 1))).toEqual(Array.from(expected));
      used.dispose();
      await expect(readdir(join(dir, 'run-cache'))).rejects.toMatchObject({ code: 'ENOENT' }); // nothing built at run time
      await writeFile(join(dir, 'a-file'), '');
      process.env.IMPRINT_MODEL_DIR = join(dir, 'a-file', 'models'); // cannot be created
      const fallback = await onnxEmbeddedBackbone('mobilenet_v2_nsfw', { inputSize: 96, cacheDir: join(dir, 'run-cache') });
      expect(Array.from(await fallback.embedPixels!(pixels, 2, 28, 28, 1))).toEqual(Array.from(expected));
      fallback.dispose();
      expect(await readdir(join(dir, 'run-cache', 'onnx'))).toHaveLength(1);
    } finally {
      if (previous === undefined) delete process.env.IMPRINT_MODEL_DIR;
      else process.env.IMPRINT_MODEL_DIR = previous;
    }
  });

  it('rejects an unknown backbone and an input size out of range with typed errors', async () => {
    await expect(onnxEmbeddedBackbone('mobilenet_v3', { cacheDir })).rejects.toMatchObject({ code: 'UNKNOWN_PLUGIN' });
    await expect(onnxEmbeddedBackbone('mobilenet_v2_nsfw', { inputSize: 32, cacheDir })).rejects.toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringMatching(/from 96 to 224, got 32/) });
    await expect(onnxBackbones({ cacheDir }).load('pixels', 8)).resolves.toMatchObject({ name: 'pixels', dim: 64 });
  });
});
