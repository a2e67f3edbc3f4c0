import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ImprintError } from '@imprint/core';
import { selectBackend, type BackendChoice } from '../index.js';

const original = tf.getBackend();
afterAll(async () => {
  await tf.setBackend(original);
});

describe('selectBackend', () => {
  it('activates an explicit backend and logs the choice', async () => {
    const lines: string[] = [];
    expect(await selectBackend('cpu', (l) => lines.push(l))).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await selectBackend('wasm', (l) => lines.push(l))).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(lines).toEqual(['tfjs backend: cpu', 'tfjs backend: wasm']);
  });

  it('auto falls back to wasm when tfjs-node is not installed', async () => {
    const lines: string[] = [];
    expect(await selectBackend('auto', (l) => lines.push(l))).toBe('wasm');
    expect(lines).toEqual(['tfjs backend: wasm']);
  });

  it('fails for tensorflow without tfjs-node, saying how to install it', async () => {
    await expect(selectBackend('tensorflow', () => undefined)).rejects.toThrow(/pnpm add @tensorflow\/tfjs-node-gpu/);
    // every candidate tried is named with its reason, in one line
    await expect(selectBackend('tensorflow', () => undefined)).rejects.toThrow(/^no tf\.js backend \(tensorflow\) could start: @tensorflow\/tfjs-node-gpu: @tensorflow\/tfjs-node-gpu is not installed; @tensorflow\/tfjs-node: @tensorflow\/tfjs-node is not installed\. Install/);
    await expect(selectBackend('gpu' as BackendChoice, () => undefined)).rejects.toBeInstanceOf(ImprintError);
  });
});
