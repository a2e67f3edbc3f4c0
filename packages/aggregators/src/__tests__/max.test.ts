import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeAggregatorContract, expectArraysClose, expectNoTensorLeak } from '@imprint/core/testing';
import { max, rowsPerBlock } from '../index.js';

describeAggregatorContract('max', () => max());
describeAggregatorContract('max (tiny blocks)', () => max({ blockElements: 7 }));

describe('max', () => {
  // class 0: proxies (1, 0), (0, 1); class 1: proxy (1, 1); class 2: proxies (-1, 0), (2, -1), (0, -3)
  const weights = tf.tensor2d([
    [1, 0],
    [0, 1],
    [1, 1],
    [-1, 0],
    [2, -1],
    [0, -3],
  ]);
  const proxies = { weights, classOffsets: Int32Array.from([0, 2, 3, 6]), numClasses: 3 };
  const queries = tf.tensor2d([
    [2, 1],
    [-1, -1],
    [0.5, 0.5],
  ]);
  const expected = [
    [2, 3, 3],
    [-1, -2, 3],
    [0.5, 1, 0.5],
  ];

  it('scores each class by its best inner product (hand-computed), with unequal proxy counts', () => {
    const scores = max().scores(queries, proxies);
    expectArraysClose(scores.arraySync(), expected);
    scores.dispose();
  });

  it('gives the same scores when queries are processed in blocks', async () => {
    await expectNoTensorLeak(() => {
      const scores = max({ blockElements: 6 }).scores(queries, proxies);
      expectArraysClose(scores.arraySync(), expected);
      scores.dispose();
    });
  });

  it('uses the reshape path when every class has the same number of proxies', () => {
    const even = { weights, classOffsets: Int32Array.from([0, 2, 4, 6]), numClasses: 3 };
    const scores = max().scores(queries, even);
    // class 1 now owns rows 2-3, class 2 rows 4-5
    expectArraysClose(scores.arraySync(), [
      [2, 3, 3],
      [-1, 1, 3],
      [0.5, 1, 0.5],
    ]);
    scores.dispose();
  });

  it('sizes blocks to the memory budget', () => {
    expect(rowsPerBlock(10_000, 60_000, 16 * 1024 * 1024)).toBe(279);
    expect(rowsPerBlock(10, 5, 1000)).toBe(10);
    expect(rowsPerBlock(10, 5000, 10)).toBe(1);
  });
});
