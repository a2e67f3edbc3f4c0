import { Registry } from '@imprint/core';
import { aggregatorEntries } from '@imprint/aggregators';
import { generatorEntries } from '@imprint/generators';
import { normalizerEntries } from '@imprint/normalizers';

/** A registry with every generator, normalizer, aggregator and presampler of the core set. */
export function createStandardRegistry(): Registry {
  return new Registry().use(generatorEntries).use(normalizerEntries).use(aggregatorEntries);
}
