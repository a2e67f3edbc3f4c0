import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createStandardRegistry, evaluateConfig } from '../index.js';
import { toSet } from './parity-fixture.js';

interface Heldout {
  train: { embeddings: number[][]; labels: number[] };
  test: { embeddings: number[][]; labels: number[] };
  qi2018: { predictions: number[]; accuracy: number };
}

// Produced by tools/reference/make_heldout_fixture.py: the reference semantics in float64 numpy
// on a separate, harder synthetic task with non-contiguous labels.
const heldout = JSON.parse(readFileSync(new URL('./fixtures/heldout-qi.json', import.meta.url), 'utf8')) as Heldout;

describe('Qi et al. on held-out data', () => {
  it('returns the same accuracy as the reference implementation', async () => {
    const result = await evaluateConfig(toSet(heldout.train), toSet(heldout.test), { normPre: 'l2', gen: 'mean', k: 1, normPost: 'l2', normInf: 'l2', agg: 'max' }, createStandardRegistry());
    expect(result.classes).toEqual([1, 4, 7, 10, 13, 16, 19, 22, 25, 28]);
    expect(result.accuracy).toBeCloseTo(heldout.qi2018.accuracy, 10);
  });
});
