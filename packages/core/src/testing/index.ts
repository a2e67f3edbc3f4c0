/**
 * Conformance suites and assertions for plugin packages: every generator, normalizer and
 * aggregator runs the same contract tests, on whatever tfjs backend the test setup selected.
 *
 * @example
 * import { describeNormalizerContract } from '@imprint/core/testing';
 * describeNormalizerContract('l2', () => l2());
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Aggregator } from '../aggregator.js';
import type { Backbone } from '../backbone.js';
import type { Generator } from '../generator.js';
import type { Normalizer } from '../normalizer.js';
import { createRng } from '../rng.js';

/** Assert two numeric arrays (or nested arrays) have the same shape and agree within `tolerance`. */
export function expectArraysClose(actual: unknown, expected: unknown, tolerance = 1e-5, path = 'value'): void {
  if (typeof expected === 'number') {
    expect(typeof actual, `${path} should be a number`).toBe('number');
    const a = actual as number;
    if (!(Math.abs(a - expected) <= tolerance)) {
      throw new Error(`${path}: expected ${expected} ± ${tolerance}, got ${a} (difference ${Math.abs(a - expected)})`);
    }
    return;
  }
  const exp = ArrayBuffer.isView(expected) ? Array.from(expected as unknown as ArrayLike<number>) : (expected as unknown[]);
  const act = ArrayBuffer.isView(actual) ? Array.from(actual as unknown as ArrayLike<number>) : (actual as unknown[]);
  expect(Array.isArray(act), `${path} should be an array`).toBe(true);
  expect(act.length, `${path} length`).toBe(exp.length);
  exp.forEach((e, i) => expectArraysClose(act[i], e, tolerance, `${path}[${i}]`));
}

/** Run `body` and assert it leaves `tf.memory().numTensors` where it started. */
export async function expectNoTensorLeak(body: () => unknown | Promise<unknown>): Promise<void> {
  const before = tf.memory().numTensors;
  await body();
  expect(tf.memory().numTensors, 'tensors left allocated').toBe(before);
}

/** Deterministic test embeddings: `classes` clusters of `perClass` rows in `dim` dimensions. */
export function syntheticClasses(classes: number, perClass: number, dim: number, seed = 1): { data: Float32Array; labels: number[]; dim: number } {
  const rng = createRng(seed);
  const centers = Array.from({ length: classes }, () => Array.from({ length: dim }, () => rng.normal() * 3));
  const data = new Float32Array(classes * perClass * dim);
  const labels: number[] = [];
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < perClass; i++) {
      const row = c * perClass + i;
      for (let j = 0; j < dim; j++) data[row * dim + j] = centers[c][j] + rng.normal();
      labels.push(c);
    }
  }
  return { data, labels, dim };
}

function classTensor(rows: number, dim: number, seed: number): tf.Tensor2D {
  const { data } = syntheticClasses(1, rows, dim, seed);
  return tf.tensor2d(data, [rows, dim]);
}

/** Contract every generator must satisfy. `make` builds the plugin for a given k. */
export function describeGeneratorContract(label: string, make: (k: number) => Generator): void {
  describe(`generator contract: ${label}`, () => {
    it('has kind, name and scope', () => {
      const generator = make(3);
      expect(generator.kind).toBe('generator');
      expect(typeof generator.name).toBe('string');
      expect(generator.name.length).toBeGreaterThan(0);
      expect(['class', 'joint']).toContain(generator.scope);
    });

    it('returns finite proxies of the embedding dimension, leaves its input intact and leaks nothing', async () => {
      const generator = make(3);
      const classes = [classTensor(12, 5, 1), classTensor(9, 5, 2)];
      const snapshot = classes.map((t) => t.arraySync());
      await expectNoTensorLeak(async () => {
        const outputs =
          generator.scope === 'class'
            ? await Promise.all(classes.map((x, i) => generator.generate(x, { k: 3, rng: createRng(i) })))
            : await generator.generate(classes, { k: 3, rng: createRng(0) });
        expect(outputs).toHaveLength(classes.length);
        for (const proxies of outputs) {
          expect(proxies.rank).toBe(2);
          expect(proxies.shape[1]).toBe(5);
          expect(proxies.shape[0]).toBeGreaterThanOrEqual(1);
          for (const v of proxies.dataSync()) expect(Number.isFinite(v)).toBe(true);
          proxies.dispose();
        }
      });
      classes.forEach((t, i) => expect(t.arraySync()).toEqual(snapshot[i]));
      classes.forEach((t) => t.dispose());
    });

    it('is reproducible from the seed', async () => {
      const generator = make(3);
      const x = classTensor(15, 4, 3);
      const run = async () => {
        const out = generator.scope === 'class' ? [await generator.generate(x, { k: 3, rng: createRng(7) })] : await generator.generate([x, x], { k: 3, rng: createRng(7) });
        const values = out.map((t) => t.arraySync());
        out.forEach((t) => t.dispose());
        return values;
      };
      expect(await run()).toEqual(await run());
      x.dispose();
    });
  });
}

