import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng, ImprintError } from '@imprint/core';
import { expectNoTensorLeak } from '@imprint/core/testing';
import { fewshot } from '../index.js';

describe('fewshot presampling', () => {
  const x = tf.tensor2d(Array.from({ length: 10 }, (_, i) => [i, -i]));

  it('keeps n distinct rows in their original order, reproducibly', async () => {
    await expectNoTensorLeak(() => {
      const a = fewshot({ n: 4 }).select(x, { rng: createRng(3) });
      const b = fewshot({ n: 4 }).select(x, { rng: createRng(3) });
      const rows = (a.arraySync() as number[][]).map((r) => r[0]);
      expect(rows).toHaveLength(4);
      expect(new Set(rows).size).toBe(4);
      expect([...rows].sort((p, q) => p - q)).toEqual(rows);
      expect(b.arraySync()).toEqual(a.arraySync());
      a.dispose();
      b.dispose();
    });
  });

  it('keeps every row of a class smaller than n', () => {
    const all = fewshot({ n: 50 }).select(x, { rng: createRng(1) });
    expect(all.arraySync()).toEqual(x.arraySync());
    all.dispose();
  });

  it('rejects n < 1', () => {
    expect(() => fewshot({ n: 0 })).toThrow(ImprintError);
    expect(() => fewshot({ n: 0 })).toThrow(/fewshot must be a positive integer \(samples per class\), got 0/);
  });
});
