import { definePlugin, type PluginEntry } from '@imprint/core';
import { l2, type L2Options } from './l2.js';
import { none } from './none.js';
import { quantile } from './quantile.js';

declare module '@imprint/core' {
  interface NormalizerRegistry {
    none: Record<string, never>;
    l2: L2Options;
    quantile: Record<string, never>;
  }
}

/** Registry entries of this package: `registry.use(normalizerEntries)`. */
export const normalizerEntries: readonly PluginEntry[] = [
  definePlugin({ kind: 'normalizer', name: 'none', description: 'identity', create: () => none() }),
  definePlugin({ kind: 'normalizer', name: 'l2', description: 'rows scaled to unit L2 norm', create: () => l2() }),
  definePlugin({ kind: 'normalizer', name: 'quantile', description: 'quantile normalisation onto the stored weights (NORMpost only)', create: () => quantile() }),
];
