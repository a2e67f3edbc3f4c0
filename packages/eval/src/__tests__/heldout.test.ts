import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImprintConfigInput } from '@imprint/core';
import { createStandardRegistry, evaluateConfig, readEmbeddings, type EmbeddingSet } from '../index.js';

// tools/reference/make_heldout_fixture.py: a separate synthetic task (10 classes × 3 modes, 32
// dims, 100 train / 30 test per class, labels 1, 4, 7, …) and the reference implementation's
// results on it — numpy float64 and scikit-learn's KMeans (k-means++, one initialisation).
interface Reference {
  qi2018: { predictions: number[]; accuracy: number };
  covmax3: { predictions: number[]; accuracy: number };
  ls_oracle: { predictions: number[]; accuracy: number };
  kmeans5: { accuracies: number[] };
  kmeans20: { accuracies: number[] };
  random5: { accuracies: number[] };
}
const reference = JSON.parse(readFileSync(new URL('./fixtures/heldout-reference.json', import.meta.url), 'utf8')) as Reference;
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const registry = createStandardRegistry();
let train: EmbeddingSet;
let test: EmbeddingSet;

beforeAll(async () => {
  train = await readEmbeddings(fixture('heldout-train.npz'));
  test = await readEmbeddings(fixture('heldout-test.npz'));
});

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

async function meanAccuracy(config: ImprintConfigInput, seeds: number): Promise<number> {
  const accuracies: number[] = [];
  for (let seed = 0; seed < seeds; seed++) accuracies.push((await evaluateConfig(train, test, { ...config, seed }, registry)).accuracy);
  return mean(accuracies);
}

describe('held-out agreement with the reference implementation', () => {
  it('Qi et al.: the same predictions and accuracy', async () => {
    const result = await evaluateConfig(train, test, { preset: 'qi2018' }, registry);
    expect(result.classes).toEqual([1, 4, 7, 10, 13, 16, 19, 22, 25, 28]);
    expect(result.accuracy).toBeCloseTo(reference.qi2018.accuracy, 10);
  });

  it('cov_max k=3 and the least-squares oracle: the same accuracy', async () => {
    const covmax = await evaluateConfig(train, test, { normPre: 'l2', gen: 'cov_max', k: 3, normPost: 'l2', normInf: 'l2', agg: 'max' }, registry);
    expect(covmax.accuracy).toBeCloseTo(reference.covmax3.accuracy, 10);
    const ls = await evaluateConfig(train, test, { preset: 'leastSquaresOracle', lambda: 0.05 }, registry);
    expect(ls.accuracy).toBeCloseTo(reference.ls_oracle.accuracy, 10);
  });

  it.each([
    ['kmeans5', 5],
    ['kmeans20', 20],
  ] as const)('IMPRINT k-means (%s): mean accuracy over 10 seeds within 2 points of scikit-learn', async (key, k) => {
    const ours = await meanAccuracy({ preset: 'imprintKmeans', k }, 10);
    const theirs = mean(reference[key].accuracies);
    expect(Math.abs(ours - theirs), `ours ${ours.toFixed(2)} vs reference ${theirs.toFixed(2)}`).toBeLessThanOrEqual(2);
  });

  it('random k=5: mean accuracy over 30 seeds within 2 points of the reference', async () => {
    const ours = await meanAccuracy({ normPre: 'l2', gen: 'random', k: 5, normPost: 'l2', normInf: 'l2', agg: 'max' }, 30);
    const theirs = mean(reference.random5.accuracies);
    expect(Math.abs(ours - theirs), `ours ${ours.toFixed(2)} vs reference ${theirs.toFixed(2)}`).toBeLessThanOrEqual(2);
  });
});
