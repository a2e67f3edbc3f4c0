import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeNormalizerContract, expectArraysClose } from '@imprint/core/testing';
import { quantile, referenceQuantiles } from '../index.js';

// The quantile_norm case of the shared parity fixture.
const parity = JSON.parse(readFileSync(new URL('./fixtures/quantile-norm.json', import.meta.url), 'utf8')) as { x: number[][]; reference: number[][]; result: number[][] };

describeNormalizerContract('quantile', () => quantile());

describe('quantile', () => {
  it('reproduces the reference case', () => {
    const x = tf.tensor2d(parity.x);
    const reference = tf.tensor2d(parity.reference);
    const y = quantile().normalize(x, { reference });
    expectArraysClose(y.arraySync(), parity.result, 1e-6);
    [x, reference, y].forEach((t) => t.dispose());
  });

  it('gives every row exactly the quantile values of the reference, in the row\'s rank order', () => {
    const x = tf.tensor2d([
      [3, -1, 2, 10],
      [0, 0.5, -7, 1],
    ]);
    const referenceValues = [5, 1, 4, 2, 3, 9, 0, 7];
    const reference = tf.tensor2d(referenceValues, [2, 4]);
    const y = quantile().normalize(x, { reference }).arraySync();
    const targets = Array.from(referenceQuantiles([...referenceValues].sort((a, b) => a - b), 4));
    // hand-computed: sorted 0 1 2 3 4 5 7 9, positions q·7 for q = 1/8, 3/8, 5/8, 7/8
    expectArraysClose(targets, [0.875, 2.625, 4.375, 7.25], 1e-12);
    expectArraysClose([...y[0]].sort((a, b) => a - b), targets, 1e-6);
    expectArraysClose(y[0], [targets[2], targets[0], targets[1], targets[3]], 1e-6);
    expectArraysClose(y[1], [targets[1], targets[2], targets[0], targets[3]], 1e-6);
    [x, reference].forEach((t) => t.dispose());
  });

  it('leaves the first class (no reference) unchanged and is NORMpost only', () => {
    const x = tf.tensor2d([[3, 1, 2]]);
    const y = quantile().normalize(x, {});
    expect(y.arraySync()).toEqual([[3, 1, 2]]);
    expect(quantile().stages).toEqual(['post']);
    [x, y].forEach((t) => t.dispose());
  });
});
