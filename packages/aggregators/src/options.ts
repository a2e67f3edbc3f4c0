import { defineOption } from '@imprint/core';

/** Distance functions of the aggregators (DESIGN.md: AGG). */
export const METRICS = ['inner_product', 'cosine', 'euclidean', 'manhattan', 'chebyshev', 'mahalanobis'] as const;
export type Metric = (typeof METRICS)[number];

/** How the m nearest proxies vote. */
export const WEIGHTINGS = ['uniform', 'weighted_by_distance'] as const;
export type Weighting = (typeof WEIGHTINGS)[number];

declare module '@imprint/core' {
  interface ImprintOptionTypes {
    /** @default 'inner_product' */
    metric: Metric;
    /** Neighbours that vote (`mnn`). @default 5 */
    m: number;
    /** @default 'uniform' */
    weighting: Weighting;
  }
}

/**
 * The distance of `max` and `mnn`. Recorded (every resolved config holds it) since results files
 * and run ids have always carried it.
 */
export const METRIC_OPTION = defineOption<Metric>({
  name: 'metric',
  description: 'distance of the aggregation (max with another metric than inner_product: 1-nn under it)',
  type: 'string',
  stage: 'head',
  choices: METRICS,
  default: 'inner_product',
  recorded: true,
  placeholder: '<name>',
  label: (metric, config) => (config.agg === 'mnn' || metric !== 'inner_product' ? metric : undefined),
});

/** Neighbours that vote in `mnn`. */
export const M_OPTION = defineOption<number>({
  name: 'm',
  description: 'neighbours that vote (mnn)',
  type: 'integer',
  stage: 'head',
  default: 5,
  recorded: true,
  min: 1,
  valid: 'a positive integer',
  placeholder: '<n>',
});

/** How the m nearest proxies vote in `mnn`. */
export const WEIGHTING_OPTION = defineOption<Weighting>({
  name: 'weighting',
  description: 'how the m nearest proxies vote (mnn)',
  type: 'string',
  stage: 'head',
  choices: WEIGHTINGS,
  default: 'uniform',
  recorded: true,
  placeholder: '<name>',
  label: (weighting) => weighting,
});
