import { describe, expect, it } from 'vitest';
import { createRng } from '@imprint/core';
import { expectNoTensorLeak } from '@imprint/core/testing';
import { auroc, classOrder, createStandardRegistry, gaussianModes, lineChartPng, runIncremental, runOpenSet } from '../index.js';

describe('AUROC (Mann–Whitney)', () => {
  it('matches hand-computed cases, ties counted half', () => {
    expect(auroc([3, 4], [1, 2])).toBe(1);
    expect(auroc([1, 2], [3, 4])).toBe(0);
    expect(auroc([1], [1])).toBe(0.5);
    expect(auroc([1, 3], [2])).toBe(0.5);
    expect(auroc([2, 2, 5], [2, 1])).toBeCloseTo((1 + 0.5 + 1 + 0.5 + 1 + 1) / 6, 12);
    expect(() => auroc([], [1])).toThrow(/both kinds/);
  });
});

describe('open-set protocol', () => {
  it('separates far-away unknown classes and rejects about the asked share of known ones', async () => {
    const { train, test } = gaussianModes({ classes: 6, modes: 1, dim: 16, perClass: 200, spread: 0.3, separation: 3, seed: 5 });
    await expectNoTensorLeak(async () => {
      const result = await runOpenSet({ train, test, known: [0, 1, 2, 3], config: { preset: 'qi2018' }, registry: createStandardRegistry(), falseRejectRate: 0.05 });
      expect(result.auroc).toBeGreaterThan(0.95);
      expect(result.closedSetAccuracy).toBeGreaterThan(95);
      expect(result.knownRejected).toBeLessThan(15); // calibrated for 5 % on held-out train samples
      expect(result.unknownRejected).toBeGreaterThan(80);
      expect(result.openSetAccuracy).toBeGreaterThan(85);
      expect(result.proxies).toBe(4);
    });
    // a Janson (1-nn) head: its votes cannot rank queries, the distance margin (auto) can
    const registry = createStandardRegistry();
    const votes = await runOpenSet({ train, test, known: [0, 1, 2, 3], config: { preset: 'janson2022' }, registry, by: 'score' });
    const distance = await runOpenSet({ train, test, known: [0, 1, 2, 3], config: { preset: 'janson2022' }, registry });
    expect(votes.auroc).toBe(0.5);
    expect(distance.by).toBe('distance-margin');
    expect(distance.auroc).toBeGreaterThan(0.9);
    await expect(runOpenSet({ train, test, known: [0, 1, 2, 3, 4, 5], config: { preset: 'qi2018' }, registry: createStandardRegistry() })).rejects.toThrow(/no samples of an unknown class/);
    await expect(runOpenSet({ train, test, known: [0, 9], config: { preset: 'qi2018' }, registry: createStandardRegistry() })).rejects.toThrow(/no samples of class 9/);
  });
});

describe('class-incremental protocol', () => {
  it('grows the head task by task and measures accuracy, forgetting, proxies and time', async () => {
    const { train, test } = gaussianModes({ classes: 6, modes: 2, dim: 4, perClass: 60, spread: 0.4, separation: 2, seed: 7 });
    const registry = createStandardRegistry();
    const tasks = [[0, 1], [2, 3], [4, 5]];
    const qi = await runIncremental({ train, test, tasks, config: { preset: 'qi2018' }, registry });
    expect(qi.accuracy).toHaveLength(3);
    expect(qi.taskAccuracy.map((row) => row.length)).toEqual([1, 2, 3]);
    expect(qi.proxies).toEqual([2, 4, 6]);
    expect(qi.msPerTask.every((ms) => ms >= 0)).toBe(true);
    // forgetting by its definition, from the per-task accuracies
    const expected = [0, 1].reduce((sum, j) => sum + Math.max(...qi.taskAccuracy.slice(j, 2).map((row) => row[j])) - qi.taskAccuracy[2][j], 0) / 2;
    expect(qi.forgetting).toBeCloseTo(expected, 10);
    expect(qi.averageIncrementalAccuracy).toBeCloseTo((qi.accuracy[0] + qi.accuracy[1] + qi.accuracy[2]) / 3, 10);
    // k-means proxies fit two-mode classes better than one mean; the re-fit oracle does not forget less than nothing
    const kmeans = await runIncremental({ train, test, tasks, config: { preset: 'imprintKmeans', k: 2 }, registry });
    expect(kmeans.proxies).toEqual([4, 8, 12]);
    expect(kmeans.accuracy[2]).toBeGreaterThan(qi.accuracy[2]);
    const oracle = await runIncremental({ train, test, tasks, config: { preset: 'leastSquaresOracle' }, registry });
    expect(oracle.accuracy[2]).toBeGreaterThan(qi.accuracy[2]);
    await expect(runIncremental({ train, test, tasks: [[0, 1], [1, 2]], config: { preset: 'qi2018' }, registry })).rejects.toThrow(/one task only/);
  });

  it('class orders: order 0 ascending, others seeded permutations', () => {
    const rng = createRng(3);
    expect(classOrder([3, 1, 2, 0], 0, (n) => rng.int(n))).toEqual([0, 1, 2, 3]);
    const shuffled = classOrder([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 1, (n) => rng.int(n));
    expect([...shuffled].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(shuffled).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('PNG charts', () => {
  it('draws a line chart as a PNG of the SVG chart’s size with the series in colour', () => {
    const png = lineChartPng([{ name: 'a', points: [[1, 1], [2, 3]] }], { title: 'T', xLabel: 'x', yLabel: 'y' });
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const view = new DataView(png.buffer, png.byteOffset);
    expect([view.getUint32(16), view.getUint32(20)]).toEqual([640, 400]);
  });
});
