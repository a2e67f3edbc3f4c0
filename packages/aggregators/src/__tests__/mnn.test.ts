import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng } from '@imprint/core';
import type { Metric } from '../options.js';
import { describeAggregatorContract, expectArraysClose, expectNoTensorLeak } from '@imprint/core/testing';
import { distanceFunction, mnn } from '../index.js';
import { mahalanobisWhitening } from '../mahalanobis.js';

const METRICS: Metric[] = ['cosine', 'euclidean', 'manhattan', 'chebyshev', 'mahalanobis'];
for (const metric of METRICS) {
  describeAggregatorContract(`mnn m=1 ${metric}`, () => mnn({ m: 1, metric }));
  describeAggregatorContract(`mnn m=1 ${metric} (tiny blocks)`, () => mnn({ m: 1, metric, blockElements: 13 }));
}

function randomMatrix(rows: number, columns: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: rows }, () => Array.from({ length: columns }, () => rng.normal()));
}

/** Brute-force distances in float64, written out per metric. */
function bruteDistance(metric: Metric, a: number[], b: number[], inverse?: number[][]): number {
  const diff = a.map((v, i) => v - b[i]);
  switch (metric) {
    case 'euclidean':
      return Math.hypot(...diff);
    case 'manhattan':
      return diff.reduce((s, v) => s + Math.abs(v), 0);
    case 'chebyshev':
      return Math.max(...diff.map(Math.abs));
    case 'cosine':
    case 'inner_product': {
      const dot = a.reduce((s, v, i) => s + v * b[i], 0);
      return 1 - dot / (Math.hypot(...a) * Math.hypot(...b));
    }
    case 'mahalanobis':
      return Math.sqrt(diff.reduce((s, v, i) => s + v * diff.reduce((t, w, j) => t + inverse![i][j] * w, 0), 0));
  }
}

