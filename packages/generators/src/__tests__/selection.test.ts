import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng } from '@imprint/core';
import { expectArraysClose } from '@imprint/core/testing';
import { all, covMax, fps, kmedoids, random, xavier } from '../index.js';
import { blobs, sortRows } from './helpers.js';

const line = () => tf.tensor2d([[0, 0], [1, 0], [5, 0], [10, 0], [9, 0]]);

describe('all', () => {
  it('returns every sample', () => {
    const x = line();
    const proxies = all().generate(x, { k: 2, rng: createRng(0) }) as tf.Tensor2D;
    expect(proxies.arraySync()).toEqual(x.arraySync());
    [x, proxies].forEach((t) => t.dispose());
  });
});

describe('random', () => {
  it('returns k distinct samples, reproducibly', () => {
    const x = line();
    const a = random().generate(x, { k: 3, rng: createRng(4) }) as tf.Tensor2D;
    const b = random().generate(x, { k: 3, rng: createRng(4) }) as tf.Tensor2D;
    const rows = a.arraySync().map((r) => r[0]);
    expect(new Set(rows).size).toBe(3);
    for (const v of rows) expect([0, 1, 5, 10, 9]).toContain(v);
    expect(b.arraySync()).toEqual(a.arraySync());
    [x, a, b].forEach((t) => t.dispose());
  });
});

describe('fps', () => {
  it('adds the sample farthest from the chosen set each time (hand-computed on a line)', () => {
    const x = line();
    for (let seed = 0; seed < 6; seed++) {
      const proxies = (fps().generate(x, { k: 3, rng: createRng(seed) }) as tf.Tensor2D).arraySync().map((r) => r[0]);
      const start = proxies[0];
      // from 0 or 1: 10, then 5; from 5: 10 (dist 5) ties with 0 (dist 5) → lower index 0, then 10; from 9 or 10: 0, then 5
      const expected: Record<number, number[]> = { 0: [0, 10, 5], 1: [1, 10, 5], 5: [5, 0, 10], 9: [9, 0, 5], 10: [10, 0, 5] };
      expect(proxies).toEqual(expected[start]);
    }
    x.dispose();
  });
});

describe('cov_max', () => {
  it('picks the samples with the largest covariance column sums (brute force check)', () => {
    const rows = [
      [1, 2, 3, 4],
      [2, 1, 0, -1],
      [0.5, 0.4, 2, 3],
      [3, 3, 3, 9],
      [-1, 0, 1, 0],
    ];
    // brute force: numpy-style cov between samples (rows as variables, ddof 1)
    const centered = rows.map((r) => {
      const m = r.reduce((a, b) => a + b, 0) / r.length;
      return r.map((v) => v - m);
    });
    const cov = centered.map((a) => centered.map((b) => a.reduce((s, v, j) => s + v * b[j], 0) / (a.length - 1)));
    const sums = cov[0].map((_, j) => cov.reduce((s, row) => s + row[j], 0));
    const order = sums.map((s, i) => [s, i]).sort((a, b) => b[0] - a[0]).map(([, i]) => i);
    const x = tf.tensor2d(rows);
    const proxies = covMax().generate(x, { k: 2, rng: createRng(0) }) as tf.Tensor2D;
    expect(proxies.arraySync()).toEqual([rows[order[0]], rows[order[1]]]);
    [x, proxies].forEach((t) => t.dispose());
  });
});

describe('kmedoids', () => {
  it('returns actual samples at the centres of well-separated clusters', async () => {
    const centers = [
      [0, 0],
      [8, 0],
      [0, 8],
    ];
    const { x } = blobs(centers, 15, 0.3, 2);
    const samples = x.arraySync().map((r) => r.join(','));
    const medoids = await kmedoids().generate(x, { k: 3, rng: createRng(3) });
    const found = medoids.arraySync();
    for (const row of found) expect(samples).toContain(row.join(','));
    expectArraysClose(sortRows(found), sortRows(centers), 0.5);
    [x, medoids].forEach((t) => t.dispose());
  });

  it('finds the exact optimum on a tiny set (exhaustive check)', async () => {
    const rows = [[0], [1], [2], [10], [11], [13], [30]];
    const cost = (medoids: number[]) => rows.reduce((s, [v]) => s + Math.min(...medoids.map((m) => Math.abs(v - rows[m][0]))), 0);
    let best = Infinity;
    for (let a = 0; a < rows.length; a++) for (let b = a + 1; b < rows.length; b++) for (let c = b + 1; c < rows.length; c++) best = Math.min(best, cost([a, b, c]));
    const x = tf.tensor2d(rows);
    const medoids = await kmedoids().generate(x, { k: 3, rng: createRng(1) });
    const chosen = medoids.arraySync().map(([v]) => rows.findIndex(([r]) => r === v));
    expect(cost(chosen)).toBe(best);
    [x, medoids].forEach((t) => t.dispose());
  });
});

describe('none (xavier)', () => {
  it('draws k rows uniformly within the Xavier bound, independent of the data', () => {
    const x = tf.zeros([50, 30]) as tf.Tensor2D;
    const w = xavier().generate(x, { k: 20, rng: createRng(7) }) as tf.Tensor2D;
    expect(w.shape).toEqual([20, 30]);
    const bound = Math.sqrt(6 / 50);
    const values = Array.from(w.dataSync());
    for (const v of values) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    expect(Math.abs(m)).toBeLessThan(0.05);
    expect(Math.max(...values)).toBeGreaterThan(0.9 * bound);
    [x, w].forEach((t) => t.dispose());
  });
});
