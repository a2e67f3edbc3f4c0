import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng } from '@imprint/core';
import { describeGeneratorContract, expectArraysClose } from '@imprint/core/testing';
import { mean } from '../index.js';

describeGeneratorContract('mean', () => mean());

describe('mean', () => {
  it('returns the column means as one proxy, whatever k is', async () => {
    const x = tf.tensor2d([
      [1, 2, 3],
      [3, 2, 1],
      [2, 5, -1],
    ]);
    for (const k of [1, 3]) {
      const proxies = await mean().generate(x, { k, rng: createRng(0) });
      expect(proxies.shape).toEqual([1, 3]);
      expectArraysClose(proxies.arraySync(), [[2, 3, 1]]);
      proxies.dispose();
    }
    x.dispose();
  });
});
