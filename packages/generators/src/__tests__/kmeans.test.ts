import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng } from '@imprint/core';
import { expectArraysClose, expectNoTensorLeak, syntheticClasses } from '@imprint/core/testing';
import { RowDistances, clusterRows, gatherRows, kmeans, kmeansPlusPlusIndices, lloyd, lloydMlKmeans, mean, rowSquaredNorms } from '../index.js';
import { blobs, sortRows } from './helpers.js';

describe('kmeans', () => {
  it('with k = 1 equals the mean', async () => {
    const { data, labels, dim } = syntheticClasses(1, 40, 6, 3);
    const x = tf.tensor2d(data, [labels.length, dim]);
    const centroid = await kmeans().generate(x, { k: 1, rng: createRng(1) });
    const average = await mean().generate(x, { k: 1, rng: createRng(1) });
    expectArraysClose(centroid.arraySync(), average.arraySync(), 1e-5);
    [x, centroid, average].forEach((t) => t.dispose());
  });

  it('finds well-separated clusters', async () => {
    const centers = [
      [0, 0],
      [10, 0],
      [0, 10],
      [10, 10],
    ];
    const { x } = blobs(centers, 25);
    for (const implementation of ['tfjs', 'ml-kmeans'] as const) {
      const found = await kmeans({ implementation }).generate(x, { k: 4, rng: createRng(5) });
      expectArraysClose(sortRows(found.arraySync()), sortRows(centers), 0.05);
      found.dispose();
    }
    x.dispose();
  });

  it('bounded Lloyd and ml-kmeans Lloyd reach the same inertia (within 1%) from the same k-means++ init', () => {
    for (const seed of [1, 2, 3]) {
      const { data, labels, dim } = syntheticClasses(6, 50, 16, seed);
      const distances = new RowDistances(data, labels.length, dim, rowSquaredNorms(data, labels.length, dim));
      const init = gatherRows(data, dim, kmeansPlusPlusIndices(distances, data, dim, 8, createRng(seed)));
      const bounded = lloyd(distances, data, dim, init, 8);
      const viaMl = lloydMlKmeans(data, labels.length, dim, init, 8);
      expect(bounded.converged).toBe(true);
      expect(Math.abs(bounded.inertia - viaMl.inertia) / viaMl.inertia).toBeLessThan(0.01);
      distances.dispose();
    }
  });

  it("Hamerly bounds keep Lloyd's assignments: same centres, labels and iterations as the dense steps, with fewer distances", () => {
    for (const seed of [4, 5, 6]) {
      const { data, labels, dim } = syntheticClasses(12, 80, 24, seed);
      const rows = labels.length;
      const distances = new RowDistances(data, rows, dim, rowSquaredNorms(data, rows, dim));
      const init = gatherRows(data, dim, kmeansPlusPlusIndices(distances, data, dim, 10, createRng(seed)));
      const dense = lloyd(distances, data, dim, init, 10, { bounds: false, tolerance: 0 });
      const bounded = lloyd(distances, data, dim, init, 10, { bounds: true, tolerance: 0 });
      expect(Array.from(bounded.labels)).toEqual(Array.from(dense.labels));
      expect(bounded.iterations).toBe(dense.iterations);
      expectArraysClose(bounded.centers, dense.centers, 1e-6);
      expect(bounded.recomputedRows!).toBeLessThan(dense.recomputedRows!);
      distances.dispose();
    }
  });

  it('seeds with k-means++: distinct samples, the same for the same seed', () => {
    const { x, truth } = blobs([[0, 0], [20, 0], [0, 20], [20, 20], [10, 40]], 20, 0.5, 8);
    const data = x.dataSync() as Float32Array;
    const distances = new RowDistances(data, truth.length, 2, rowSquaredNorms(data, truth.length, 2));
    const a = kmeansPlusPlusIndices(distances, data, 2, 5, createRng(4));
    const b = kmeansPlusPlusIndices(distances, data, 2, 5, createRng(4));
    distances.dispose();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(new Set(a).size).toBe(5);
    // five well-separated blobs: D² sampling puts one seed in each
    expect(new Set(Array.from(a, (i) => truth[i])).size).toBe(5);
    x.dispose();
  });

  it('re-seeds empty clusters and stays finite when samples repeat', async () => {
    const x = tf.tensor2d([
      [1, 1],
      [1, 1],
      [1, 1],
      [1, 1],
      [5, 5],
    ]);
    await expectNoTensorLeak(async () => {
      const result = clusterRows(x, 3, createRng(2));
      expect(result.centers.every(Number.isFinite)).toBe(true);
      expect(result.inertia).toBeCloseTo(0, 6);
    });
    x.dispose();
  });

  it('stops at the iteration cap', () => {
    const { data, labels, dim } = syntheticClasses(4, 30, 5, 6);
    const x = tf.tensor2d(data, [labels.length, dim]);
    const capped = clusterRows(x, 6, createRng(1), { maxIterations: 1 });
    expect(capped.iterations).toBe(1);
    x.dispose();
  });
});

describe('kmeans in worker threads', () => {
  it('gives the same centres as in this thread, for every class of a batch', async () => {
    const { closeKMeansPools } = await import('../kmeans/pool.js');
    const { data, labels, dim } = syntheticClasses(4, 40, 12, 21);
    const x = tf.tensor2d(data, [labels.length, dim]);
    const inThread = await kmeans().generate(x, { k: 5, rng: createRng(3) });
    const threaded = await kmeans({ workers: 2 }).generate(x, { k: 5, rng: createRng(3) });
    expect(threaded.arraySync()).toEqual(inThread.arraySync());
    const parallel = await Promise.all([1, 2, 3].map((seed) => kmeans({ workers: 2 }).generate(x, { k: 4, rng: createRng(seed) })));
    const serial = await Promise.all([1, 2, 3].map((seed) => kmeans().generate(x, { k: 4, rng: createRng(seed) })));
    parallel.forEach((t, i) => expect(t.arraySync()).toEqual(serial[i].arraySync()));
    [x, inThread, threaded, ...parallel, ...serial].forEach((t) => t.dispose());
    await closeKMeansPools();
  });
});
