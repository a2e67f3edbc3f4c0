import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectArraysClose } from '@imprint/core/testing';
import { GraphBuilder, onnxBackbones, onnxModel, onnxModelIdentity } from '../index.js';
import { mnistDigits } from './mnist-images.js';

const dir = await mkdtemp(join(tmpdir(), 'imprint-onnx-model-'));
const W = [0.5, -1, 2, 1, 1, 1, -2, 0.25, 0.75, 0, 3, -1]; // [4 out, 3 in]
const B = [0.1, -0.2, 0.3, 0];
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/** A tiny CNN: 1×1 convolution 3 → 4, ReLU; outputs the feature map, its global average and logits. */
function tinyModel(layout: 'NCHW' | 'NHWC', metadata: Record<string, string> = {}): Uint8Array {
  const graph = new GraphBuilder('tiny');
  let x = graph.input('pixels', 'float32', layout === 'NCHW' ? ['batch', 3, 8, 8] : ['batch', 8, 8, 3]);
  if (layout === 'NHWC') x = graph.op('Transpose', [x], { perm: [0, 3, 1, 2] });
  const map = graph.op('Relu', [graph.op('Conv', [x, graph.constant(W, [4, 3, 1, 1]), graph.constant(B, [4])], { kernel_shape: [1, 1] })]);
  graph.node('Identity', [map], {}, ['map']);
  const features = graph.op('Flatten', [graph.op('GlobalAveragePool', [map])], { axis: 1 });
  graph.node('Identity', [features], {}, ['features']);
  graph.node('Gemm', [features, graph.constant([1, 0, 0, 1, 0, 1, 1, 0], [2, 4])], { transB: 1 }, ['logits']);
  graph.output('logits', 'float32', ['batch', 2]);
  graph.output('features', 'float32', ['batch', 4]);
  graph.output('map', 'float32', ['batch', 4, 8, 8]);
  return graph.encode(metadata);
}

/** The features in plain JavaScript: grey 8 × 8 pixels (sampled with `stride` from a larger image), mean/std, conv, ReLU, average. */
function expectedFeatures(pixels: Uint8Array, count: number, side: number, stride: number): number[][] {
  return Array.from({ length: count }, (_, b) => {
    const sums = [0, 0, 0, 0];
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        const v = pixels[b * side * side + y * stride * side + x * stride] / 255;
        const input = [0, 1, 2].map((c) => (v - MEAN[c]) / STD[c]);
        for (let o = 0; o < 4; o++) sums[o] += Math.max(0, W[o * 3] * input[0] + W[o * 3 + 1] * input[1] + W[o * 3 + 2] * input[2] + B[o]);
      }
    }
    return sums.map((s) => s / 64);
  });
}

/** 8 × 8 or 16 × 16 grey crops of MNIST digits. */
function crops(count: number, side: number): Uint8Array {
  const digits = mnistDigits(count);
  const out = new Uint8Array(count * side * side);
  for (let b = 0; b < count; b++) for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) out[(b * side + y) * side + x] = digits[b * 784 + (y + 6) * 28 + x + 6];
  return out;
}

describe('onnxModel: any ONNX image model as a backbone', () => {
  it('embeds with the chosen output, mean/std and bilinear resizing (a model the test builds)', async () => {
    const path = join(dir, 'tiny.onnx');
    await writeFile(path, tinyModel('NCHW'));
    const backbone = await onnxModel(path, { output: 'features', mean: MEAN, std: STD });
    expect(backbone).toMatchObject({ kind: 'backbone', name: 'onnx:tiny.onnx', dim: 4, inputSize: [8, 8] });
    expectArraysClose(Array.from(await backbone.embedPixels!(crops(3, 8), 3, 8, 8, 1)), expectedFeatures(crops(3, 8), 3, 8, 1).flat(), 1e-5);
    // 16 × 16 → 8 × 8 with TensorFlow's sampling (asymmetric): exactly every other pixel
    expectArraysClose(Array.from(await backbone.embedPixels!(crops(2, 16), 2, 16, 16, 1)), expectedFeatures(crops(2, 16), 2, 16, 2).flat(), 1e-5);
    backbone.dispose();
  });

  it('pools a feature-map output, reads options from metadata_props or a .json beside the model, and takes NHWC models', async () => {
    const path = join(dir, 'tiny-nhwc.onnx');
    await writeFile(path, tinyModel('NHWC', { 'imprint.output': 'map', 'imprint.mean': JSON.stringify(MEAN) }));
    await writeFile(`${path}.json`, JSON.stringify({ std: STD }));
    const backbone = await onnxModel(path);
    expect(backbone.dim).toBe(4);
    expectArraysClose(Array.from(await backbone.embedPixels!(crops(2, 8), 2, 8, 8, 1)), expectedFeatures(crops(2, 8), 2, 8, 1).flat(), 1e-5);
    backbone.dispose();
  });

  it('fails with typed errors naming what exists', async () => {
    const path = join(dir, 'tiny-errors.onnx');
    await writeFile(path, tinyModel('NCHW'));
    await expect(onnxModel(path, { output: 'penultimate' })).rejects.toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringMatching(/no output "penultimate"; outputs: logits, features, map/) });
    await writeFile(join(dir, 'garbage.onnx'), 'not a model at all');
    await expect(onnxModel(join(dir, 'garbage.onnx'))).rejects.toMatchObject({ code: 'BAD_FILE' });
    await expect(onnxModel(join(dir, 'missing.onnx'))).rejects.toMatchObject({ code: 'BAD_FILE' });
    await expect(onnxModel(dir)).rejects.toMatchObject({ code: 'BAD_FILE', message: expect.stringMatching(/is a directory/) });
  });

  it('is reachable as onnx:PATH through the engine’s backbone loader, whose cache identity follows the file', async () => {
    const path = join(dir, 'tiny-loader.onnx');
    await writeFile(path, tinyModel('NCHW', { 'imprint.output': 'features' }));
    const loader = onnxBackbones();
    const before = loader.identity(`onnx:${path}`);
    expect(before).toBe(onnxModelIdentity(path));
    const backbone = await loader.load(`onnx:${path}`);
    expect(backbone.dim).toBe(4);
    backbone.dispose();
    await writeFile(`${path}.json`, JSON.stringify({ mean: MEAN }));
    expect(loader.identity(`onnx:${path}`)).not.toBe(before);
  });
});
