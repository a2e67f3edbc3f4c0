// Minimal plugins for core's own tests (core imports no plugin package).
import * as tf from '@tensorflow/tfjs-core';
declare module '../config/config.js' {
  interface GeneratorRegistry {
    mean: Record<string, never>;
    random: Record<string, never>;
    centered: Record<string, never>;
  }
}

import { defineOption, definePlugin, Registry, type Aggregator, type ClassGenerator, type JointGenerator, type Normalizer } from '../index.js';

export const identity = (): Normalizer => ({ kind: 'normalizer', name: 'none', stages: ['pre', 'post', 'inf'], normalize: (x) => x.clone() });
export const unit = (): Normalizer => ({
  kind: 'normalizer',
  name: 'l2',
  stages: ['pre', 'post', 'inf'],
  normalize: (x) => tf.tidy(() => tf.div(x, tf.norm(x, 2, 1, true)) as tf.Tensor2D),
});
/** Post-only normaliser that shifts a class's proxies by the row count of the reference. */
export const shiftByReference = (): Normalizer => ({
  kind: 'normalizer',
  name: 'shift',
  stages: ['post'],
  normalize: (x, context) => tf.tidy(() => tf.add(x, tf.scalar(context?.reference?.shape[0] ?? 0)) as tf.Tensor2D),
});
export const average = (): ClassGenerator => ({ kind: 'generator', name: 'mean', scope: 'class', generate: (x) => tf.tidy(() => tf.mean(x, 0, true) as tf.Tensor2D) });
/** Picks k random rows with the rng it is given. */
export const randomRows = (): ClassGenerator => ({
  kind: 'generator',
  name: 'random',
  scope: 'class',
  generate: (x, { k, rng }) => tf.tidy(() => tf.gather(x, tf.tensor1d(rng.sample(x.shape[0], k), 'int32')) as tf.Tensor2D),
});
/** Joint generator: each class's mean minus the mean over all classes' means. */
export const centeredMeans = (): JointGenerator => ({
  kind: 'generator',
  name: 'centered',
  scope: 'joint',
  generate: (classes) =>
    tf.tidy(() => {
      const means = classes.map((x) => tf.mean(x, 0, true));
      const grand = tf.mean(tf.concat(means, 0), 0, true);
      return means.map((m) => tf.keep(tf.sub(m, grand) as tf.Tensor2D));
    }),
});
export const maxInner = (): Aggregator => ({
  kind: 'aggregator',
  name: 'max',
  scores: (q, proxies) =>
    tf.tidy(() => {
      const s = tf.matMul(q, proxies.weights, false, true);
      const columns = [];
      for (let c = 0; c < proxies.numClasses; c++) {
        const from = proxies.classOffsets[c];
        columns.push(tf.max(tf.slice(s, [0, from], [-1, proxies.classOffsets[c + 1] - from]), 1));
      }
      return tf.stack(columns, 1) as tf.Tensor2D;
    }),
});

/** Options like the aggregators' and generators' own, declared here as any plugin would. */
export const testOptions = {
  metric: defineOption<string>({ name: 'metric', description: 'distance', type: 'string', stage: 'head', choices: ['inner_product', 'cosine'], default: 'inner_product', recorded: true, label: (metric) => (metric === 'inner_product' ? undefined : metric) }),
  m: defineOption<number>({ name: 'm', description: 'neighbours', type: 'integer', stage: 'head', default: 5, recorded: true, min: 1, valid: 'a positive integer', label: false }),
  lambda: defineOption<number>({ name: 'lambda', description: 'ridge term', type: 'number', stage: 'gen', min: 0, exclusiveMin: true, valid: 'a positive number' }),
};

export function testRegistry(): Registry {
  return new Registry([
    definePlugin({ kind: 'normalizer', name: 'none', create: identity }),
    definePlugin({ kind: 'normalizer', name: 'l2', create: unit }),
    definePlugin({ kind: 'normalizer', name: 'shift', create: shiftByReference }),
    definePlugin({ kind: 'generator', name: 'mean', ignores: ['k'], create: average }),
    definePlugin({ kind: 'generator', name: 'random', create: randomRows }),
    definePlugin({ kind: 'generator', name: 'centered', options: [testOptions.lambda], create: centeredMeans }),
    definePlugin({ kind: 'aggregator', name: 'max', options: [testOptions.metric, testOptions.m], create: maxInner }),
  ]);
}
