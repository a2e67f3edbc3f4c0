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

/** A model around the tiny CNN's features with its input and output changed as `shape` says. */
function contractModel(shape: { inputType?: 'float32' | 'int64'; inputDims?: (number | string)[]; extraInput?: boolean; output: (graph: GraphBuilder, features: string) => { name: string; type: 'float32' | 'int64'; dims: (number | string)[] } }): Uint8Array {
  const graph = new GraphBuilder('contract');
  let x = graph.input('pixels', shape.inputType ?? 'float32', shape.inputDims ?? ['batch', 3, 8, 8]);
  if (shape.inputType === 'int64') x = graph.op('Cast', [x], { to: 1 });
  if (shape.extraInput) graph.input('mask', 'float32', ['batch', 8, 8]);
  const map = graph.op('Relu', [graph.op('Conv', [x, graph.constant(W, [4, 3, 1, 1]), graph.constant(B, [4])], { kernel_shape: [1, 1] })]);
  const features = graph.op('Flatten', [graph.op('GlobalAveragePool', [map])], { axis: 1 });
  const out = shape.output(graph, features);
  graph.output(out.name, out.type, out.dims);
  return graph.encode();
}

const featuresOut = (graph: GraphBuilder, features: string) => {
  graph.node('Identity', [features], {}, ['features']);
  return { name: 'features', type: 'float32' as const, dims: ['batch', 4] };
};

describe('onnxModel checks the model it is given (one line, never rows left zero or scrambled)', () => {
  const write = async (name: string, bytes: Uint8Array) => {
    const path = join(dir, name);
    await writeFile(path, bytes);
    return path;
  };
  const refused = (path: string, message: RegExp, options = {}) => expect(onnxModel(path, options)).rejects.toMatchObject({ code: 'BAD_FILE', message: expect.stringMatching(message) });

  it('refuses two inputs, an int64 input, a non-image input and an integer output, saying what to export', async () => {
    await refused(await write('two-inputs.onnx', contractModel({ extraInput: true, output: featuresOut })), /has 2 inputs \(pixels \[batch, 3, 8, 8\], mask \[batch, 8, 8\]\); an image model for onnxModel takes one image tensor/);
    await refused(await write('int64-input.onnx', contractModel({ inputType: 'int64', output: featuresOut })), /input pixels is int64; onnxModel feeds float32 images/);
    await refused(await write('four-channels.onnx', contractModel({ inputDims: ['batch', 4, 8, 8], output: featuresOut })), /has 4 channels in its NCHW channel position; onnxModel feeds RGB images/);
    await refused(await write('huge-input.onnx', contractModel({ inputDims: ['batch', 3, 100000, 100000], output: featuresOut })), /is fixed at 100000 × 100000 pixels; onnxModel embeds at most 4096 × 4096/);
    const argmax = (graph: GraphBuilder, features: string) => {
      graph.node('ArgMax', [features], { axis: 1, keepdims: 0 }, ['class']);
      return { name: 'class', type: 'int64' as const, dims: ['batch'] };
    };
    await refused(await write('int64-output.onnx', contractModel({ output: argmax })), /output class is int64, not features/);
  });

  it('refuses an output whose first dimension is not the batch, one that ignores the image, and one that mixes the images of a batch', async () => {
    const transposed = (graph: GraphBuilder, features: string) => {
      graph.node('Transpose', [features], { perm: [1, 0] }, ['features_t']);
      return { name: 'features_t', type: 'float32' as const, dims: [4, 'batch'] };
    };
    await refused(await write('transposed.onnx', contractModel({ output: transposed })), /output features_t has shape \[4, 2\] for a batch of 2 images; its first dimension must be the batch/);
    const constant = (graph: GraphBuilder, features: string) => {
      graph.node('Add', [graph.op('Mul', [features, graph.constant([0], [])]), graph.constant([1, 2, 3, 4], [1, 4])], {}, ['bias']);
      return { name: 'bias', type: 'float32' as const, dims: ['batch', 4] };
    };
    await refused(await write('constant.onnx', contractModel({ output: constant })), /output bias is the same for a blank image and a patterned one: it does not depend on the image/);
    const centred = (graph: GraphBuilder, features: string) => {
      graph.node('Sub', [features, graph.op('ReduceMean', [features], { axes: [0], keepdims: 1 })], {}, ['centred']);
      return { name: 'centred', type: 'float32' as const, dims: ['batch', 4] };
    };
    await refused(await write('batch-mixing.onnx', contractModel({ output: centred })), /output centred for an image changes with the other images of its batch/);
  });

  it('runs a model exported with a fixed batch of 1 one image at a time, with the same embeddings as a dynamic batch', async () => {
    const fixed = await onnxModel(await write('batch-one.onnx', contractModel({ inputDims: [1, 3, 8, 8], output: featuresOut })), { mean: MEAN, std: STD });
    const dynamic = await onnxModel(await write('batch-any.onnx', contractModel({ output: featuresOut })), { mean: MEAN, std: STD });
    const images = crops(5, 8);
    const expected = expectedFeatures(images, 5, 8, 1).flat();
    expectArraysClose(Array.from(await fixed.embedPixels!(images, 5, 8, 8, 1)), expected, 1e-5);
    expectArraysClose(Array.from(await dynamic.embedPixels!(images, 5, 8, 8, 1)), expected, 1e-5);
    fixed.dispose();
    dynamic.dispose();
  });

  it('validates options from <model>.onnx.json, the metadata and the caller, naming where a bad value came from', async () => {
    const path = await write('sidecar.onnx', contractModel({ output: featuresOut }));
    for (const [sidecar, message] of [
      [{ mean: 'abc' }, /sidecar\.onnx\.json: mean must be three finite numbers, one per channel/],
      [{ std: [1e-50, 1, 1] }, /sidecar\.onnx\.json: std must be three numbers from 1e-6 to 1000/],
      [{ layout: 'CHWN' }, /sidecar\.onnx\.json: layout must be one of NCHW, NHWC, got "CHWN"/],
      [{ meen: [0.5, 0.5, 0.5] }, /sidecar\.onnx\.json: unknown option "meen" \(did you mean "mean"\?\)/],
      [[1, 2, 3], /sidecar\.onnx\.json must hold an object of onnxModel options/],
    ] as const) {
      await writeFile(`${path}.json`, JSON.stringify(sidecar));
      await expect(onnxModel(path)).rejects.toMatchObject({ code: 'BAD_FILE', message: expect.stringMatching(message), details: { path: `${path}.json` } });
    }
    await writeFile(`${path}.json`, '{}');
    await expect(onnxModel(path, { size: 0 })).rejects.toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringMatching(/onnxModel options: size must be an integer from 1 to 4096/) });
    await expect(onnxModel(path, { size: 16 })).rejects.toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringMatching(/input pixels is fixed at 8 × 8 pixels, size 16 was asked/) });
    const metadata = join(dir, 'bad-metadata.onnx');
    await writeFile(metadata, tinyModel('NCHW', { 'imprint.std': '[0, 0, 0]' }));
    await expect(onnxModel(metadata, { output: 'features' })).rejects.toMatchObject({ code: 'BAD_FILE', message: expect.stringMatching(/bad-metadata\.onnx metadata_props \(imprint\.\*\): std must be/) });
  });
});
