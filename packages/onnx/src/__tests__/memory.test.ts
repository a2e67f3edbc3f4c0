import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Imprinter, Registry, createRng } from '@imprint/core';
import { aggregatorEntries } from '@imprint/aggregators';
import { generatorEntries } from '@imprint/generators';
import { normalizerEntries } from '@imprint/normalizers';
import { onnxEngine } from '../index.js';

describe('no memory growth on the native engine', () => {
  it('1000 predictions leave tensors and resident memory where they were after warm-up', async () => {
    const rng = createRng(5);
    const dim = 64;
    const rows = 2000;
    const data = Float32Array.from({ length: rows * dim }, () => rng.normal());
    const labels = Array.from({ length: rows }, (_, i) => i % 10);
    const queries = { data: Float32Array.from({ length: 200 * dim }, () => rng.normal()), shape: [200, dim] as [number, number] };
    const engine = onnxEngine();
    const registry = new Registry().use(generatorEntries).use(normalizerEntries).use(aggregatorEntries).setEngine(engine);
    const heads = [
      Imprinter.fromConfig({ gen: 'all', k: -1, agg: 'mnn', m: 5, metric: 'cosine' }, registry),
      Imprinter.fromConfig({ gen: 'all', k: -1, agg: 'mnn', m: 3, metric: 'euclidean', normPost: 'none', normInf: 'none', normPre: 'none' }, registry),
      Imprinter.fromConfig({ preset: 'imprintKmeans', k: 5 }, registry),
    ];
    for (const head of heads) await head.imprint({ data, shape: [rows, dim] }, labels);
    const predictAll = () => heads.forEach((head) => head.predictIndices(queries));
    for (let i = 0; i < 100; i++) predictAll(); // warm-up: sessions, arenas, JIT
    global.gc?.();
    const tensors = tf.memory().numTensors;
    const rss = process.memoryUsage().rss;
    for (let i = 0; i < 1000; i++) predictAll();
    global.gc?.();
    expect(tf.memory().numTensors).toBe(tensors);
    // 1000 × 3 predictions of 200 queries: a leak of the score block alone would be > 1 GiB
    expect((process.memoryUsage().rss - rss) / 2 ** 20).toBeLessThan(64);
    heads.forEach((head) => head.dispose());
    engine.dispose?.();
  });
});
