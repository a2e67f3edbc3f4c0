import { Registry } from '@imprint/core';
import { generatorEntries } from '@imprint/generators';
import { normalizerEntries } from '@imprint/normalizers';
import { aggregatorEntries } from '@imprint/aggregators';
import { centeredL2Entry } from 'imprint-plugin-centered-l2';

/**
 * The playground's registry: every GEN / NORM / AGG of the core set plus a third-party plugin,
 * `centered-l2` (examples/centered-l2, NORMpost), registered the way any app would.
 */
export function playgroundRegistry(): Registry {
  return new Registry().use(generatorEntries).use(normalizerEntries).use(aggregatorEntries).use(centeredL2Entry);
}
