// @imprint/eval/experiments — Experiments: evaluation of configs, grids, results files, analysis, open-set and incremental protocols, reports.
export { evaluateConfig, type RunResult } from '../evaluate.js';
export { scoreHead } from '../evaluate.js';
export { DATA_KEY_NAMES, canonicalJson, generationKey, runId, type DataKeys, type RunConfig } from '../experiments/run-config.js';
export { MAX_GRID_RUNS, canonicalRun, expandGrid, gridKeys, gridParts, optionListKeys, readGridFile, selectGridScale, validateGridSpec, type GridSpec } from '../experiments/grid.js';
export { REFERENCE_CONFIG_KEYS, isReferenceConfig, parseReferenceConfigText, readReferenceConfigFile, referenceDataCombinations, referenceGridSpecs, referenceRunCount, referenceSettings, type ReferenceConfig, type ReferenceDataCombination, type ReferenceGridOptions } from '../experiments/reference-config.js';
export { appendResult, mergeResults, readResults, type ResultLine } from '../experiments/results.js';
export { fillGridCache, runGrid, shardRuns, type DataProvider, type FillGridCacheOptions, type GridRun, type RunGridOptions, type RunGridSummary } from '../experiments/run-grid.js';
export { analyzeResults, groupKey, methodKey, methodLabel, type Analysis, type MethodSummary } from '../experiments/analysis.js';
export { runOpenSet, type OpenSetOptions, type OpenSetResult } from '../experiments/open-set.js';
export { classOrder, runIncremental, type IncrementalOptions, type IncrementalResult } from '../experiments/incremental.js';
export { labelsOf, rowsWhere } from '../experiments/protocol-data.js';
export { writeReport, type ReportOptions } from '../experiments/report.js';
export { assembleRunData, dataSetRequests, loadDataSet, loadRunData, type DataSetRequest, type RunDataOptions } from '../experiments/run-data.js';
export { COMBINATION_SEPARATOR, combinationName, combinationParts, dataLabel } from '../experiments/data-combination.js';
export { describeShard, resolveShard, type Environment, type ShardSpec } from '../experiments/shard-spec.js';
export { dataPairKey, planShards, type PlanOptions, type PlannedShard, type ShardPlan } from '../experiments/shard-plan.js';
export { backboneDim, dataSizes, estimateRunCost, type DataSizes, type RunCost, type SplitSize } from '../experiments/run-cost.js';
