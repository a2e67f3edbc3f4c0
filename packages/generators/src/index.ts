export { mean, type MeanOptions } from './mean.js';
export { fewshot, type FewshotOptions } from './fewshot.js';
export { generatorEntries } from './entries.js';
