import { describe, expect, it } from 'vitest';
import { averageRanks, compareMethods, friedmanTest, holm, median, wilcoxonSignedRank } from '../index.js';

// Demšar (2006, JMLR 7, Table 6): AUC of C4.5, C4.5+m, C4.5+cf, C4.5+m+cf on 14 data sets, as
// transcribed here. Reference values: scipy 1.10 (friedmanchisquare; wilcoxon with
// zero_method='pratt', correction=False, method='approx') on the same table.
const DEMSAR = [
  [0.763, 0.768, 0.771, 0.798],
  [0.599, 0.591, 0.59, 0.569],
  [0.954, 0.971, 0.968, 0.967],
  [0.628, 0.661, 0.654, 0.657],
  [0.882, 0.888, 0.886, 0.898],
  [0.936, 0.931, 0.916, 0.931],
  [0.661, 0.668, 0.609, 0.685],
  [0.583, 0.583, 0.563, 0.625],
  [0.775, 0.838, 0.866, 0.875],
  [1.0, 1.0, 1.0, 1.0],
  [0.94, 0.962, 0.965, 0.962],
  [0.619, 0.666, 0.614, 0.669],
  [0.972, 0.981, 0.975, 0.975],
  [0.957, 0.978, 0.946, 0.97],
];
const column = (j: number) => DEMSAR.map((r) => r[j]);

describe('ranks', () => {
  it('average tied ranks, best first', () => {
    expect(averageRanks([0.9, 0.7, 0.9, 0.5])).toEqual([1.5, 3, 1.5, 4]);
    expect(averageRanks([3, 1, 2], false)).toEqual([3, 1, 2]);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});

describe('Friedman test', () => {
  it('matches scipy on Demšar\'s table (ties corrected)', () => {
    const result = friedmanTest(DEMSAR);
    expect(result.averageRanks.map((r) => Number(r.toFixed(3)))).toEqual([3.143, 2, 2.929, 1.929]);
    expect(result.statistic).toBeCloseTo(10.952380952380956, 10);
    expect(result.degreesOfFreedom).toBe(3);
    expect(result.pValue).toBeCloseTo(0.011986176325417788, 8);
  });

  it('reduces to Demšar\'s χ²_F formula without ties (published ranks give 9.28)', () => {
    // χ²_F = 12N/(k(k+1)) · (Σ R_j² − k(k+1)²/4) with N = 14, k = 4 and the paper's average ranks
    const ranks = [3.143, 2.0, 2.893, 1.964];
    const chi = ((12 * 14) / (4 * 5)) * (ranks.reduce((s, r) => s + r * r, 0) - (4 * 25) / 4);
    expect(chi).toBeCloseTo(9.28, 2);
    // a tie-free table: the statistic equals the formula on its own ranks
    const table = [
      [1, 2, 3],
      [1, 3, 2],
      [2, 1, 3],
      [1, 2, 3],
    ];
    const result = friedmanTest(table);
    const r = result.averageRanks;
    expect(result.statistic).toBeCloseTo(((12 * 4) / (3 * 4)) * (r.reduce((s, v) => s + v * v, 0) - (3 * 16) / 4), 10);
  });
});

describe('Wilcoxon signed-rank test (Pratt)', () => {
  it.each([
    [0, 1, 10.5, 0.010791957881997143],
    [0, 3, 13.0, 0.014281897086205577],
    [1, 2, 21.0, 0.051301001775056816],
    [2, 3, 16.5, 0.029879771363551494],
  ])('matches scipy for columns %i and %i', (a, b, statistic, p) => {
    const result = wilcoxonSignedRank(column(a), column(b));
    expect(result.statistic).toBeCloseTo(statistic, 10);
    expect(result.pValue).toBeCloseTo(p, 8);
  });
});

describe('Holm correction', () => {
  it('steps down through sorted p-values (hand-computed)', () => {
    // sorted: 0.01 (×4 = 0.04 ≤ 0.05 ✓), 0.015 (×3 = 0.045 ✓), 0.03 (×2 = 0.06 ✗) — stop
    const { rejected, adjusted } = holm([0.03, 0.01, 0.2, 0.015]);
    expect(rejected).toEqual([false, true, false, true]);
    expect(adjusted.map((v) => Number(v.toFixed(4)))).toEqual([0.06, 0.04, 0.2, 0.045]);
  });
});

describe('compareMethods', () => {
  it('groups methods that are not significantly different, in rank order', () => {
    const result = compareMethods(DEMSAR);
    expect(result.pairs).toHaveLength(6);
    // with 14 groups no pair survives Holm at 0.05 (smallest raw p ≈ 0.011 × 6 > 0.05)
    expect(result.pairs.every((p) => !p.significant)).toBe(true);
    expect(result.cliques).toEqual([[3, 1, 2, 0]]);
  });

  it('separates a clearly worse method', () => {
    const scores = Array.from({ length: 20 }, (_, g) => [0.9 + g * 0.001, 0.9 + g * 0.001 + (g % 2 ? 0.002 : -0.002), 0.5 + g * 0.001]);
    const result = compareMethods(scores);
    expect(result.cliques).toEqual([[0, 1]]);
    expect(result.pairs.find((p) => p.a === 0 && p.b === 2)?.significant).toBe(true);
  });
});
