import { K_MAX_DEFAULT, defineOption, type KSelectorName } from '@imprint/core';

declare module '@imprint/core' {
  interface ImprintOptionTypes {
    /** Ridge term of least-squares GEN (`ls`, `kls`); default by the config's `backbone`. */
    lambda?: number;
    /** Samples per class kept before GEN. */
    fewshot?: number;
    /** Presampling filter before few-shot sampling: a presampler name such as `'weibull'`, or `'all'` (none). */
    prefilter?: string;
    /** Quantiles kept by the prefilter. @default [0.05, 0.95] */
    prefilterQuantiles?: readonly [number, number];
    /** With `k: 'auto'`: the largest k a class may get. @default 20 */
    kMax?: number;
    /** With `k: 'auto'`: the k selector (a registered `kselector`). @default 'gap' */
    kSelect?: KSelectorName;
    /** k-means: threads that cluster classes in parallel. @default 1 */
    workers?: number;
    /** k selector `coverage`: the share of a class's spread left unexplained. @default 0.5 */
    coverage?: number;
  }
}

/** λ of the least-squares generators (`ls`, `kls`), shared by both entries. */
export const LAMBDA_OPTION = defineOption<number>({
  name: 'lambda',
  description: 'ridge term of least-squares GEN (default by backbone, see LAMBDA_BY_BACKBONE)',
  type: 'number',
  stage: 'gen',
  min: 0,
  exclusiveMin: true,
  valid: 'a positive number',
  placeholder: '<x>',
});

/** Samples per class kept before GEN (the `fewshot` presampler). */
export const FEWSHOT_OPTION = defineOption<number>({
  name: 'fewshot',
  description: 'samples per class kept before GEN (random, seeded)',
  type: 'integer',
  stage: 'gen',
  min: 1,
  valid: 'a positive integer (samples per class)',
  placeholder: '<n>',
});

/** The presampling filter run before few-shot sampling. */
export const PREFILTER_OPTION = defineOption<string>({
  name: 'prefilter',
  description: 'presampling filter before few-shot sampling: a presampler (weibull) or all (none)',
  type: 'string',
  stage: 'gen',
  pluginKind: 'presampler',
  alsoAccepts: ['all'],
  valid: 'a presampler name or "all"',
  placeholder: '<name>',
});

/** The quantiles the prefilter keeps. */
export const PREFILTER_QUANTILES_OPTION = defineOption<readonly [number, number]>({
  name: 'prefilterQuantiles',
  description: 'quantiles kept by the prefilter, as JSON [lower, upper] (default [0.05, 0.95])',
  type: 'json',
  stage: 'gen',
  accepts: (q) => Array.isArray(q) && q.length === 2 && q.every((x) => typeof x === 'number' && Number.isFinite(x)) && q[0] >= 0 && q[1] <= 1 && q[0] < q[1],
  valid: '[lower, upper] with 0 ≤ lower < upper ≤ 1',
  placeholder: '<[lo,hi]>',
});

/** With `k: 'auto'`: the largest k (shown in the label as `k=auto≤10`). */
export const K_MAX_OPTION = defineOption<number>({
  name: 'kMax',
  description: `with k auto: the largest k a class may get (default ${K_MAX_DEFAULT})`,
  type: 'integer',
  stage: 'gen',
  default: K_MAX_DEFAULT,
  min: 1,
  valid: 'a positive integer',
  placeholder: '<n>',
  label: false,
});

/** With `k: 'auto'`: the k selector (shown in the label as `k=auto:gap`). */
export const K_SELECT_OPTION = defineOption<string>({
  name: 'kSelect',
  description: 'with k auto: the k selector (default gap)',
  type: 'string',
  stage: 'gen',
  default: 'gap',
  pluginKind: 'kselector',
  valid: 'a plugin name (a non-empty string)',
  placeholder: '<name>',
  label: false,
});

/** k-means: threads that cluster classes in parallel (changes nothing in the result). */
export const WORKERS_OPTION = defineOption<number>({
  name: 'workers',
  description: 'k-means: threads that cluster classes in parallel (same result)',
  type: 'integer',
  stage: 'runtime',
  default: 1,
  min: 1,
  placeholder: '<n>',
});

/** The `coverage` k selector's share of the spread left unexplained. */
export const COVERAGE_OPTION = defineOption<number>({
  name: 'coverage',
  description: 'k selector coverage: the share of a class\'s spread k-means may leave unexplained (default 0.5)',
  type: 'number',
  stage: 'gen',
  default: 0.5,
  min: 0,
  exclusiveMin: true,
  accepts: (c) => typeof c === 'number' && c > 0 && c < 1,
  valid: 'a number between 0 and 1 (exclusive)',
  placeholder: '<share>',
});
