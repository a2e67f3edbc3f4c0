import * as tf from '@tensorflow/tfjs-core';
import * as tfconv from '@tensorflow/tfjs-converter';
import { describe, expect, it } from 'vitest';
import { createRng, ImprintError } from '@imprint/core';
import { expectArraysClose, expectNoTensorLeak } from '@imprint/core/testing';
import { MOBILENET_V2_140_FEATURE_VECTOR, loadEmbeddedBackbone, nsfwjsModelArtifacts, toModelInput } from '../index.js';

function digits(count: number, size = 28, seed = 1): tf.Tensor4D {
  const rng = createRng(seed);
  return tf.tensor4d(Float32Array.from({ length: count * size * size }, () => (rng.next() < 0.2 ? rng.next() : 0)), [count, size, size, 1]);
}

describe('embedded foundation models (offline, from the nsfwjs package)', () => {
  it('mobilenet_v2_140: 1792-d, deterministic, batch equals one by one', async () => {
    const backbone = await loadEmbeddedBackbone('mobilenet_v2_140', { inputSize: 96 });
    expect(backbone.dim).toBe(1792);
    expect(backbone.inputSize).toEqual([96, 96]);
    const images = digits(3);
    await expectNoTensorLeak(async () => {
      const batch = await backbone.embed(images);
      expect(batch.shape).toEqual([3, 1792]);
      const again = await backbone.embed(images);
      expect(again.arraySync()).toEqual(batch.arraySync());
      for (let i = 0; i < 3; i++) {
        const one = tf.slice(images, [i, 0, 0, 0], [1, -1, -1, -1]);
        const single = await backbone.embed(one);
        expectArraysClose(single.arraySync()[0], batch.arraySync()[i], 1e-4);
        [one, single].forEach((t) => t.dispose());
      }
      [batch, again].forEach((t) => t.dispose());
    });
    images.dispose();
    backbone.dispose();
  });

  it('mobilenet_v2_140 at 224: global pooling of the last feature map equals the hub feature vector', async () => {
    const backbone = await loadEmbeddedBackbone('mobilenet_v2_140');
    const reference = await tfconv.loadGraphModel(tf.io.fromMemory(nsfwjsModelArtifacts('mobilenet_v2_mid')));
    const images = digits(2);
    const ours = await backbone.embed(images);
    const input = toModelInput(images, 224);
    const theirs = reference.execute(input, MOBILENET_V2_140_FEATURE_VECTOR) as tf.Tensor2D;
    expectArraysClose(ours.arraySync(), theirs.arraySync(), 1e-4);
    [images, ours, input, theirs].forEach((t) => t.dispose());
    reference.dispose();
    backbone.dispose();
  });

  it('mobilenet_v2_nsfw gives 1280-d pooled features at any supported input size', async () => {
    const backbone = await loadEmbeddedBackbone('mobilenet_v2_nsfw', { inputSize: 96 });
    const images = digits(2);
    const out = await backbone.embed(images);
    expect(out.shape).toEqual([2, 1280]);
    for (const v of out.dataSync()) expect(Number.isFinite(v)).toBe(true);
    [images, out].forEach((t) => t.dispose());
    backbone.dispose();
  });

  it('inception_v3_nsfw gives 2048-d pooled features', async () => {
    const backbone = await loadEmbeddedBackbone('inception_v3_nsfw', { inputSize: 139 });
    expect(backbone.dim).toBe(2048);
    const images = digits(1);
    const out = await backbone.embed(images);
    expect(out.shape).toEqual([1, 2048]);
    [images, out].forEach((t) => t.dispose());
    backbone.dispose();
  });

  it('rejects unsupported input sizes and unknown names', async () => {
    await expect(loadEmbeddedBackbone('mobilenet_v2_140', { inputSize: 500 })).rejects.toThrow(/input size for mobilenet_v2_140 must be an integer from 64 to 224, got 500/);
    await expect(loadEmbeddedBackbone('resnet' as never)).rejects.toThrow(/unknown backbone "resnet"; embedded backbones: mobilenet_v2_140, mobilenet_v2_nsfw, inception_v3_nsfw/);
  });
});

describe('toModelInput', () => {
  it('repeats grayscale to RGB, resizes and maps [0, 1] to the model range', () => {
    const gray = tf.tensor4d([0, 1, 1, 0], [1, 2, 2, 1]);
    const out = toModelInput(gray, 2, [-1, 1]);
    expect(out.shape).toEqual([1, 2, 2, 3]);
    expect(out.arraySync()[0][0][1]).toEqual([1, 1, 1]);
    expect(out.arraySync()[0][0][0]).toEqual([-1, -1, -1]);
    [gray, out].forEach((t) => t.dispose());
  });

  it.each([
    [[2, 4, 4], /images must be a batch \[b, h, w, c\], got shape \[2, 4, 4\]/],
    [[1, 4, 4, 2], /images must have 1 \(grayscale\) or 3 \(RGB\) channels, got 2/],
    [[0, 4, 4, 1], /images must not be empty/],
  ])('rejects shape %j', (shape, message) => {
    const bad = tf.zeros(shape as number[]);
    expect(() => toModelInput(bad as tf.Tensor4D, 8)).toThrow(ImprintError);
    expect(() => toModelInput(bad as tf.Tensor4D, 8)).toThrow(message);
    bad.dispose();
  });
});
