import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeNormalizerContract, expectArraysClose } from '@imprint/core/testing';
import { l2, none } from '../index.js';

describeNormalizerContract('l2', () => l2());
describeNormalizerContract('none', () => none());

describe('l2', () => {
  it('scales rows to unit length and leaves zero rows at zero', () => {
    const x = tf.tensor2d([
      [3, 4],
      [0, 0],
      [-1, 0],
    ]);
    const y = l2().normalize(x);
    expectArraysClose(y.arraySync(), [
      [0.6, 0.8],
      [0, 0],
      [-1, 0],
    ]);
    x.dispose();
    y.dispose();
  });
});

describe('none', () => {
  it('returns an equal copy', () => {
    const x = tf.tensor2d([[1, -2]]);
    const y = none().normalize(x);
    expect(y).not.toBe(x);
    expect(y.arraySync()).toEqual([[1, -2]]);
    x.dispose();
    y.dispose();
  });
});
