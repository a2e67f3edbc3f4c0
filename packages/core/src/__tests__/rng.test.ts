import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed } from '../index.js';

describe('createRng', () => {
  it('gives the same stream for the same seed and different streams for different seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const streamA = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(streamA);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(streamA);
  });

  it('draws uniform floats in [0, 1) with a plausible mean and integers in range', () => {
    const rng = createRng(1);
    let sum = 0;
    for (let i = 0; i < 20000; i++) {
      const v = rng.next();
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      sum += v;
    }
    expect(sum / 20000).toBeCloseTo(0.5, 1);
    const counts = new Array(5).fill(0);
    for (let i = 0; i < 5000; i++) counts[rng.int(5)]++;
    for (const n of counts) expect(n).toBeGreaterThan(850);
  });

  it('samples distinct indices and permutations', () => {
    const rng = createRng(3);
    const picked = rng.sample(100, 30);
    expect(new Set(picked).size).toBe(30);
    for (const i of picked) expect(i).toBeGreaterThanOrEqual(0);
    expect(rng.permutation(10).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(() => rng.sample(3, 4)).toThrow(/cannot sample 4/);
  });

  it('draws standard normals with mean ≈ 0 and variance ≈ 1', () => {
    const rng = createRng(9);
    const values = Array.from({ length: 20000 }, () => rng.normal());
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('forks independent, reproducible streams per key', () => {
    const x = createRng(5).fork('class 1');
    const y = createRng(5).fork('class 1');
    const z = createRng(5).fork('class 2');
    expect(x.next()).toBe(y.next());
    expect(createRng(5).fork('class 1').next()).not.toBe(z.next());
    expect(deriveSeed(5, 1)).not.toBe(deriveSeed(5, '1'));
  });

  it('rejects a non-finite seed', () => {
    expect(() => createRng(Number.NaN)).toThrow(/seed must be a finite number, got NaN/);
  });
});
