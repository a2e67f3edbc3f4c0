import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoTensorLeak } from '../testing/index.js';
import { WeightStore } from '../head/weight-store.js';

const rows = (value: number, count: number) => tf.tensor2d(Array.from({ length: count }, (_, i) => [value, i]));

describe('WeightStore', () => {
  it('packs appended classes once, keeps offsets, removes and slices classes, and leaks nothing', async () => {
    await expectNoTensorLeak(() => {
      const store = new WeightStore();
      store.append(rows(1, 2));
      store.append(rows(2, 1));
      store.append(rows(3, 3));
      const view = store.proxySet();
      expect(store.proxySet()).toBe(view); // no repacking without a change
      expect(Array.from(view.classOffsets)).toEqual([0, 2, 3, 6]);
      expect(view.weights.arraySync().map((r) => r[0])).toEqual([1, 1, 2, 3, 3, 3]);
      const second = store.rowsOf(1);
      expect(second.arraySync()).toEqual([[2, 0]]);
      second.dispose();
      store.remove(1);
      expect(store.counts).toEqual([2, 3]);
      expect(store.proxySet().weights.arraySync().map((r) => r[0])).toEqual([1, 1, 3, 3, 3]);
      store.append(rows(4, 1));
      expect(Array.from(store.proxySet().classOffsets)).toEqual([0, 2, 5, 6]);
      store.remove(0);
      store.remove(0);
      store.remove(0);
      expect(store.numClasses).toBe(0);
      store.append(rows(5, 2));
      store.clear();
    });
  });

  it('keeps weights that are packed inside a caller’s tf.tidy', () => {
    const store = new WeightStore();
    store.append(rows(1, 1));
    store.append(rows(2, 1));
    const shape = tf.tidy(() => store.proxySet().weights.shape);
    expect(shape).toEqual([2, 2]);
    expect(store.proxySet().weights.isDisposed).toBe(false);
    expect(store.proxySet().weights.arraySync()).toEqual([[1, 0], [2, 0]]);
    store.clear();
  });
});
