import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { KERNEL_NAMES, REFERENCE_KERNELS, REFERENCE_KERNEL_SET, kernelSet, type Kernels } from '../index.js';
import { describeEngineContract } from '../testing/index.js';

// The reference kernels are held to the contract every engine is held to.
describeEngineContract('reference kernels', () => ({ kind: 'engine', name: 'reference', kernels: REFERENCE_KERNELS }));

describe('kernelSet: one table, the engine overriding by name', () => {
  const a = { values: Float32Array.from([1, 2, 3, 4]), rows: 2, dim: 2 };

  it('without an engine every kernel is the reference one, and nothing is overridden', () => {
    expect(kernelSet()).toBe(REFERENCE_KERNEL_SET);
    expect(KERNEL_NAMES).toHaveLength(8);
    for (const name of KERNEL_NAMES) expect(typeof REFERENCE_KERNEL_SET[name]).toBe('function');
    expect(REFERENCE_KERNEL_SET.overridden.size).toBe(0);
    expect(Array.from(kernelSet({}).gram(a))).toEqual([10, 14, 14, 20]);
  });

  it("takes the engine's kernel by name, and the reference where the engine has none or declines", () => {
    let calls = 0;
    const engine: Kernels = {
      gram: () => (calls++, Float32Array.from([7, 7, 7, 7])),
      matMulTransposed: () => undefined, // declines every call
    };
    const set = kernelSet(engine);
    expect(kernelSet(engine)).toBe(set); // cached per kernels object
    expect(kernelSet(set)).toBe(set);
    expect([...set.overridden].sort()).toEqual(['gram', 'matMulTransposed']);
    expect(Array.from(set.gram(a))).toEqual([7, 7, 7, 7]);
    expect(calls).toBe(1);
    expect(Array.from(set.matMulTransposed(a, a))).toEqual([5, 11, 11, 25]);
    expect(Array.from(set.rowSquaredNorms(a))).toEqual([5, 25]);
  });

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    REFERENCE_KERNEL_SET.matMulTransposed(a, a);
    REFERENCE_KERNEL_SET.matMulTransposedRows(a, Int32Array.from([1]), a);
    REFERENCE_KERNEL_SET.gram(a);
    REFERENCE_KERNEL_SET.nearest(a, a, 1, 'euclidean');
    expect(tf.memory().numTensors).toBe(before);
  });
});