describe('distances', () => {
  it.each(METRICS)('%s matches a float64 brute force', (metric) => {
    const q = randomMatrix(4, 3, 1);
    const p = randomMatrix(6, 3, 2);
    const proxies = tf.tensor2d(p);
    const queries = tf.tensor2d(q);
    const fn = distanceFunction(metric, proxies);
    let inverse: number[][] | undefined;
    if (metric === 'mahalanobis') {
      const means = [0, 1, 2].map((j) => p.reduce((s, r) => s + r[j], 0) / p.length);
      const cov = [0, 1, 2].map((i) => [0, 1, 2].map((j) => p.reduce((s, r) => s + (r[i] - means[i]) * (r[j] - means[j]), 0) / (p.length - 1) + (i === j ? 1e-6 : 0)));
      // 3×3 inverse by cofactors
      const [[a, b, c], [d, e, f], [g, h, i]] = cov;
      const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
      inverse = [
        [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
        [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
        [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
      ];
    }
    const d = fn.distances(queries, 0, p.length);
    expectArraysClose(d.arraySync(), q.map((a) => p.map((b) => bruteDistance(metric, a, b, inverse))), 2e-4);
    fn.dispose();
    [d, proxies, queries].forEach((t) => t.dispose());
  });
});

describe('mnn', () => {
  // proxies on a line: class 0 at 0 and 1, class 1 at 3, class 2 at 10 and 11 and 12
  const weights = tf.tensor2d([[0], [1], [3], [10], [11], [12]]);
  const proxies = { weights, classOffsets: Int32Array.from([0, 2, 3, 6]), numClasses: 3 };

  it('counts the votes of the m nearest proxies (hand-computed)', () => {
    const queries = tf.tensor2d([[2.4], [7]]);
    const scores = mnn({ m: 3, metric: 'euclidean' }).scores(queries, proxies);
    // 2.4: nearest 3 (0.6), 1 (1.4), 0 (2.4) → class 0 two votes, class 1 one
    // 7: nearest 10 (3), 3 (4), 11 (4) → class 2 two votes, class 1 one
    expect(scores.arraySync()).toEqual([
      [2, 1, 0],
      [0, 1, 2],
    ]);
    [queries, scores].forEach((t) => t.dispose());
  });

  it('weights votes by 1/(distance + 1e-10)', () => {
    const queries = tf.tensor2d([[2.4]]);
    const scores = mnn({ m: 3, metric: 'euclidean', weighting: 'weighted_by_distance' }).scores(queries, proxies);
    expectArraysClose(scores.arraySync(), [[1 / 1.4 + 1 / 2.4, 1 / 0.6, 0]], 1e-4);
    [queries, scores].forEach((t) => t.dispose());
  });

  it('gives ties to the lowest class index', () => {
    const queries = tf.tensor2d([[2]]);
    const scores = mnn({ m: 2, metric: 'euclidean' }).scores(queries, proxies); // 1 (class 0) and 3 (class 1), both at distance 1
    const best = tf.argMax(scores, 1);
    expect(scores.arraySync()).toEqual([[1, 1, 0]]);
    expect(best.dataSync()[0]).toBe(0);
    [queries, scores, best].forEach((t) => t.dispose());
  });

  it('clips m to the number of proxies, warning once', () => {
    const warnings: string[] = [];
    const aggregator = mnn({ m: 50, metric: 'euclidean', warn: (w) => warnings.push(w) });
    const queries = tf.tensor2d([[0]]);
    for (let i = 0; i < 2; i++) {
      const scores = aggregator.scores(queries, proxies);
      expect(scores.arraySync()).toEqual([[2, 1, 3]]);
      scores.dispose();
    }
    expect(warnings).toEqual(['Warning: m was set to 50, but only 6 proxies are stored; using m = 6 for mnn aggregation']);
    queries.dispose();
  });

  it.each(['manhattan', 'euclidean', 'cosine'] as const)('gives the same votes in tiny blocks as in one block (%s)', async (metric) => {
    const p = tf.tensor2d(randomMatrix(40, 5, 3));
    const set = { weights: p, classOffsets: Int32Array.from([0, 10, 25, 40]), numClasses: 3 };
    const q = tf.tensor2d(randomMatrix(17, 5, 4));
    await expectNoTensorLeak(() => {
      const whole = mnn({ m: 4, metric, weighting: 'weighted_by_distance' }).scores(q, set);
      const blocked = mnn({ m: 4, metric, weighting: 'weighted_by_distance', blockElements: 23 }).scores(q, set);
      expectArraysClose(blocked.arraySync(), whole.arraySync(), 1e-3);
      [whole, blocked].forEach((t) => t.dispose());
    });
    [p, q].forEach((t) => t.dispose());
  });

  it('reuses the Mahalanobis whitening of weights it saw last, only when they are equal value by value', () => {
    const weights = randomMatrix(12, 5, 3);
    const changed = weights.map((row) => [...row]);
    changed[7]![2]! += 1e-3;
    const transform = (rows: number[][]) => tf.tidy(() => mahalanobisWhitening(tf.tensor2d(rows)));
    const first = Float32Array.from(transform(weights));
    const other = transform(changed);
    expect([...other]).not.toEqual([...first]);
    // after another set: the first again, from the cache — equal to its computation
    expect(transform(weights)).toBe(transform(weights));
    expect([...transform(weights)]).toEqual([...first]);
    // a third and fourth set push it out (two kept): computed anew, still the same values
    transform(randomMatrix(12, 5, 4));
    transform(randomMatrix(12, 5, 5));
    const again = transform(weights);
    expect([...again]).toEqual([...first]);
  });

  it('rejects m < 1 and mahalanobis with one proxy', () => {
    expect(() => mnn({ m: 0 })).toThrow(/m must be a positive integer, got 0/);
    const one = tf.tensor2d([[1, 2]]);
    expect(() => distanceFunction('mahalanobis', one)).toThrow(/needs at least 2 stored proxies/);
    one.dispose();
  });

  it('treats inner_product as cosine', () => {
    const q = tf.tensor2d(randomMatrix(5, 3, 8));
    const a = mnn({ m: 2, metric: 'inner_product' }).scores(q, proxiesOf3d());
    const b = mnn({ m: 2, metric: 'cosine' }).scores(q, proxiesOf3d());
    expect(a.arraySync()).toEqual(b.arraySync());
    [q, a, b].forEach((t) => t.dispose());
  });
});

function proxiesOf3d() {
  return { weights: tf.tensor2d(randomMatrix(6, 3, 9)), classOffsets: Int32Array.from([0, 3, 6]), numClasses: 2 };
}
