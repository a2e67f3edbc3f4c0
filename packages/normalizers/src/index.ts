export { none } from './none.js';
export { l2, type L2Options } from './l2.js';
export { quantile, referenceQuantiles } from './quantile.js';
export { normalizerEntries } from './entries.js';
