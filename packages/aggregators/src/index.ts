export { max, type MaxOptions } from './max.js';
export { rowsPerBlock } from './blocks.js';
export { aggregatorEntries } from './entries.js';
