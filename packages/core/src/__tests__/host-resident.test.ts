import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { adjacentSpan, cloneTensor, definePlugin, hostMatrixOf, Imprinter, isHostResident, tensorFromHost, type JointGenerator } from '../index.js';
import { expectNoTensorLeak } from '../testing/index.js';
import { testRegistry } from './test-plugins.js';

// The test setup registers the cpu backend beside the active WASM backend, as the CLI does.
const wasmActive = tf.getBackend() === 'wasm' && tf.findBackend('cpu') !== null;
const backendOf = (t: tf.Tensor) => tf.engine().state.tensorInfo.get(t.dataId)?.backend;

describe.runIf(wasmActive)('tensors from host values (WASM active, cpu backend registered)', () => {
  it('stay on the host, uncopied, until a WASM kernel reads them; then give the same results', async () => {
    await expectNoTensorLeak(() => {
      const values = Float32Array.from([1, 2, 3, 4, 5, 6]);
      const t = tensorFromHost(values, 2, 3);
      expect(isHostResident(t)).toBe(true);
      expect(t.dataSync()).toBe(values); // the array itself: nothing was copied
      expect(hostMatrixOf(t).values).toBe(values);
      const clone = cloneTensor(t);
      expect(isHostResident(clone)).toBe(true); // a clone is no reason to copy into WASM
      expect(hostMatrixOf(clone).values).toBe(values);
      const summed = tf.sum(t, 1); // a WASM kernel: the data moves into the WASM heap once
      expect(Array.from(summed.dataSync())).toEqual([6, 15]);
      expect(isHostResident(t)).toBe(false);
      expect(backendOf(t)).toBe(tf.findBackend('wasm'));
      expect(Array.from(t.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
      expect(hostMatrixOf(t).values).toBe(values); // the host mirror is still known
      const doubled = tf.mul(clone, 2);
      expect(Array.from(doubled.dataSync())).toEqual([2, 4, 6, 8, 10, 12]);
      tf.dispose([t, clone, summed, doubled]);
    });
  });

  it('lets a head imprint and predict without copying train data into WASM when plugins read host values', async () => {
    const seen: boolean[] = [];
    // A joint generator that reads only host values (as the least-squares generator does with an engine).
    const hostMeans = (): JointGenerator => ({
      kind: 'generator',
      name: 'hostMeans',
      scope: 'joint',
      generate: (classes) =>
        classes.map((x) => {
          seen.push(isHostResident(x));
          const { values, rows, dim } = hostMatrixOf(x);
          const mean = new Float32Array(dim);
          for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) mean[j] += values[r * dim + j] / rows;
          return tensorFromHost(mean, 1, dim);
        }),
    });
    const registry = testRegistry().use([
      definePlugin({ kind: 'generator', name: 'hostMeans', create: hostMeans }),
      // NORMpre that changes nothing, as the `none` normalizer does (a clone that shares the data).
      definePlugin({ kind: 'normalizer', name: 'same', create: () => ({ kind: 'normalizer', name: 'same', stages: ['pre', 'post', 'inf'], normalize: (x) => cloneTensor(x) }) }),
    ]);
    await expectNoTensorLeak(async () => {
      const head = Imprinter.fromConfig({ normPre: 'same', gen: 'hostMeans' as 'mean', k: 1, normPost: 'none', normInf: 'none', agg: 'max' }, registry);
      await head.imprint({ data: [-10, -10, -10, -12, 10, 10, 10, 12], shape: [4, 2] }, [0, 0, 1, 1]);
      expect(seen).toEqual([true, true]);
      expect(head.predict([[-1, -1], [1, 1]])).toEqual([0, 1]);
      head.dispose();
    });
  });
});

describe('imprint with borrow', () => {
  const registry = testRegistry().use(
    definePlugin({ kind: 'normalizer', name: 'same', create: () => ({ kind: 'normalizer', name: 'same', stages: ['pre', 'post', 'inf'], normalize: (x) => cloneTensor(x) }) }),
  );
  // k = -1 keeps every sample: the raw proxies are the (prepared) train rows themselves.
  const config = { normPre: 'same', gen: 'mean', k: -1, normPost: 'none', normInf: 'none', agg: 'max' } as const;
  const data = Float32Array.from({ length: 12 }, (_, i) => i);

  it('uses consecutive class rows in place, copies scattered ones, and copies everything without borrow', async () => {
    await expectNoTensorLeak(async () => {
      const head = Imprinter.fromConfig(config as never, registry);
      const grouped = await head.generateRaw({ data, shape: [6, 2] }, [0, 0, 1, 1, 1, 2], { borrow: true });
      expect(grouped.map(({ proxies }) => hostMatrixOf(proxies).values.buffer === data.buffer)).toEqual([true, true, true]);
      expect(grouped[1].proxies.arraySync()).toEqual([[4, 5], [6, 7], [8, 9]]);
      const scattered = await head.generateRaw({ data, shape: [6, 2] }, [0, 1, 0, 1, 1, 2], { borrow: true });
      expect(scattered.map(({ proxies }) => hostMatrixOf(proxies).values.buffer === data.buffer)).toEqual([false, false, true]);
      expect(scattered[0].proxies.arraySync()).toEqual([[0, 1], [4, 5]]);
      const copied = await head.generateRaw({ data, shape: [6, 2] }, [0, 0, 1, 1, 1, 2]);
      expect(copied.some(({ proxies }) => hostMatrixOf(proxies).values.buffer === data.buffer)).toBe(false);
      for (const { proxies } of [...grouped, ...scattered, ...copied]) proxies.dispose();
      head.dispose();
    });
  });

  it('adjacentSpan: the one matrix of views that lie back to back, else undefined', () => {
    const view = (from: number, rows: number) => ({ values: data.subarray(from * 2, (from + rows) * 2), rows, dim: 2 });
    const span = adjacentSpan([view(1, 2), view(3, 1), view(4, 2)]);
    expect(span?.rows).toBe(5);
    expect(Array.from(span!.values)).toEqual(Array.from(data.subarray(2)));
    expect(adjacentSpan([view(0, 2), view(3, 1)])).toBeUndefined(); // a gap
    expect(adjacentSpan([view(3, 1), view(0, 2)])).toBeUndefined(); // out of order
    expect(adjacentSpan([view(0, 2), { values: data.slice(4, 6), rows: 1, dim: 2 }])).toBeUndefined(); // another buffer
    expect(adjacentSpan([])).toBeUndefined();
  });
});
