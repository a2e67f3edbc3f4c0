import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng, ImprintError } from '@imprint/core';
import { fitWeibull, weibullFilter, weibullQuantile } from '../index.js';

describe('Weibull fit', () => {
  it.each([
    [0.8, 2],
    [2.5, 0.3],
    [6, 10],
  ])('recovers shape %d and scale %d by maximum likelihood', (shape, scale) => {
    const rng = createRng(11);
    // inverse-CDF sampling
    const values = Array.from({ length: 4000 }, () => scale * (-Math.log(1 - rng.next())) ** (1 / shape));
    const fit = fitWeibull(values);
    expect(fit.shape / shape).toBeGreaterThan(0.95);
    expect(fit.shape / shape).toBeLessThan(1.05);
    expect(fit.scale / scale).toBeGreaterThan(0.97);
    expect(fit.scale / scale).toBeLessThan(1.03);
  });

  it('has the closed-form quantiles', () => {
    expect(weibullQuantile({ shape: 1, scale: 2 }, 1 - Math.exp(-1))).toBeCloseTo(2, 12);
    expect(weibullQuantile({ shape: 2, scale: 1 }, 0.5)).toBeCloseTo(Math.sqrt(Math.log(2)), 12);
  });

  it('filters far outliers and keeps the bulk', () => {
    const rng = createRng(3);
    const rows = Array.from({ length: 200 }, () => [rng.normal(), rng.normal(), rng.normal()]);
    rows.push([40, 40, 40]);
    const x = tf.tensor2d(rows);
    const kept = weibullFilter({ lower: 0, upper: 0.99 }).select(x, { rng });
    const keptRows = kept.arraySync();
    expect(keptRows.some((r) => r[0] === 40)).toBe(false);
    expect(keptRows.length).toBeGreaterThan(190);
    [x, kept].forEach((t) => t.dispose());
  });

  it('rejects invalid quantiles', () => {
    expect(() => weibullFilter({ lower: 0.9, upper: 0.1 })).toThrow(ImprintError);
  });
});
