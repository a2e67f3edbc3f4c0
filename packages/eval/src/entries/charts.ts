// @imprint/eval/charts — Charts: SVG line and critical-difference charts, PNG line charts (loads the bitmap font).
export { cdDiagram, cdLayout, lineChart, type CdLayout, type ChartOptions, type Series } from '../experiments/charts.js';
export { cdDiagramPng, lineChartPng } from '../experiments/png-chart.js';
export { accuracyVsKMerged, accuracyVsMerge, bestKPerMerge, mergedClassCount, mergedClassPoints, nc1VsMerge, type BestK, type MergedPoint } from '../experiments/merged-classes.js';
