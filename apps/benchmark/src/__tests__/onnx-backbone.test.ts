import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '@imprint/onnx';
import { readEmbeddings } from '@imprint/eval';
import { cli } from './cli-helper.js';

/**
 * A small ONNX image model that the test builds: 28 × 28 RGB in, 4 × 4 average pooling, flattened
 * (147 features, "features") beside a "logits" output that must not be the one used.
 */
function pooledPixelsModel(): Uint8Array {
  const graph = new GraphBuilder('pooled-pixels');
  const x = graph.input('image', 'float32', ['batch', 3, 28, 28]);
  const pooled = graph.op('AveragePool', [x], { kernel_shape: [4, 4], strides: [4, 4] });
  graph.node('Flatten', [pooled], { axis: 1 }, ['features']);
  graph.node('ReduceMean', [pooled], { axes: [1, 2, 3], keepdims: 0 }, ['logits']);
  graph.output('logits', 'float32', ['batch']);
  graph.output('features', 'float32', ['batch', 147]);
  return graph.encode({ 'imprint.output': 'features', 'imprint.size': '28' });
}

let dir: string;
let model: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'imprint-onnx-cli-'));
  process.env.IMPRINT_CACHE_DIR = join(dir, 'cache');
  model = join(dir, 'pooled.onnx');
  await writeFile(model, pooledPixelsModel());
});
afterAll(() => {
  delete process.env.IMPRINT_CACHE_DIR;
});

describe('an ONNX model the test builds, through imprint-bench (onnx engine)', () => {
  it('embed --backbone onnx:PATH writes its features', async () => {
    const out = join(dir, 'test.h5');
    const { code, stderr } = await cli('--engine', 'onnx', 'embed', '--dataset', 'mnist', '--split', 'test', '--backbone', `onnx:${model}`, '--limit', '60', '--out', out);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/60 × 147/);
    const data = await readEmbeddings(out);
    expect(data.shape).toEqual([60, 147]);
    // Pixels scaled to [0, 1] then averaged: every feature lies in [0, 1] and the images differ.
    expect(Math.min(...data.embeddings)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...data.embeddings)).toBeLessThanOrEqual(1);
    expect(data.embeddings.subarray(0, 147)).not.toEqual(data.embeddings.subarray(147, 294));
  });

  it('a grid and table1 run on it', async () => {
    const grid = join(dir, 'grid.json');
    await writeFile(grid, JSON.stringify({ backbones: [`onnx:${model}`], datasets: ['mnist'], splits: ['all'], seeds: [0], trainLimit: 300, testLimit: 100, methods: ['imprintKmeans'] }));
    const run = await cli('--engine', 'onnx', 'grid', grid, '--out', join(dir, 'grid.jsonl'));
    expect(run.code, run.stderr).toBe(0);
    const [result] = (await readFile(join(dir, 'grid.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { accuracy: number; config: { backbone: string } });
    expect(result.config.backbone).toBe(`onnx:${model}`);
    expect(result.accuracy).toBeGreaterThan(0.5); // 4 × 4-pooled MNIST digits separate well above chance (0.1)

    const table = await cli('--engine', 'onnx', 'table1', '--backbones', `onnx:${model}`, '--seeds', '0', '--train-limit', '200', '--test-limit', '100', '--out', join(dir, 'table1'));
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/leastSquaresOracle\s+\d+\.\d\d/);
    expect(table.stdout).toContain(`onnx:${model} × mnist`);
    expect(await readFile(join(dir, 'table1', 'report.md'), 'utf8')).toContain(`onnx:${model} at its native size`);
  });

  it('onnx:PATH without the onnx engine fails with one typed line', async () => {
    const { code, stderr } = await cli('--engine', 'tfjs', 'table1', '--backbones', `onnx:${model}`, '--out', join(dir, 'no-engine'));
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/onnx engine/);
  });
});
