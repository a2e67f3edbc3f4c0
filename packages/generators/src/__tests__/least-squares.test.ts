import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { adjacentSpan, createRng, hostMatrixOf, tensorFromHost } from '@imprint/core';
import { expectArraysClose, syntheticClasses } from '@imprint/core/testing';
import { defaultLambda, kmeansLeastSquares, leastSquares, leastSquaresWeights } from '../index.js';

function classTensors(classes: number, perClass: number, dim: number, seed: number): tf.Tensor2D[] {
  const { data } = syntheticClasses(classes, perClass, dim, seed);
  return Array.from({ length: classes }, (_, c) => tf.tensor2d(data.subarray(c * perClass * dim, (c + 1) * perClass * dim), [perClass, dim]));
}

describe('ls', () => {
  it('solves its normal equations: (XᵀX/n + λI) Wᵀ = M / C (relative residual < 1e-4)', () => {
    const groups = classTensors(4, 30, 10, 3);
    const lambda = 0.05;
    const dim = 10;
    const weights = leastSquaresWeights(groups, lambda);
    const rows = groups.flatMap((g) => g.arraySync());
    const n = rows.length;
    const means = groups.map((g) => g.arraySync().reduce((acc, r) => acc.map((v, j) => v + r[j] / g.shape[0]), new Array(dim).fill(0)));
    let residual = 0;
    let scale = 0;
    for (let c = 0; c < groups.length; c++) {
      for (let i = 0; i < dim; i++) {
        let lhs = lambda * weights[c * dim + i];
        for (let j = 0; j < dim; j++) {
          let gram = 0;
          for (const r of rows) gram += r[i] * r[j];
          lhs += (gram / n) * weights[c * dim + j];
        }
        residual += (lhs - means[c][i] / groups.length) ** 2;
        scale += (means[c][i] / groups.length) ** 2;
      }
    }
    expect(Math.sqrt(residual / scale)).toBeLessThan(1e-4);
    groups.forEach((g) => g.dispose());
  });

  it('gives the same weights from classes that lie back to back in one buffer (one Gram matrix) as from separate ones', () => {
    const classes = 4;
    const perClass = 40;
    const dim = 12;
    const { data } = syntheticClasses(classes, perClass, dim, 9);
    const views = Array.from({ length: classes }, (_, c) => tensorFromHost(data.subarray(c * perClass * dim, (c + 1) * perClass * dim), perClass, dim));
    const copies = Array.from({ length: classes }, (_, c) => tf.tensor2d(data.slice(c * perClass * dim, (c + 1) * perClass * dim), [perClass, dim]));
    expect(adjacentSpan(views.map((v) => hostMatrixOf(v)))?.rows).toBe(classes * perClass); // the one-Gram path is taken
    expect(adjacentSpan(copies.map((v) => hostMatrixOf(v)))).toBeUndefined();
    expectArraysClose(Array.from(leastSquaresWeights(views, 0.05)), Array.from(leastSquaresWeights(copies, 0.05)), 1e-5);
    tf.dispose([...views, ...copies]);
  });

  it('gives one weight row per class and rejects λ ≤ 0', async () => {
    const groups = classTensors(3, 10, 5, 4);
    const out = await leastSquares().generate(groups, { k: 1, rng: createRng(0) });
    expect(out.map((t) => t.shape)).toEqual([
      [1, 5],
      [1, 5],
      [1, 5],
    ]);
    out.forEach((t) => t.dispose());
    expect(() => leastSquaresWeights(groups, 0)).toThrow(/lambda must be a positive number, got 0/);
    groups.forEach((g) => g.dispose());
  });

  it('has the per-FM default λ of the paper', () => {
    expect(defaultLambda('resnet50')).toBe(1e-4);
    expect(defaultLambda('vit_b_16')).toBe(0.1);
    expect(defaultLambda('swin_b')).toBe(0.05);
    expect(defaultLambda('mobilenet_v2_140')).toBe(0.05);
    expect(defaultLambda()).toBe(0.05);
  });
});

describe('kls', () => {
  it('with k = 1 equals ls', async () => {
    const groups = classTensors(3, 12, 6, 5);
    const a = await kmeansLeastSquares().generate(groups, { k: 1, rng: createRng(1) });
    const b = await leastSquares().generate(groups, { k: 1, rng: createRng(1) });
    a.forEach((t, i) => expectArraysClose(t.arraySync(), b[i].arraySync(), 1e-6));
    [...a, ...b, ...groups].forEach((t) => t.dispose());
  });

  it('gives k rows per class, and keeps the samples of a class smaller than k', async () => {
    const groups = classTensors(3, 12, 6, 6);
    const small = tf.tensor2d([[1, 2, 3, 4, 5, 6]]);
    const out = await kmeansLeastSquares().generate([...groups, small], { k: 3, rng: createRng(2) });
    expect(out.map((t) => t.shape)).toEqual([
      [3, 6],
      [3, 6],
      [3, 6],
      [1, 6],
    ]);
    expect(out[3].arraySync()).toEqual([[1, 2, 3, 4, 5, 6]]);
    // the clustered classes' rows are least-squares weights of 9 pseudo-classes: (1/9)·mean-scaled, not samples
    for (const v of out[0].dataSync()) expect(Math.abs(v)).toBeLessThan(5);
    [...out, ...groups, small].forEach((t) => t.dispose());
  });
});

describe('ls with fewer samples than dimensions', () => {
  it('solves the n × n (Woodbury) system to the same weights as the d × d one', () => {
    // 3 classes × 4 samples = 12 < 20 dims: the dual path; compare with the normal equations.
    const groups = classTensors(3, 4, 20, 9);
    const lambda = 0.1;
    const dim = 20;
    const weights = leastSquaresWeights(groups, lambda);
    const rows = groups.flatMap((g) => g.arraySync());
    const means = groups.map((g) => g.arraySync().reduce((acc, r) => acc.map((v, j) => v + r[j] / g.shape[0]), new Array(dim).fill(0)));
    let residual = 0;
    let scale = 0;
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < dim; i++) {
        let lhs = lambda * weights[c * dim + i];
        for (let j = 0; j < dim; j++) lhs += (rows.reduce((s, r) => s + r[i] * r[j], 0) / rows.length) * weights[c * dim + j];
        residual += (lhs - means[c][i] / 3) ** 2;
        scale += (means[c][i] / 3) ** 2;
      }
    }
    expect(Math.sqrt(residual / scale)).toBeLessThan(1e-4);
    groups.forEach((g) => g.dispose());
  });
});
