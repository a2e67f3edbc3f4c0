import { definePlugin, type ImprintConfig, type PluginEntry } from '@imprint/core';
import { all } from './all.js';
import { covMax } from './cov-max.js';
import { fewshot } from './fewshot.js';
import { coverageK, type CoverageOptions } from './coverage-k.js';
import { fps } from './fps.js';
import { gapStatistic, type GapStatisticOptions } from './gap-statistic.js';
import { kmeans, type KMeansOptions } from './kmeans.js';
import { kmeansLeastSquares, type KMeansLeastSquaresOptions } from './kmeans-least-squares.js';
import { kmedoids, type KMedoidsOptions } from './kmedoids.js';
import { defaultLambda } from './lambda-defaults.js';
import { leastSquares, type LeastSquaresOptions } from './least-squares.js';
import { mean, type MeanOptions } from './mean.js';
import { random } from './random.js';
import { weibullFilter } from './weibull.js';
import { xavier, type XavierOptions } from './xavier.js';
import { COVERAGE_OPTION, FEWSHOT_OPTION, K_MAX_OPTION, K_SELECT_OPTION, LAMBDA_OPTION, PREFILTER_OPTION, PREFILTER_QUANTILES_OPTION, WORKERS_OPTION } from './options.js';

declare module '@imprint/core' {
  interface GeneratorRegistry {
    mean: MeanOptions;
    all: Record<string, never>;
    random: Record<string, never>;
    kmeans: KMeansOptions;
    kmedoids: KMedoidsOptions;
    fps: Record<string, never>;
    cov_max: Record<string, never>;
    none: XavierOptions;
    ls: LeastSquaresOptions;
    kls: KMeansLeastSquaresOptions;
  }
  interface KSelectorRegistry {
    gap: GapStatisticOptions;
    coverage: CoverageOptions;
  }
}

/** λ from the config, else the default of the config's `backbone` (if any). */
function lambdaOf(config: ImprintConfig): number {
  return config.lambda ?? defaultLambda(typeof config.backbone === 'string' ? config.backbone : undefined);
}

/** Registry entries of this package: `registry.use(generatorEntries)`. */
export const generatorEntries: readonly PluginEntry[] = [
  definePlugin({ kind: 'generator', name: 'mean', description: 'mean of the class (1 proxy)', ignores: ['k'], create: () => mean() }),
  definePlugin({ kind: 'generator', name: 'all', description: 'every sample', create: () => all() }),
  definePlugin({ kind: 'generator', name: 'random', description: 'k random samples', create: () => random() }),
  definePlugin({
    kind: 'generator',
    name: 'kmeans',
    description: 'k-means centroids (k-means++ init); option workers: threads that cluster classes in parallel',
    options: [WORKERS_OPTION],
    create: (config) => kmeans({ workers: config.workers ?? 1 }),
  }),
  definePlugin({ kind: 'generator', name: 'kmedoids', description: 'k-medoids (alternate, k-medoids++ init)', create: () => kmedoids() }),
  definePlugin({ kind: 'generator', name: 'fps', description: 'farthest point sampling', create: () => fps() }),
  definePlugin({ kind: 'generator', name: 'cov_max', description: 'largest sample-covariance column sums', create: () => covMax() }),
  definePlugin({ kind: 'generator', name: 'none', description: 'k Xavier-uniform random vectors (baseline)', create: () => xavier() }),
  definePlugin({ kind: 'generator', name: 'ls', description: 'least-squares weights of all classes (oracle); λ defaults by backbone', options: [LAMBDA_OPTION], ignores: ['k'], configKeys: ['backbone'], create: (config) => leastSquares({ lambda: lambdaOf(config) }) }),
  definePlugin({ kind: 'generator', name: 'kls', description: 'k-means pseudo-classes + least squares; λ defaults by backbone', options: [LAMBDA_OPTION], configKeys: ['backbone'], create: (config) => kmeansLeastSquares({ lambda: lambdaOf(config) }) }),
  definePlugin({
    kind: 'kselector',
    name: 'coverage',
    description: "k: 'auto' — the fewest k-means proxies that leave at most the share coverage (option, default 0.5) of the class's spread unexplained",
    options: [K_SELECT_OPTION, K_MAX_OPTION, COVERAGE_OPTION],
    create: (config) => coverageK(config.coverage === undefined ? {} : { coverage: config.coverage }),
  }),
  definePlugin({ kind: 'kselector', name: 'gap', description: "k: 'auto' by the gap statistic against a Gaussian with the class's covariance", options: [K_SELECT_OPTION, K_MAX_OPTION], create: () => gapStatistic() }),
  definePlugin({
    kind: 'presampler',
    name: 'fewshot',
    description: 'keep n random samples per class (option fewshot)',
    options: [FEWSHOT_OPTION],
    create: (config) => fewshot({ n: config.fewshot ?? Number.NaN }),
  }),
  definePlugin({
    kind: 'presampler',
    name: 'weibull',
    description: 'keep samples between two quantiles of a Weibull fit to distances from the class mean (prefilterQuantiles)',
    options: [PREFILTER_OPTION, PREFILTER_QUANTILES_OPTION],
    create: (config) => weibullFilter({ lower: config.prefilterQuantiles?.[0], upper: config.prefilterQuantiles?.[1] }),
  }),
];
