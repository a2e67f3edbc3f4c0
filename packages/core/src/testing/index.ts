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
import type { Aggregator } from '../contracts/aggregator.js';
import type { Backbone } from '../contracts/backbone.js';
import type { Generator } from '../contracts/generator.js';
import { matMulTransposed64Js } from '../compute/host-products.js';
import type { Engine, Kernels, NearestMetric } from '../contracts/kernels.js';
import { choleskyFactor } from '../compute/linalg.js';
import type { Normalizer } from '../contracts/normalizer.js';
import { createRng } from '../util/rng.js';

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

/** Contract every generator must satisfy. `make` builds the plugin for a given k; `kernels`: an engine's, passed in the context. */
export function describeGeneratorContract(label: string, make: (k: number) => Generator, kernels?: Kernels): void {
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
            ? await Promise.all(classes.map((x, i) => generator.generate(x, { k: 3, rng: createRng(i), ...(kernels === undefined ? {} : { kernels }) })))
            : await generator.generate(classes, { k: 3, rng: createRng(0), ...(kernels === undefined ? {} : { kernels }) });
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
        const context = { k: 3, rng: createRng(7), ...(kernels === undefined ? {} : { kernels }) };
        const out = generator.scope === 'class' ? [await generator.generate(x, context)] : await generator.generate([x, x], { ...context, rng: createRng(7) });
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

/** Contract every aggregator must satisfy (`kernels`: an engine's, passed in the context). */
export function describeAggregatorContract(label: string, make: () => Aggregator, kernels?: Kernels): void {
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
        const scores = aggregator.scores(queries, proxies, kernels === undefined ? undefined : { kernels });
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

function randomHost(rows: number, dim: number, seed: number): { values: Float32Array; rows: number; dim: number } {
  const rng = createRng(seed);
  return { values: Float32Array.from({ length: rows * dim }, () => rng.normal()), rows, dim };
}

/** Plain-JS float64 `a · bᵀ` of float32 inputs. */
function referenceProduct(a: { values: Float32Array; rows: number; dim: number }, b: { values: Float32Array; rows: number; dim: number }): Float64Array {
  return matMulTransposed64Js({ values: Float64Array.from(a.values), rows: a.rows, dim: a.dim }, { values: Float64Array.from(b.values), rows: b.rows, dim: b.dim });
}

function expectRelativeClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  let scale = 1e-30;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tolerance * scale)) throw new Error(`${what}[${i}]: expected ${expected[i]}, got ${actual[i]} (tolerance ${tolerance} × ${scale})`);
  }
}

/** Float64 brute-force nearest neighbours with the kernel's semantics (ties to the lower index). */
function referenceNearest(queries: { values: Float32Array; rows: number; dim: number }, targets: { values: Float32Array; rows: number; dim: number }, m: number, metric: NearestMetric): { indices: number[][]; distances: number[][] } {
  const { dim } = queries;
  const row = (x: { values: Float32Array }, i: number) => Array.from(x.values.subarray(i * dim, (i + 1) * dim));
  const unit = (v: number[]) => {
    const norm = Math.max(Math.hypot(...v), 1e-12);
    return v.map((x) => x / norm);
  };
  const indices: number[][] = [];
  const distances: number[][] = [];
  for (let q = 0; q < queries.rows; q++) {
    const a = row(queries, q);
    const all = Array.from({ length: targets.rows }, (_, t) => {
      const b = row(targets, t);
      const d = metric === 'cosine' ? 1 - unit(a).reduce((s, x, j) => s + x * unit(b)[j], 0) : Math.sqrt(a.reduce((s, x, j) => s + (x - b[j]) ** 2, 0));
      return [d, t] as const;
    }).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const top = all.slice(0, Math.min(m, targets.rows));
    indices.push(top.map(([, t]) => t));
    distances.push(top.map(([d]) => d));
  }
  return { indices, distances };
}

/**
 * The neighbour order of `indices` equals the reference's wherever the reference's distances are
 * separated by more than float32 rounding (closer neighbours may come in either order).
 */
