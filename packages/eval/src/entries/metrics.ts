// @imprint/eval/metrics — Metrics and statistics: accuracy, F1, AUROC, confusion matrices, ranks, Friedman, Wilcoxon–Holm, neural collapse.
export { accuracy, auroc, confusionMatrix, f1Scores, type F1Scores } from '../metrics.js';
export { averageRanks, median } from '../stats/ranks.js';
export { friedmanTest, type FriedmanResult } from '../stats/friedman.js';
export { wilcoxonSignedRank, type WilcoxonResult } from '../stats/wilcoxon.js';
export { holm } from '../stats/holm.js';
export { compareMethods, type MethodComparison, type PairwiseComparison } from '../stats/compare.js';
export { neuralCollapse, type NeuralCollapse } from '../neural-collapse.js';
