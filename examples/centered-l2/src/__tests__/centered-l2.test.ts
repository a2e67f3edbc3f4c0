import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng, parseConfig, Registry } from '@imprint/core';
import { describeNormalizerContract, expectArraysClose } from '@imprint/core/testing';
import { createStandardRegistry, expandGrid, readResults, runGrid, type EmbeddingSet } from '@imprint/eval';
import { centeredL2, centeredL2Entry, centeredL2EntryWith, fitCenter } from '../index.js';

describeNormalizerContract('centered-l2 (reference)', () => centeredL2());
describeNormalizerContract('centered-l2 (fitted centre)', () => centeredL2({ center: new Array(7).fill(0.5) }));

describe('centered-l2', () => {
  it('subtracts the centre, then L2-normalises (hand-computed)', () => {
    const x = tf.tensor2d([
      [4, 5],
      [1, 1],
    ]);
    const y = centeredL2({ center: [1, 1] }).normalize(x);
    expectArraysClose(y.arraySync(), [
      [0.6, 0.8],
      [0, 0],
    ]);
    const reference = tf.tensor2d([
      [0, 2],
      [2, 0],
    ]);
    const z = centeredL2().normalize(x, { reference }); // centre (1, 1)
    expectArraysClose(z.arraySync(), [
      [0.6, 0.8],
      [0, 0],
    ]);
    [x, y, reference, z].forEach((t) => t.dispose());
    expect(Array.from(fitCenter([[1, 2], [3, 6]]))).toEqual([2, 4]);
  });

  it('resolves by name; with the stored-weights centre it is NORMpost only', () => {
    const registry = new Registry().use(centeredL2Entry);
    expect(registry.create('normalizer', 'centered-l2', parseConfig({})).stages).toEqual(['post']);
    expect(new Registry().use(centeredL2EntryWith([0, 0])).create('normalizer', 'centered-l2', parseConfig({})).stages).toEqual(['pre', 'post', 'inf']);
  });

  it('used by name in a grid, it separates classes that plain L2 merges', async () => {
    // Two classes along the same direction v, at 1·v and 3·v (plus noise): L2 normalisation maps
    // both onto ≈ v/‖v‖, so plain Qi imprinting is near chance; centring at the mean (2·v) first
    // sends them to ∓v, and CL2N separates them.
    const rng = createRng(4);
    const v = Array.from({ length: 8 }, () => 1 + rng.next());
    const sample = (count: number): EmbeddingSet => {
      const rows: number[] = [];
      const labels: number[] = [];
      for (let i = 0; i < count; i++) {
        const label = i % 2;
        for (const x of v) rows.push((label === 0 ? 1 : 3) * x + 0.2 * rng.normal());
        labels.push(label);
      }
      return { embeddings: Float32Array.from(rows), shape: [count, v.length], labels: Int32Array.from(labels) };
    };
    const data = { train: sample(60), test: sample(200) };
    const registry = createStandardRegistry().use(centeredL2EntryWith(fitCenter({ data: data.train.embeddings, shape: data.train.shape })));
    const runs = expandGrid({ backbones: ['synthetic'], datasets: ['magnitudes'], splits: ['0,1'], seeds: [0], methods: [{ preset: 'qi2018' }, { preset: 'qi2018', normPre: 'centered-l2', normPost: 'l2', normInf: 'centered-l2' }] }, registry);
    const dir = await mkdtemp(join(tmpdir(), 'imprint-cl2n-'));
    await runGrid({ runs, resultsPath: join(dir, 'r.jsonl'), registry, data: async (_keys, part) => data[part] });
    const accuracy = (normPre: string) => readResults(join(dir, 'r.jsonl')).results.find((r) => r.config.normPre === normPre)!.accuracy;
    expect(accuracy('l2')).toBeLessThan(75);
    expect(accuracy('centered-l2')).toBeGreaterThan(95);
  });
});