/** Contract every normalizer must satisfy. */
export function describeNormalizerContract(label: string, make: () => Normalizer): void {
  describe(`normalizer contract: ${label}`, () => {
    it('has kind, name and at least one stage', () => {
      const normalizer = make();
      expect(normalizer.kind).toBe('normalizer');
      expect(normalizer.name.length).toBeGreaterThan(0);
      expect(normalizer.stages.length).toBeGreaterThan(0);
      for (const stage of normalizer.stages) expect(['pre', 'post', 'inf']).toContain(stage);
    });

    it('keeps the shape, returns a new finite tensor, leaves its input intact and leaks nothing', async () => {
      const normalizer = make();
      const x = classTensor(6, 7, 4);
      const reference = classTensor(5, 7, 5);
      const before = x.arraySync();
      await expectNoTensorLeak(() => {
        for (const context of [{}, { reference }]) {
          const y = normalizer.normalize(x, context);
          expect(y).not.toBe(x);
          expect(y.shape).toEqual(x.shape);
          for (const v of y.dataSync()) expect(Number.isFinite(v)).toBe(true);
          y.dispose();
        }
      });
      expect(x.arraySync()).toEqual(before);
      x.dispose();
      reference.dispose();
    });
  });
}

/** Contract every aggregator must satisfy. */
export function describeAggregatorContract(label: string, make: () => Aggregator): void {
  describe(`aggregator contract: ${label}`, () => {
    it('has kind and name', () => {
      const aggregator = make();
      expect(aggregator.kind).toBe('aggregator');
      expect(aggregator.name.length).toBeGreaterThan(0);
    });

    it('scores [n, C], ranks each well-separated query with its own class, and leaks nothing', async () => {
      const aggregator = make();
      const dim = 6;
      // Three classes with two proxies each, on separate axes; queries lie next to a proxy.
      const proxyRows: number[][] = [];
      for (let c = 0; c < 3; c++) {
        for (let p = 0; p < 2; p++) {
          const row = new Array(dim).fill(0);
          row[c * 2 + p] = 1;
          proxyRows.push(row);
        }
      }
      const weights = tf.tensor2d(proxyRows);
      const queries = tf.tensor2d(proxyRows.map((r) => r.map((v) => v * 0.9 + 0.01)));
      const proxies = { weights, classOffsets: Int32Array.from([0, 2, 4, 6]), numClasses: 3 };
      await expectNoTensorLeak(() => {
        const scores = aggregator.scores(queries, proxies);
        expect(scores.shape).toEqual([6, 3]);
        const best = tf.argMax(scores, 1);
        expect(Array.from(best.dataSync())).toEqual([0, 0, 1, 1, 2, 2]);
        best.dispose();
        scores.dispose();
      });
      weights.dispose();
      queries.dispose();
    });
  });
}

/** Contract every backbone must satisfy: `[b, dim]` finite embeddings of images in [0, 1], no leaks. */
export function describeBackboneContract(label: string, make: () => Backbone | Promise<Backbone>): void {
  describe(`backbone contract: ${label}`, () => {
    it('has kind, name, dim and input size, and embeds a batch to [b, dim] without leaking', async () => {
      const backbone = await make();
      expect(backbone.kind).toBe('backbone');
      expect(backbone.name.length).toBeGreaterThan(0);
      expect(Number.isInteger(backbone.dim) && backbone.dim > 0).toBe(true);
      expect(backbone.inputSize).toHaveLength(2);
      const images = tf.randomUniform([2, 28, 28, 1]) as tf.Tensor4D;
      await expectNoTensorLeak(async () => {
        const out = await backbone.embed(images);
        expect(out.shape).toEqual([2, backbone.dim]);
        for (const v of out.dataSync()) expect(Number.isFinite(v)).toBe(true);
        out.dispose();
      });
      images.dispose();
      backbone.dispose();
    });
  });
}
