import { describe, expect, it } from 'vitest';
import { neuralCollapse } from '../index.js';
import { parity, toSet } from './parity-fixture.js';

describe('neural collapse', () => {
  it('reproduces the fixture\'s NC1 and VCI (textbook form) within 1e-6 relative', () => {
    const result = neuralCollapse(toSet(parity.train));
    expect(Math.abs(result.nc1 / parity.neural_collapse.nc1 - 1)).toBeLessThan(1e-6);
    expect(Math.abs(result.vci / parity.neural_collapse.vci - 1)).toBeLessThan(1e-6);
  });

  it('is 0 for perfectly collapsed classes and grows with within-class spread', () => {
    const make = (spread: number) => {
      const rows: number[] = [];
      const labels: number[] = [];
      for (let c = 0; c < 3; c++) for (let i = 0; i < 4; i++) {
        const jitter = (i % 2 ? 1 : -1) * spread;
        rows.push((c === 0 ? 5 : 0) + jitter, c === 1 ? 5 : 0, c === 2 ? 5 : 0, (i % 2 ? 1 : -1) * 2);
        labels.push(c);
      }
      return { embeddings: Float32Array.from(rows), shape: [12, 4] as const, labels: Int32Array.from(labels) };
    };
    // spread along the 4th axis is orthogonal to the class means: NC1 ignores it (Σ_B⁺ has no weight there)
    expect(neuralCollapse(make(0)).nc1).toBeCloseTo(0, 10);
    const small = neuralCollapse(make(0.5));
    const large = neuralCollapse(make(2));
    expect(small.nc1).toBeGreaterThan(0);
    expect(large.nc1).toBeGreaterThan(small.nc1);
    // numpy (pinv) on the same data: NC1 0.00667 and 0.10667; VCI 0 (within-class spread correlated with the orthogonal axis)
    expect(small.nc1).toBeCloseTo(0.006666666666666667, 12);
    expect(large.nc1).toBeCloseTo(0.10666666666666667, 12);
    expect(Math.abs(large.vci)).toBeLessThan(1e-12);
  });

  it('gives the traces and ranks of Σ_W and Σ_B the reference reports beside NC1 (hand-computed case)', () => {
    // 3 classes with means 5·e_c; every class's centred rows are ±(s, 0, 0, 2): Tr Σ_W = s² + 4,
    // rank Σ_W = 1; b_c = 5·e_c − (5/3)(1, 1, 1, 0): Tr Σ_B = (1/3)·3·(150/9) = 50/3, rank Σ_B = 2.
    const make = (spread: number, padding: number) => {
      const dim = 4 + padding;
      const rows: number[] = [];
      const labels: number[] = [];
      for (let c = 0; c < 3; c++) for (let i = 0; i < 4; i++) {
        const sign = i % 2 ? 1 : -1;
        rows.push((c === 0 ? 5 : 0) + sign * spread, c === 1 ? 5 : 0, c === 2 ? 5 : 0, sign * 2, ...new Array<number>(padding).fill(0));
        labels.push(c);
      }
      return { embeddings: Float32Array.from(rows), shape: [12, dim] as const, labels: Int32Array.from(labels) };
    };
    for (const padding of [0, 20]) {
      // 12 rows × 4 dims (Σ_W decomposed as d × d) and 12 rows × 24 dims (as the n × n Gram matrix)
      const result = neuralCollapse(make(0.5, padding), { ranks: true });
      expect(result.traceWithin).toBeCloseTo(4.25, 10);
      expect(result.traceBetween).toBeCloseTo(50 / 3, 10);
      expect(result.rankBetween).toBe(2);
      expect(result.rankWithin).toBe(1);
    }
    expect(neuralCollapse(make(0.5, 0)).rankWithin).toBeNaN(); // only when asked: an eigen-decomposition
  });
});
