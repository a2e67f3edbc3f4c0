import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Imprinter } from '@imprint/core';
import { expectArraysClose, expectNoTensorLeak } from '@imprint/core/testing';
import { onnxEngine } from '@imprint/onnx';
import { createStandardRegistry, evaluateConfig } from '../index.js';
import { parity, parityCase, toSet } from './parity-fixture.js';

// The same suite on both engines: tf.js alone, and the native onnx engine (which must predict
// exactly what tf.js predicts on these cases).
// With SwiftShader (set up by the vitest config, tools/software-gpu.mts) the onnx engine on WebGPU
// too, every call on the device: the same proxies, scores and predictions.
const webgpu = process.env.IMPRINT_TEST_WEBGPU === '1';
if (!webgpu) process.stderr.write(`parity on webgpu SKIPPED: ${process.env.IMPRINT_TEST_WEBGPU ?? 'no SwiftShader set up'}\n`);
const ENGINES = [
  { name: 'tf.js', registry: () => createStandardRegistry() },
  { name: 'onnx engine', registry: () => createStandardRegistry().setEngine(onnx) },
  ...(webgpu ? [{ name: 'onnx engine on webgpu', registry: () => createStandardRegistry().setEngine(onnxOnDevice()) }] : []),
];
const onnx = onnxEngine();
let device: ReturnType<typeof onnxEngine> | undefined;
const onnxOnDevice = () => (device ??= onnxEngine({ device: 'webgpu', placement: 'device' }));

// Every case of parity.json must reproduce the reference: stored proxies within 1e-5, scores
// within 1e-5 where given, predictions exactly. All twelve are deterministic (k_exceeds_n uses
// k-means with k above every class size, which stores all samples).
const CASES = parity.cases.map((c) => c.config.name);

it('covers the twelve reference cases', () => {
  expect(CASES).toHaveLength(12);
});

describe.each(ENGINES.flatMap((engine) => CASES.map((name) => [engine.name, name, engine.registry] as const)))('parity with the reference semantics (%s): %s', (_engine, name, makeRegistry) => {
  const testCase = parityCase(name);

  it('reproduces the stored proxies, scores and predictions', async () => {
    const registry = makeRegistry();
    await expectNoTensorLeak(async () => {
      const head = Imprinter.fromConfig(testCase.config, registry);
      await head.imprint(parity.train.embeddings, parity.train.labels);
      expect(head.classes).toEqual([0, 1, 2, 3]);
      testCase.proxies.forEach((expected, c) => {
        const proxies = head.proxiesOf(c);
        expectArraysClose(proxies.arraySync(), expected, 1e-5, `class ${c} proxies`);
        proxies.dispose();
      });
      if (testCase.scores !== undefined) {
        const scores = head.scores(parity.test.embeddings);
        expectArraysClose(scores.arraySync(), testCase.scores, 1e-5, 'scores');
        scores.dispose();
      }
      expect(Array.from(head.predictIndices(parity.test.embeddings))).toEqual(testCase.predictions);
      head.dispose();
    });
  });

  it('gives the reference accuracy through evaluateConfig', async () => {
    const before = tf.memory().numTensors;
    const result = await evaluateConfig(toSet(parity.train), toSet(parity.test), testCase.config, makeRegistry());
    expect(result.accuracy).toBeCloseTo(testCase.accuracy, 10);
    expect(result.config.name).toBe(name);
    expect(tf.memory().numTensors).toBe(before);
  });
});
