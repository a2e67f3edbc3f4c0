export { max, type MaxOptions } from './max.js';
export { mnn, type MnnOptions } from './mnn.js';
export { nearestProxies, nearestWithTfjs } from './nearest.js';
export { distanceFunction, type DistanceFunction, type DistanceMetric } from './distance.js';
export { MAHALANOBIS_MAX_DIM, mahalanobisWhitening, whiten } from './mahalanobis.js';
export { rowsPerBlock } from './blocks.js';
export { aggregatorEntries } from './entries.js';
export { METRICS, METRIC_OPTION, M_OPTION, WEIGHTINGS, WEIGHTING_OPTION, type Metric, type Weighting } from './options.js';
