import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoTensorLeak } from '@imprint/core/testing';
import { onnxWebModel, type OrtWebLike, type OrtWebSession } from '../browser.js';

/** A stand-in for onnxruntime-web: one input, and an output that is the fed tensor itself (so the test sees the preprocessing) or its channel sums. */
function fakeOrt(inputShape: (number | string)[], outputs: Record<string, (data: Float32Array, dims: readonly number[]) => { data: Float32Array; dims: number[] }>): { ort: OrtWebLike; fed: { data: Float32Array; dims: readonly number[] }[] } {
  const fed: { data: Float32Array; dims: readonly number[] }[] = [];
  class Tensor {
    constructor(
      readonly type: string,
      readonly data: Float32Array,
      readonly dims: readonly number[],
    ) {}
  }
  const session: OrtWebSession = {
    inputNames: ['pixels'],
    outputNames: Object.keys(outputs),
    inputMetadata: [{ name: 'pixels', isTensor: true, shape: inputShape }],
    async run(feeds) {
      const t = feeds.pixels as Tensor;
      fed.push({ data: t.data, dims: t.dims });
      return Object.fromEntries(Object.entries(outputs).map(([name, f]) => [name, f(t.data, t.dims)]));
    },
    release: async () => undefined,
  };
  return { ort: { Tensor: Tensor as unknown as OrtWebLike['Tensor'], InferenceSession: { create: async () => session } }, fed };
}

describe('onnxWebModel (onnxruntime-web in the browser; here with a stand-in runtime)', () => {
  it('resizes, normalizes and lays out as onnxModel does, and averages a feature map (hand-computed)', async () => {
    const identity = (data: Float32Array, dims: readonly number[]) => ({ data: Float32Array.from(data), dims: [...dims] });
    const { ort, fed } = fakeOrt(['batch', 3, 2, 2], { map: identity });
    await expectNoTensorLeak(async () => {
      const backbone = await onnxWebModel(new Uint8Array([1]), ort, { mean: [0.5, 0, 0], std: [0.5, 1, 2], executionProviders: ['wasm'] });
      expect(backbone).toMatchObject({ kind: 'backbone', dim: 3, inputSize: [2, 2], name: 'onnx:model' });
      // one 2 × 2 RGB image: channel c of pixel p is (p + 1) / 10 · (c + 1)
      const values = Array.from({ length: 12 }, (_, i) => ((Math.floor(i / 3) + 1) / 10) * ((i % 3) + 1));
      const images = tf.tensor4d(values, [1, 2, 2, 3]);
      const out = await backbone.embed(images);
      images.dispose();
      // fed NCHW, (x − mean) / std
      const last = fed[fed.length - 1]!;
      expect(last.dims).toEqual([1, 3, 2, 2]);
      expect(Array.from(last.data).map((v) => Number(v.toFixed(6)))).toEqual([-0.8, -0.6, -0.4, -0.2, 0.2, 0.4, 0.6, 0.8, 0.15, 0.3, 0.45, 0.6]);
      // the [1, 3, 2, 2] "feature map" averaged per channel
      expect(Array.from(out.dataSync()).map((v) => Number(v.toFixed(6)))).toEqual([-0.5, 0.5, 0.375]);
      out.dispose();
      backbone.dispose();
    });
  });

  it('an NHWC input (3 last) is fed NHWC; a 2-d output is the embedding; bad options fail typed', async () => {
    const sums = (data: Float32Array, dims: readonly number[]) => {
      const [b, h, w, c] = dims as [number, number, number, number];
      const out = new Float32Array(b * c);
      for (let i = 0; i < b * h * w; i++) for (let ch = 0; ch < c; ch++) out[Math.floor(i / (h * w)) * c + ch] += data[i * c + ch]!;
      return { data: out, dims: [b, c] };
    };
    const { ort, fed } = fakeOrt(['batch', 4, 4, 3], { features: sums });
    const backbone = await onnxWebModel(new Uint8Array([1]), ort, { executionProviders: ['wasm'] });
    expect(backbone.inputSize).toEqual([4, 4]);
    const images = tf.ones([2, 8, 8, 3]) as tf.Tensor4D;
    const out = await backbone.embed(images);
    expect(fed[fed.length - 1]!.dims).toEqual([2, 4, 4, 3]); // resized 8 → 4, NHWC kept
    expect(Array.from(out.dataSync())).toEqual([16, 16, 16, 16, 16, 16]);
    [images, out].forEach((t) => t.dispose());
    backbone.dispose();
    await expect(onnxWebModel(new Uint8Array([1]), ort, { std: [1, 0, 1] })).rejects.toThrow(/std must be three finite numbers, none 0/);
    await expect(onnxWebModel(new Uint8Array([1]), ort, { output: 'logits' })).rejects.toThrow(/has no output "logits"; its outputs: features/);
    await expect(onnxWebModel(new Uint8Array(), ort)).rejects.toThrow(/bytes of an \.onnx model/);
  });
});
