import { describe, expect, it } from 'vitest';
import { createRng, type ImprintConfigInput } from '@imprint/core';
import { createStandardRegistry, evaluateConfig, groupByLabel, type EmbeddingSet } from '../index.js';

function scattered(rows: number, dim: number, classes: number, seed: number): EmbeddingSet {
  const rng = createRng(seed);
  const labels = Int32Array.from({ length: rows }, () => 3 * rng.int(classes) - 4); // negative labels too
  const embeddings = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) embeddings[r * dim + j] = labels[r] + rng.next() - 0.5 + (j === r % dim ? 2 : 0);
  return { embeddings, shape: [rows, dim], labels };
}

const copy = (set: EmbeddingSet): EmbeddingSet => ({ embeddings: set.embeddings.slice(), shape: set.shape, labels: set.labels.slice() });

describe('groupByLabel', () => {
  it('reorders rows in place, labels ascending, each label’s rows in their original order', () => {
    const original = scattered(500, 7, 6, 1);
    const set = copy(original);
    const buffer = set.embeddings.buffer;
    expect(groupByLabel(set)).toBe(set);
    expect(set.embeddings.buffer).toBe(buffer);
    const expected = [...Array(500).keys()].sort((a, b) => original.labels[a] - original.labels[b] || a - b); // stable
    expected.forEach((from, to) => {
      expect(set.labels[to]).toBe(original.labels[from]);
      expect(Array.from(set.embeddings.subarray(to * 7, (to + 1) * 7))).toEqual(Array.from(original.embeddings.subarray(from * 7, (from + 1) * 7)));
    });
    const again = copy(set);
    groupByLabel(again); // grouped data stays as it is
    expect(Array.from(again.embeddings)).toEqual(Array.from(set.embeddings));
  });

  it.each<[string, ImprintConfigInput]>([
    ['k-means', { preset: 'imprintKmeans', k: 3, seed: 4 } as ImprintConfigInput],
    ['least squares', { preset: 'leastSquaresOracle' } as ImprintConfigInput],
    ['all + 3-NN', { normPre: 'l2', gen: 'all', k: -1, normPost: 'l2', normInf: 'l2', agg: 'mnn', m: 3, metric: 'euclidean' }],
  ])('changes no result: %s on grouped train data (used in place) predicts as on the original order', async (_, config) => {
    const registry = createStandardRegistry();
    const train = scattered(600, 16, 5, 2);
    const test = scattered(200, 16, 5, 3);
    const before = await evaluateConfig(train, test, config, registry);
    const after = await evaluateConfig(groupByLabel(copy(train)), test, config, registry);
    expect(after.accuracy).toBe(before.accuracy);
    expect(after.perClassF1).toEqual(before.perClassF1);
  });
});
