import { Registry, type OptionTable } from '@imprint/core';
import { aggregatorEntries } from '@imprint/aggregators';
import { generatorEntries } from '@imprint/generators';
import { normalizerEntries } from '@imprint/normalizers';

/** A registry with every generator, normalizer, aggregator and presampler of the core set. */
export function createStandardRegistry(): Registry {
  return new Registry().use(generatorEntries).use(normalizerEntries).use(aggregatorEntries);
}

let standard: Registry | undefined;

/**
 * The option table of the standard registry (core's options and those of the core set's plugins):
 * what reports and keys use for results read without a registry at hand.
 */
export function standardOptions(): OptionTable {
  standard ??= createStandardRegistry();
  return standard.options();
}

/** A shared standard registry for describing results (never given an engine; do not extend it). */
export function standardDescribeSource(): Registry {
  standard ??= createStandardRegistry();
  return standard;
}
