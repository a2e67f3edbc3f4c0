import { definePlugin, type PluginEntry } from '@imprint/core';
import { centeredL2, type CenteredL2Options } from './centered-l2.js';

// Makes 'centered-l2' a valid, type-checked name in configs once this package is imported.
declare module '@imprint/core' {
  interface NormalizerRegistry {
    'centered-l2': CenteredL2Options;
  }
}

/** Registry entry of `centered-l2` centring on the stored weights (NORMpost only). */
export const centeredL2Entry: PluginEntry<'normalizer'> = definePlugin({
  kind: 'normalizer',
  name: 'centered-l2',
  version: '0.1.0',
  create: () => centeredL2(),
});

/**
 * Registry entry of `centered-l2` with a centre fitted on train embeddings (`fitCenter`), usable at
 * every stage: `registry.use(centeredL2EntryWith(fitCenter(train)))`.
 */
export function centeredL2EntryWith(center: Float32Array | readonly number[]): PluginEntry<'normalizer'> {
  return definePlugin({ kind: 'normalizer', name: 'centered-l2', version: '0.1.0', create: () => centeredL2({ center }) });
}
