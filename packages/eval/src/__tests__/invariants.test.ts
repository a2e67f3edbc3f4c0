import { describe, expect, it } from 'vitest';
import { Imprinter, type ImprintConfigInput } from '@imprint/core';
import { expectArraysClose, expectNoTensorLeak, syntheticClasses } from '@imprint/core/testing';
import { createStandardRegistry } from '../index.js';

const registry = createStandardRegistry();
const { data, labels, dim } = syntheticClasses(5, 30, 8, 17);
const rows = Array.from({ length: labels.length }, (_, i) => Array.from(data.subarray(i * dim, (i + 1) * dim)));
const queries = syntheticClasses(5, 12, 8, 18);
const queryRows = Array.from({ length: queries.labels.length }, (_, i) => Array.from(queries.data.subarray(i * dim, (i + 1) * dim)));

async function head(config: ImprintConfigInput): Promise<Imprinter> {
  const h = Imprinter.fromConfig(config, registry);
  await h.imprint(rows, labels);
  return h;
}

describe('invariants of the option space', () => {
  it('k-means with k = 1 equals mean imprinting', async () => {
    const a = await head({ preset: 'imprintKmeans', k: 1 });
    const b = await head({ preset: 'qi2018' });
    expectArraysClose(a.weights().weights.arraySync(), b.weights().weights.arraySync(), 1e-5);
    expect(a.predict(queryRows)).toEqual(b.predict(queryRows));
    [a, b].forEach((h) => h.dispose());
  });

  it('k-means in worker threads gives the same head as in this thread', async () => {
    const { closeKMeansPools } = await import('@imprint/generators');
    const a = await head({ preset: 'imprintKmeans', k: 4 });
    const b = await head({ preset: 'imprintKmeans', k: 4, workers: 2 });
    expect(b.weights().weights.arraySync()).toEqual(a.weights().weights.arraySync());
    [a, b].forEach((h) => h.dispose());
    await closeKMeansPools();
  });

  it('all + max equals 1-nn under the inner product (brute force)', async () => {
    const h = await head({ normPre: 'none', gen: 'all', k: -1, normPost: 'none', normInf: 'none', agg: 'max' });
    const expected = queryRows.map((q) => {
      let best = -Infinity;
      let owner = -1;
      rows.forEach((r, i) => {
        const dot = r.reduce((s, v, j) => s + v * q[j], 0);
        if (dot > best) [best, owner] = [dot, labels[i]];
      });
      return owner;
    });
    expect(h.predict(queryRows)).toEqual(expected);
    h.dispose();
  });

  it('max with a metric other than the inner product is 1-nn under that metric', async () => {
    for (const metric of ['euclidean', 'manhattan', 'cosine'] as const) {
      const viaMax = await head({ gen: 'kmeans', k: 3, agg: 'max', metric });
      const viaMnn = await head({ gen: 'kmeans', k: 3, agg: 'mnn', m: 1, metric });
      expect(viaMax.predict(queryRows)).toEqual(viaMnn.predict(queryRows));
      [viaMax, viaMnn].forEach((h) => h.dispose());
    }
  });

  it('a preset is the configuration it names, other keys overriding it', async () => {
    const h = Imprinter.fromConfig({ preset: 'janson2022', m: 3 }, registry);
    expect(h.config).toMatchObject({ preset: 'janson2022', normPre: 'none', gen: 'mean', agg: 'mnn', metric: 'euclidean', m: 3 });
    h.dispose();
  });

  it('leaks no tensor in any generator × aggregator combination', async () => {
    const configs: ImprintConfigInput[] = [
      { gen: 'kmeans', k: 4 },
      { gen: 'kmedoids', k: 3, agg: 'mnn', metric: 'mahalanobis', m: 3 },
      { gen: 'fps', k: 3, agg: 'mnn', metric: 'chebyshev', weighting: 'weighted_by_distance' },
      { gen: 'cov_max', k: 3, normPost: 'quantile' },
      { gen: 'random', k: 5, fewshot: 10, prefilter: 'weibull' },
      { gen: 'none', k: 2 },
      { gen: 'ls' },
      { gen: 'kls', k: 2 },
    ];
    await expectNoTensorLeak(async () => {
      for (const config of configs) {
        const h = await head(config);
        await h.addClass('extra', queryRows.slice(0, 6));
        await h.removeClass(0);
        const s = h.scores(queryRows);
        expect(s.shape).toEqual([queryRows.length, 5]);
        s.dispose();
        h.dispose();
      }
    });
  });

  it.each([
    { gen: 'kmeans', k: 3, normPost: 'quantile' },
    { preset: 'leastSquaresOracle' },
    { gen: 'random', k: 4, fewshot: 12, normPost: 'l2' },
  ] as ImprintConfigInput[])('generateRaw + storeGenerated gives the head that imprint gives (%j)', async (config) => {
    const direct = await head(config);
    const staged = Imprinter.fromConfig(config, registry);
    const raw = await staged.generateRaw(rows, labels);
    for (const { label, proxies } of raw) {
      staged.storeGenerated(label, proxies);
      proxies.dispose();
    }
    expect(staged.classes).toEqual(direct.classes);
    expect(staged.weights().weights.arraySync()).toEqual(direct.weights().weights.arraySync());
    [direct, staged].forEach((h) => h.dispose());
  });

  it('incremental add equals imprinting at once for least squares too (joint re-solve)', async () => {
    const once = await head({ preset: 'leastSquaresOracle' });
    const inc = Imprinter.fromConfig({ preset: 'leastSquaresOracle' }, registry);
    for (const label of [0, 1, 2, 3, 4]) await inc.addClass(label, rows.filter((_, i) => labels[i] === label));
    expectArraysClose(inc.weights().weights.arraySync(), once.weights().weights.arraySync(), 1e-6);
    [once, inc].forEach((h) => h.dispose());
  });
});