function expectSameNeighbours(indices: Int32Array, m: number, expected: { indices: number[][]; distances: number[][] }, what: string): void {
  expected.indices.forEach((row, q) => {
    const d = expected.distances[q];
    for (let j = 0; j < row.length; j++) {
      const gap = Math.min(Math.abs(d[j] - (d[j - 1] ?? -Infinity)), Math.abs((d[j + 1] ?? Infinity) - d[j]));
      if (gap > 1e-4) expect(indices[q * m + j], `${what}: query ${q} neighbour ${j}`).toBe(row[j]);
    }
  });
}

/**
 * Contract of a compute engine: every kernel it provides computes what `@imprint/core` says, on
 * the shapes that break naive implementations (one row, empty inputs, sizes that are not
 * multiples of a tile, ties, m above the number of targets), against plain-JavaScript float64
 * references. Run it in the engine's package: `describeEngineContract('onnx', () => onnxEngine())`.
 */
export function describeEngineContract(label: string, make: () => Engine): void {
  describe(`engine contract: ${label}`, () => {
    it('has kind, name and kernels', () => {
      const engine = make();
      expect(engine.kind).toBe('engine');
      expect(engine.name.length).toBeGreaterThan(0);
      expect(typeof engine.kernels).toBe('object');
      engine.dispose?.();
    });

    it('matMulTransposed: a · bᵀ within float32 rounding, on awkward shapes', () => {
      const engine = make();
      const kernel = engine.kernels.matMulTransposed;
      if (kernel !== undefined) {
        for (const [n, m, d, seed] of [[1, 1, 1, 1], [7, 3, 5, 2], [257, 65, 33, 3], [3, 1000, 130, 4]] as const) {
          const a = randomHost(n, d, seed);
          const b = randomHost(m, d, seed + 10);
          const out = kernel(a, b);
          if (out !== undefined) expectRelativeClose(out, referenceProduct(a, b), 1e-5, `[${n}×${d}]·[${m}×${d}]ᵀ`);
        }
        const empty = kernel(randomHost(0, 4, 1), randomHost(3, 4, 2));
        if (empty !== undefined) expect(empty.length).toBe(0);
      }
      engine.dispose?.();
    });

    it('matMulTransposed64: a · bᵀ in float64', () => {
      const engine = make();
      const kernel = engine.kernels.matMulTransposed64;
      if (kernel !== undefined) {
        for (const [n, m, d, seed] of [[1, 1, 1, 5], [97, 41, 96, 6]] as const) {
          const a = randomHost(n, d, seed);
          const b = randomHost(m, d, seed + 1);
          const a64 = { values: Float64Array.from(a.values, (v) => v / 3), rows: n, dim: d };
          const b64 = { values: Float64Array.from(b.values, (v) => v / 7), rows: m, dim: d };
          const out = kernel(a64, b64);
          if (out !== undefined) expectRelativeClose(out, matMulTransposed64Js(a64, b64), 1e-12, 'float64 product');
        }
      }
      engine.dispose?.();
    });

    it('matMulTransposed64: strided operands (the first dim columns of wider rows)', () => {
      const engine = make();
      const kernel = engine.kernels.matMulTransposed64;
      if (kernel !== undefined) {
        const wide = randomHost(50, 31, 15);
        const values = Float64Array.from(wide.values, (v) => v / 5);
        // rows 3… of a 50 × 31 matrix, first 17 columns, times rows 3…10 of it — as the Cholesky update reads them
        const a = { values: values.subarray(3 * 31), rows: 47, dim: 17, stride: 31 };
        const b = { values: values.subarray(3 * 31, 11 * 31), rows: 8, dim: 17, stride: 31 };
        const dense = (m: { values: Float64Array; rows: number; dim: number; stride: number }) => ({ values: Float64Array.from({ length: m.rows * m.dim }, (_, i) => m.values[Math.floor(i / m.dim) * m.stride + (i % m.dim)]), rows: m.rows, dim: m.dim });
        const expected = matMulTransposed64Js(dense(a), dense(b));
        const out = kernel(a, b);
        if (out !== undefined) expectRelativeClose(out, expected, 1e-12, 'strided float64 product');
        // a view that ends inside its last row (the buffer does not hold whole rows)
        const short = { values: values.subarray(0, 9 * 31 + 17), rows: 10, dim: 17, stride: 31 };
        const fromShort = kernel(short, b);
        if (fromShort !== undefined) expectRelativeClose(fromShort, matMulTransposed64Js(dense(short), dense(b)), 1e-12, 'product of a short strided view');
      }
      engine.dispose?.();
    });

    it('rowSquaredNorms: Σx² per row; a NaN or ±Infinity makes the row non-finite', () => {
      const engine = make();
      const kernel = engine.kernels.rowSquaredNorms;
      if (kernel !== undefined) {
        const x = randomHost(300, 37, 16);
        const out = kernel(x);
        if (out !== undefined) {
          const expected = Array.from({ length: 300 }, (_, r) => x.values.subarray(r * 37, (r + 1) * 37).reduce((s, v) => s + v * v, 0));
          expectRelativeClose(out, expected, 1e-5, 'squared norms');
        }
        const poisoned = randomHost(6, 37, 17);
        poisoned.values[0 * 37 + 5] = Number.NaN;
        poisoned.values[1 * 37 + 36] = Number.POSITIVE_INFINITY;
        poisoned.values[2 * 37 + 0] = Number.NEGATIVE_INFINITY;
        poisoned.values[3 * 37 + 1] = Number.POSITIVE_INFINITY;
        poisoned.values[3 * 37 + 2] = Number.NEGATIVE_INFINITY;
        poisoned.values[4 * 37 + 3] = 3e38; // finite, but its square overflows
        const norms = kernel(poisoned);
        if (norms !== undefined) expect(Array.from(norms, (v) => Number.isFinite(v))).toEqual([false, false, false, false, false, true]);
      }
      engine.dispose?.();
    });

    it('gram: xᵀx, exactly symmetric', () => {
      const engine = make();
      const kernel = engine.kernels.gram;
      if (kernel !== undefined) {
        for (const [n, d, seed] of [[1, 1, 7], [50, 7, 8], [400, 333, 9], [30, 700, 10], [20000, 24, 14]] as const) {
          const x = randomHost(n, d, seed);
          const out = kernel(x);
          if (out === undefined) continue;
          const transposed = { values: new Float32Array(d * n), rows: d, dim: n };
          for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) transposed.values[j * n + i] = x.values[i * d + j];
          expectRelativeClose(out, referenceProduct(transposed, transposed), 1e-5, `gram of [${n}×${d}]`);
          let asymmetric = 0;
          for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) if (out[i * d + j] !== out[j * d + i]) asymmetric++;
          expect(asymmetric, 'entries that differ from their mirror').toBe(0);
        }
      }
      engine.dispose?.();
    });

    it('gram: columns that are zero in every row give exact zeros, a column zero in all rows but one does not', () => {
      const engine = make();
      const kernel = engine.kernels.gram;
      if (kernel !== undefined) {
        const [n, d] = [5000, 40];
        const x = randomHost(n, d, 18);
        for (let r = 0; r < n; r++) {
          x.values.fill(0, r * d, r * d + 10); // columns 0–9: zero everywhere (a quarter of the columns)
          x.values[r * d + 12] = r === 1 ? 2.5 : 0; // column 12: one value, in row 1
        }
        const out = kernel(x);
        if (out !== undefined) {
          const transposed = { values: new Float32Array(d * n), rows: d, dim: n };
          for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) transposed.values[j * n + i] = x.values[i * d + j];
          expectRelativeClose(out, referenceProduct(transposed, transposed), 1e-5, 'gram with zero columns');
          for (let i = 0; i < d; i++) {
            for (let j = 0; j < d; j++) {
              if (i < 10 || j < 10) expect(Object.is(out[i * d + j], 0), `entry ${i}, ${j} is +0`).toBe(true);
              else expect(out[i * d + j], `entry ${i}, ${j} mirrors ${j}, ${i}`).toBe(out[j * d + i]);
            }
          }
          expect(out[12 * d + 12]).toBeCloseTo(6.25, 5);
        }
        const allZero = kernel({ values: new Float32Array(3000 * 16), rows: 3000, dim: 16 });
        if (allZero !== undefined) expect(allZero.every((v) => Object.is(v, 0))).toBe(true);
      }
      engine.dispose?.();
    });

    it.each(['cosine', 'euclidean'] as const)('nearest (%s): the m nearest targets, ascending, ties to the lower index', (metric) => {
      const engine = make();
      const kernel = engine.kernels.nearest;
      if (kernel !== undefined) {
        const targets = randomHost(60, 9, 11);
        // duplicates: rows 40..44 repeat rows 5..9, so equal distances must list 5..9 first
        for (let r = 0; r < 5; r++) targets.values.set(targets.values.subarray((5 + r) * 9, (6 + r) * 9), (40 + r) * 9);
        const queries = randomHost(13, 9, 12);
        queries.values.set(targets.values.subarray(5 * 9, 6 * 9), 0); // query 0 sits on a duplicated target
        queries.values.fill(0, 9, 18); // query 1 is all zeros (norm floor)
        for (const m of [1, 4, 100]) {
          const result = kernel(queries, targets, m, metric);
          if (result === undefined) continue;
          const expected = referenceNearest(queries, targets, m, metric);
          expect(result.m).toBe(Math.min(m, 60));
          for (let q = 0; q < queries.rows; q++) {
            const distances = Array.from(result.distances.subarray(q * result.m, (q + 1) * result.m));
            expectArraysClose(distances, expected.distances[q], 2e-5, `query ${q} distances`);
            for (let j = 1; j < distances.length; j++) expect(distances[j]).toBeGreaterThanOrEqual(distances[j - 1]);
          }
          expectSameNeighbours(result.indices, result.m, expected, `m = ${m}`);
          // query 0 sits on target 5, which row 40 duplicates: equal distances, lower index first
          expect(Array.from(result.indices.subarray(0, Math.min(result.m, 2)))).toEqual([5, 40].slice(0, result.m));
        }
        const none = kernel(randomHost(0, 9, 1), targets, 3, metric);
        if (none !== undefined) expect(none.indices.length).toBe(0);
        // unit-length targets (weights stored after l2 NORMpost) take a shortcut in some engines
        const unit = randomHost(40, 9, 14);
        for (let r = 0; r < 40; r++) {
          const row = unit.values.subarray(r * 9, (r + 1) * 9);
          const norm = Math.hypot(...row);
          for (let j = 0; j < 9; j++) row[j] /= norm;
        }
        const fromUnit = kernel(queries, unit, 3, metric);
        if (fromUnit !== undefined) {
          const expected = referenceNearest(queries, unit, 3, metric);
          expectArraysClose(Array.from(fromUnit.distances), expected.distances.flat(), 2e-5, 'distances to unit targets');
          expectSameNeighbours(fromUnit.indices, fromUnit.m, expected, 'unit targets');
        }
        // targets with columns that are zero in every row (dead ReLU channels), queries without
        // such zeros; raw and unit-length targets; more targets than some engines sample
        for (const unitLength of [false, true]) {
          const sparse = randomHost(3000, 9, 19);
          for (let r = 0; r < 3000; r++) {
            sparse.values[r * 9 + 2] = 0;
            sparse.values[r * 9 + 6] = 0;
            sparse.values[r * 9 + 7] = r === 2999 ? 0.75 : 0; // zero but in one row
            if (unitLength) {
              const row = sparse.values.subarray(r * 9, (r + 1) * 9);
              const norm = Math.hypot(...row);
              for (let j = 0; j < 9; j++) row[j] /= norm;
            }
          }
          const fromSparse = kernel(queries, sparse, 4, metric);
          if (fromSparse === undefined) continue;
          const expected = referenceNearest(queries, sparse, 4, metric);
          expectArraysClose(Array.from(fromSparse.distances), expected.distances.flat(), 2e-5, `distances to targets with zero columns${unitLength ? ' (unit rows)' : ''}`);
          expectSameNeighbours(fromSparse.indices, fromSparse.m, expected, 'targets with zero columns');
        }
      }
      engine.dispose?.();
    });

    it('makes the blocked Cholesky factorisation agree with plain JavaScript', () => {
      const engine = make();
      const n = 230;
      const x = randomHost(n + 40, n, 13);
      const transposed = { values: new Float32Array(n * (n + 40)), rows: n, dim: n + 40 };
      for (let i = 0; i < n + 40; i++) for (let j = 0; j < n; j++) transposed.values[j * (n + 40) + i] = x.values[i * n + j];
      const system = referenceProduct(transposed, transposed);
      for (let i = 0; i < n; i++) system[i * n + i] += 1;
      expectRelativeClose(choleskyFactor(system, n, engine.kernels), choleskyFactor(system, n), 1e-10, 'Cholesky factor');
      engine.dispose?.();
    });
  });
}
