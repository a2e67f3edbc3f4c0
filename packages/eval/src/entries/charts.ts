// @imprint/eval/charts — Charts: SVG line and critical-difference charts, PNG line charts (loads the bitmap font).
export { cdDiagram, lineChart, type ChartOptions, type Series } from '../experiments/charts.js';
export { lineChartPng } from '../experiments/png-chart.js';
