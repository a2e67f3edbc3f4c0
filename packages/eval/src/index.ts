// Everything of @imprint/eval; the sub-paths load one concern each (a user who wants the HDF5
// reader imports @imprint/eval/files and loads no chart font).
export * from './entries/files.js';
export * from './entries/datasets.js';
export * from './entries/metrics.js';
export * from './entries/experiments.js';
export * from './entries/charts.js';
export * from './entries/runtime.js';
