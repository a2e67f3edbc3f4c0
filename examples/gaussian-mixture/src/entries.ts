import { defineOption, definePlugin, type PluginEntry } from '@imprint/core';
import { COVARIANCES, gaussianMixture, type Covariance, type GaussianMixtureOptions } from './gaussian-mixture.js';

// Makes 'gmm' a type-checked generator name, and its options type-checked config keys, once this
// package is imported.
declare module '@imprint/core' {
  interface GeneratorRegistry {
    gmm: GaussianMixtureOptions;
  }
  interface ImprintOptionTypes {
    /** gmm: the shape of each component's covariance. @default 'diagonal' */
    covariance?: Covariance;
    /** gmm: EM iterations. @default 20 */
    iterations?: number;
  }
}

/** The option `covariance` of `gmm`: declared here, once; the CLI, grids, labels and the playground derive from it. */
export const COVARIANCE_OPTION = defineOption<Covariance>({
  name: 'covariance',
  description: 'gmm: shape of each component\'s covariance',
  type: 'string',
  stage: 'gen',
  choices: COVARIANCES,
  default: 'diagonal',
  placeholder: '<shape>',
});

/** The option `iterations` of `gmm`. */
export const ITERATIONS_OPTION = defineOption<number>({
  name: 'iterations',
  description: 'gmm: EM iterations after the k-means++ start',
  type: 'integer',
  stage: 'gen',
  default: 20,
  min: 1,
  placeholder: '<n>',
});

/** Registry entry of the `gmm` generator: `registry.use(gaussianMixtureEntry)`, or `--plugin` this package. */
export const gaussianMixtureEntry: PluginEntry<'generator'> = definePlugin({
  kind: 'generator',
  name: 'gmm',
  version: '0.1.0',
  description: 'means of a k-component Gaussian mixture fitted by EM (options covariance, iterations)',
  options: [COVARIANCE_OPTION, ITERATIONS_OPTION],
  create: (config) => gaussianMixture({ covariance: config.covariance ?? COVARIANCE_OPTION.default, iterations: config.iterations ?? ITERATIONS_OPTION.default }),
});
