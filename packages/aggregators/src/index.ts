export { max, type MaxOptions } from './max.js';
export { mnn, type MnnOptions } from './mnn.js';
export { distanceFunction, inverseCovariance, type DistanceFunction, type DistanceMetric } from './distance.js';
export { rowsPerBlock } from './blocks.js';
export { aggregatorEntries } from './entries.js';
