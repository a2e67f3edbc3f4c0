import { Registry } from '@imprint/core';
import { generatorEntries } from '@imprint/generators';
import { normalizerEntries } from '@imprint/normalizers';
import { aggregatorEntries } from '@imprint/aggregators';
import { centeredL2Entry } from 'imprint-plugin-centered-l2';
import { gaussianMixtureEntry } from 'imprint-plugin-gaussian-mixture';

/**
 * The playground's registry: every GEN / NORM / AGG of the core set plus two third-party plugins,
 * registered the way any app would: `centered-l2` (examples/centered-l2, NORMpost) and `gmm`
 * (examples/gaussian-mixture, GEN), whose options get controls from their declarations alone.
 */
export function playgroundRegistry(): Registry {
  return new Registry().use(generatorEntries).use(normalizerEntries).use(aggregatorEntries).use(centeredL2Entry).use(gaussianMixtureEntry);
}
