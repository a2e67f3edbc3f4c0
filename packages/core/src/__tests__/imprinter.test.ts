import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ImprintError, Imprinter, type ImprintConfigInput, type ImprintErrorCode } from '../index.js';
import { expectArraysClose, expectNoTensorLeak, syntheticClasses } from '../testing/index.js';
import { testRegistry } from './test-plugins.js';

async function expectCode(promiseOrFn: Promise<unknown> | (() => unknown), code: ImprintErrorCode, message?: RegExp): Promise<void> {
  try {
    if (typeof promiseOrFn === 'function') await promiseOrFn();
    else await promiseOrFn;
  } catch (error) {
    expect(error).toBeInstanceOf(ImprintError);
    expect((error as ImprintError).code).toBe(code);
    if (message) expect((error as ImprintError).message).toMatch(message);
    return;
  }
  throw new Error(`expected an ImprintError ${code}`);
}

const rows = (data: Float32Array, dim: number) => Array.from({ length: data.length / dim }, (_, i) => Array.from(data.subarray(i * dim, (i + 1) * dim)));

describe('Imprinter', () => {
  it('imprints class means and predicts with max inner product (hand-computed)', async () => {
    const head = Imprinter.fromConfig({ normPre: 'none', normPost: 'none', normInf: 'none' }, testRegistry());
    await head.imprint(
      [
        [1, 0],
        [3, 0],
        [0, 2],
        [0, 4],
      ],
      [7, 7, 3, 3],
    );
    expect(head.classes).toEqual([3, 7]);
    const p3 = head.proxiesOf(3);
    expect(p3.arraySync()).toEqual([[0, 3]]);
    p3.dispose();
    const scores = head.scores([[1, 1], [2, -1]]);
    expect(scores.arraySync()).toEqual([
      [3, 2],
      [-3, 4],
    ]);
    scores.dispose();
    expect(head.predict([[1, 1], [2, -1]])).toEqual([3, 7]);
    head.dispose();
  });

  it('maps any labels, strings after numbers, ascending', async () => {
    const head = Imprinter.fromConfig({ normPre: 'none', normPost: 'none', normInf: 'none' }, testRegistry());
    await head.imprint([[1], [2], [3], [4]], ['cat', 100, -5, 'ant']);
    expect(head.classes).toEqual([-5, 100, 'ant', 'cat']);
    // scores of x are x·3, x·2, x·4, x·1 in that class order
    expect(head.predict([[3], [-1]])).toEqual(['ant', 'cat']);
    head.dispose();
  });

  it('gives the same head when classes are added one by one as when imprinted at once', async () => {
    const { data, labels, dim } = syntheticClasses(4, 12, 6, 11);
    const all = rows(data, dim);
    const config = { gen: 'random', k: 3, normPost: 'shift', seed: 5 } satisfies ImprintConfigInput;
    const batch = Imprinter.fromConfig(config, testRegistry());
    await batch.imprint(all, labels);
    const incremental = Imprinter.fromConfig(config, testRegistry());
    for (const label of [0, 1, 2, 3]) await incremental.addClass(label, all.filter((_, i) => labels[i] === label));
    expect(incremental.classes).toEqual(batch.classes);
    const a = batch.weights().weights.arraySync();
    const b = incremental.weights().weights.arraySync();
    expect(b).toEqual(a);
    batch.dispose();
    incremental.dispose();
  });

  it('draws random choices per class label, independent of the other classes', async () => {
    const { data, labels, dim } = syntheticClasses(3, 10, 4, 2);
    const all = rows(data, dim);
    const config = { gen: 'random', k: 2, normPre: 'none', normPost: 'none', seed: 9 } satisfies ImprintConfigInput;
    const three = Imprinter.fromConfig(config, testRegistry());
    await three.imprint(all, labels);
    const one = Imprinter.fromConfig(config, testRegistry());
    await one.addClass(2, all.filter((_, i) => labels[i] === 2));
    const x = three.proxiesOf(2);
    const y = one.proxiesOf(2);
    expect(y.arraySync()).toEqual(x.arraySync());
    [x, y].forEach((t) => t.dispose());
    const otherSeed = Imprinter.fromConfig({ ...config, seed: 10 }, testRegistry());
    await otherSeed.addClass(2, all.filter((_, i) => labels[i] === 2));
    const z = otherSeed.proxiesOf(2);
    const w = one.proxiesOf(2);
    expect(z.arraySync()).not.toEqual(w.arraySync());
    [z, w].forEach((t) => t.dispose());
    [three, one, otherSeed].forEach((h) => h.dispose());
  });

  it('stores every sample when k = -1 or a class has fewer than k samples', async () => {
    const head = Imprinter.fromConfig({ gen: 'mean', k: -1, normPre: 'none', normPost: 'none' }, testRegistry());
    await head.imprint([[1, 0], [2, 0], [0, 1]], [0, 0, 1]);
    expect(head.proxyCounts).toEqual([2, 1]);
    head.dispose();
    const few = Imprinter.fromConfig({ gen: 'random', k: 5, normPre: 'none', normPost: 'none' }, testRegistry());
    await few.imprint([[1, 0], [2, 0], [0, 1], [0, 2], [0, 3], [0, 4], [0, 5]], [0, 0, 1, 1, 1, 1, 1]);
    expect(few.proxyCounts).toEqual([2, 5]);
    few.dispose();
  });

  it('removes a class and keeps the others as they were', async () => {
    const head = Imprinter.fromConfig({ normPre: 'none', normPost: 'none', normInf: 'none' }, testRegistry());
    await head.imprint([[1, 0], [0, 1], [1, 1]], ['a', 'b', 'c']);
    await head.removeClass('b');
    expect(head.classes).toEqual(['a', 'c']);
    expect(head.predict([[0, 1]])).toEqual(['c']);
    await expectCode(head.removeClass('b'), 'UNKNOWN_CLASS', /class "b" is not imprinted; imprinted classes: "a", "c"/);
    await head.addClass('b', [[0, 1]]);
    expect(head.classes).toEqual(['a', 'c', 'b']);
    expect(head.predict([[0, 1]])).toEqual(['c']);
    head.dispose();
  });

  it('re-solves joint generators on every change', async () => {
    const head = Imprinter.fromConfig({ gen: 'centered', normPre: 'none', normPost: 'none', normInf: 'none' }, testRegistry());
    await head.imprint([[2, 0], [0, 2]], [0, 1]);
    expectArraysClose(head.weights().weights.arraySync(), [[1, -1], [-1, 1]]);
    await head.addClass(2, [[4, 4]]);
    // means (2,0), (0,2), (4,4); grand mean (2,2)
    expectArraysClose(head.weights().weights.arraySync(), [[0, -2], [-2, 0], [2, 2]]);
    await head.removeClass(2);
    expectArraysClose(head.weights().weights.arraySync(), [[1, -1], [-1, 1]]);
    head.dispose();
  });

  it('passes the weights of earlier classes to NORMpost as reference', async () => {
    const head = Imprinter.fromConfig({ normPre: 'none', normPost: 'shift' }, testRegistry());
    await head.imprint([[0], [0], [0]], [1, 2, 3]);
    // class 1 has no reference (+0), class 2 sees 1 stored row (+1), class 3 sees 2 (+2)
    expect(head.weights().weights.arraySync()).toEqual([[0], [1], [2]]);
    head.dispose();
  });

  describe('bad input', () => {
    it('rejects NaN and infinite embeddings, naming the position', async () => {
      const head = Imprinter.fromConfig({}, testRegistry());
      await expectCode(head.imprint([[1, Number.NaN]], [0]), 'NON_FINITE', /train embeddings must contain only finite numbers, got NaN at row 0, column 1/);
      await expectCode(head.addClass(1, { data: [1, 2, Infinity, 4], shape: [2, 2] }), 'NON_FINITE', /got Infinity at row 1, column 0/);
      const bad = tf.tensor2d([[1, 2], [3, -Infinity]]);
      await expectCode(head.imprint(bad, [0, 1]), 'NON_FINITE');
      bad.dispose();
      await head.imprint([[1, 2]], [0]);
      await expectCode(() => head.predict([[Number.NaN, 1]]), 'NON_FINITE', /query embeddings/);
      head.dispose();
    });

    it('rejects dimension mismatches between train, stored weights and queries', async () => {
      const head = Imprinter.fromConfig({}, testRegistry());
      await head.imprint([[1, 2, 3]], [0]);
      await expectCode(head.addClass(1, [[1, 2]]), 'DIMENSION_MISMATCH', /have dimension 2, but the stored weights have dimension 3/);
      await expectCode(() => head.predict([[1, 2]]), 'DIMENSION_MISMATCH', /query embeddings have dimension 2/);
      await expectCode(head.imprint([[1, 2], [1]], [2, 3]), 'DIMENSION_MISMATCH', /row 1 has 1 values/);
      head.dispose();
    });

    it('rejects empty classes, label/row count mismatches and duplicates', async () => {
      const head = Imprinter.fromConfig({}, testRegistry());
      await expectCode(head.addClass(0, []), 'EMPTY_CLASS', /class 0 has no train embeddings/);
      await expectCode(head.imprint([], []), 'EMPTY_CLASS');
      await expectCode(head.imprint([[1]], [0, 1]), 'INVALID_INPUT', /got 2 labels for 1 train embeddings/);
      await expectCode(head.imprint([[1]], [Number.NaN]), 'INVALID_INPUT', /label 0 must be a finite number or a non-empty string/);
      await head.imprint([[1]], [0]);
      await expectCode(head.addClass(0, [[2]]), 'CLASS_EXISTS', /class 0 is already imprinted/);
      head.dispose();
    });

    it('rejects numbers that overflow float32 instead of predicting from Infinity', async () => {
      const head = Imprinter.fromConfig({}, testRegistry());
      await head.imprint([[1, 2]], [0]);
      await expectCode(() => head.predict([[1e39, 1]]), 'NON_FINITE', /got 1e\+39 at row 0, column 0, which is outside the float32 range/);
      await expectCode(() => head.predict({ data: Float64Array.from([1, -4e38]), shape: [1, 2] }), 'NON_FINITE', /-4e\+38 at row 0, column 1, which is outside the float32 range/);
      await expectCode(head.addClass(1, [[2, 3.5e38]]), 'NON_FINITE', /outside the float32 range/);
      expect(head.classes).toEqual([0]);
      head.dispose();
    });

    it('refuses other calls while a change is still running (BUSY), and works again once it is awaited', async () => {
      const head = Imprinter.fromConfig({ gen: 'centered', normPost: 'none' }, testRegistry());
      await head.imprint([[1, 0], [0, 1], [1, 1]], [0, 1, 2]);
      const removing = head.removeClass(2); // not awaited
      await expectCode(() => head.predict([[1, 0]]), 'BUSY', /removeClass\(2\) is still running on this head; await it/);
      await expectCode(head.addClass(5, [[3, 3]]), 'BUSY');
      await removing;
      expect(head.classes).toEqual([0, 1]);
      expect(head.predict([[1, 0]])).toEqual([0]);
      head.dispose();
    });

    it('leaves a joint head unchanged when re-solving after a removal fails', async () => {
      const registry = testRegistry().use(
        { kind: 'generator', name: 'fragile', create: () => ({ kind: 'generator', name: 'fragile', scope: 'joint', generate: (classes) => {
          if (classes.length < 3) throw new ImprintError('INVALID_INPUT', 'fragile needs three classes');
          return classes.map((x) => tf.tidy(() => tf.mean(x, 0, true) as tf.Tensor2D));
        } }) },
      );
      const head = Imprinter.fromConfig({ gen: 'fragile' as never, normPost: 'none' }, registry);
      await head.imprint([[1, 0], [0, 1], [1, 1]], [0, 1, 2]);
      const before = head.weights().weights.dataSync().slice();
      await expectCode(head.removeClass(1), 'INVALID_INPUT', /fragile needs three classes/);
      expect(head.classes).toEqual([0, 1, 2]);
      expect(head.weights().weights.dataSync()).toEqual(before);
      head.dispose();
    });

    it('refuses to predict before any class exists', async () => {
      const head = Imprinter.fromConfig({}, testRegistry());
      await expectCode(() => head.predict([[1]]), 'NO_CLASSES', /no class is imprinted yet/);
      head.dispose();
    });
  });

  it('leaks no tensor over a full imprint → add → remove → predict → dispose cycle', async () => {
    const { data, labels, dim } = syntheticClasses(3, 8, 5, 4);
    const train = tf.tensor2d(data, [labels.length, dim]);
    await expectNoTensorLeak(async () => {
      for (const gen of ['mean', 'random', 'centered'] as const) {
        const head = Imprinter.fromConfig({ gen, k: 2, normPost: gen === 'centered' ? 'none' : 'shift' }, testRegistry());
        await head.imprint(train, labels);
        await head.addClass(99, [[1, 2, 3, 4, 5]]);
        await head.removeClass(1);
        head.predict(train);
        const s = head.scores(train);
        s.dispose();
        head.dispose();
      }
    });
    train.dispose();
  });
});
