import { definePlugin, type PluginEntry } from '@imprint/core';
import { max, type MaxOptions } from './max.js';
import { mnn, type MnnOptions } from './mnn.js';
import { METRIC_OPTION, M_OPTION, WEIGHTING_OPTION } from './options.js';

declare module '@imprint/core' {
  interface AggregatorRegistry {
    max: MaxOptions;
    mnn: MnnOptions;
  }
}

/** Registry entries of this package: `registry.use(aggregatorEntries)`. */
export const aggregatorEntries: readonly PluginEntry[] = [
  definePlugin({
    kind: 'aggregator',
    name: 'max',
    description: "max inner product over each class's proxies (another metric: 1-nn under it)",
    options: [METRIC_OPTION, M_OPTION, WEIGHTING_OPTION],
    ignores: ['m', 'weighting'],
    // As the reference: max under a metric other than the inner product is 1-nn under that metric.
    create: (config) => (config.metric === 'inner_product' ? max() : { ...mnn({ m: 1, metric: config.metric }), name: 'max' }),
  }),
  definePlugin({
    kind: 'aggregator',
    name: 'mnn',
    description: 'm nearest proxies vote (uniform or by inverse distance)',
    options: [METRIC_OPTION, M_OPTION, WEIGHTING_OPTION],
    create: (config) => mnn({ m: config.m, metric: config.metric, weighting: config.weighting }),
  }),
];
