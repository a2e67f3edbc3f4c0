import { definePlugin, type PluginEntry } from '@imprint/core';
import { fewshot } from './fewshot.js';
import { mean, type MeanOptions } from './mean.js';

declare module '@imprint/core' {
  interface GeneratorRegistry {
    mean: MeanOptions;
  }
}

/** Registry entries of this package: `registry.use(generatorEntries)`. */
export const generatorEntries: readonly PluginEntry[] = [
  definePlugin({ kind: 'generator', name: 'mean', description: 'mean of the class (1 proxy)', create: () => mean() }),
  definePlugin({
    kind: 'presampler',
    name: 'fewshot',
    description: 'keep n random samples per class (config key fewshot)',
    create: (config) => fewshot({ n: config.fewshot ?? Number.NaN }),
  }),
];
