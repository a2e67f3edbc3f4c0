import { definePlugin, ImprintError, type PluginEntry } from '@imprint/core';
import { max, type MaxOptions } from './max.js';

declare module '@imprint/core' {
  interface AggregatorRegistry {
    max: MaxOptions;
  }
}

/** Registry entries of this package: `registry.use(aggregatorEntries)`. */
export const aggregatorEntries: readonly PluginEntry[] = [
  definePlugin({
    kind: 'aggregator',
    name: 'max',
    description: 'max inner product over each class\'s proxies',
    create: (config) => {
      if (config.metric !== 'inner_product') {
        // max under another metric is 1-nn under that metric, which is the mnn aggregator.
        throw new ImprintError('UNSUPPORTED', `agg "max" with metric "${config.metric}" (1-nn) is not supported by this build yet; use metric "inner_product"`);
      }
      return max();
    },
  }),
];
