/** Minimal, dependency-free SVG charts for reports. */

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** Series colours, in order (the PNG charts use the same). */
export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  /** Draw the line dashed (e.g. a whole data set beside its remapped variants). */
  readonly dashed?: boolean;
}

export interface ChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Plot x on a log₁₀ scale. */
  readonly logX?: boolean;
  /** Draw points only (scatter) instead of lines. */
  readonly scatter?: boolean;
}

/** The frame of a line chart (400 high; 640 wide, wider for long legend names): margins, data ranges, the data → pixel maps and the axis ticks. */
export interface ChartLayout {
  readonly width: number;
  readonly height: number;
  readonly margin: { readonly left: number; readonly right: number; readonly top: number; readonly bottom: number };
  /** Pixel position of a data point (x on the log scale when asked). */
  readonly px: (x: number) => number;
  readonly py: (y: number) => number;
  /** Whether a point can be drawn (finite, positive x on a log scale). */
  readonly drawable: (point: readonly [number, number]) => boolean;
  /** Five ticks on the y axis: value label and pixel position. */
  readonly yTicks: { label: string; at: number }[];
  /**
   * Ticks on the x axis: at the data's own x values when there are at most 12 (a grid's k values:
   * 1, 2, 5, 10, 20), else at round values (1-2-5 steps on a log scale, five even steps otherwise);
   * a tick closer than 22 px to the one before is left out so labels never overlap.
   */
  readonly xTicks: { label: string; at: number }[];
}

/** Layout shared by the SVG and PNG line charts. */
export function chartLayout(series: readonly Series[], logX = false): ChartLayout {
  // The legend sits right of the plot: wide enough for the longest series name (8 px a character, the PNG font).
  const legend = Math.max(170, 26 + 8 * Math.max(0, ...series.map((s) => s.name.length)) + 10);
  const width = 470 + legend;
  const height = 400;
  const margin = { left: 60, right: legend, top: 40, bottom: 50 };
  const tx = (x: number) => (logX ? Math.log10(x) : x);
  const drawable = ([x, y]: readonly [number, number]) => Number.isFinite(tx(x)) && Number.isFinite(y);
  const all = series.flatMap((s) => s.points).filter(drawable);
  const xs = all.map(([x]) => tx(x));
  const ys = all.map(([, y]) => y);
  const [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  const [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  const plotX = (t: number) => margin.left + ((t - x0) / (x1 - x0 || 1)) * (width - margin.left - margin.right);
  const py = (y: number) => height - margin.bottom - ((y - y0) / (y1 - y0 || 1)) * (height - margin.top - margin.bottom);
  const yTicks = [0, 1, 2, 3, 4].map((i) => {
    const yv = y0 + ((y1 - y0) * i) / 4;
    return { label: yv.toFixed(1), at: py(yv) };
  });
  const distinct = [...new Set(all.map(([x]) => x))].sort((a, b) => a - b);
  let values: number[];
  if (distinct.length > 0 && distinct.length <= 12) values = distinct;
  else if (logX && xs.length > 0) values = logTicks(10 ** x0, 10 ** x1);
  else values = linearTicks(x0, x1);
  const xTicks: { label: string; at: number }[] = [];
  for (const value of values) {
    const at = plotX(tx(value));
    if (xTicks.length > 0 && at - xTicks[xTicks.length - 1].at < 22) continue;
    xTicks.push({ label: tickLabel(value), at });
  }
  return { width, height, margin, px: (x) => plotX(tx(x)), py, drawable, yTicks, xTicks };
}

/** Round ticks (steps of 1, 2 or 5 × 10ⁿ, about five) from `lo` to `hi` on a linear axis. */
function linearTicks(lo: number, hi: number): number[] {
  if (!(hi > lo)) return [lo];
  const rough = (hi - lo) / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi * (1 + 1e-12); v += step) out.push(Number(v.toPrecision(12)));
  return out.length >= 2 ? out : [lo, hi];
}

/** 1, 2, 5, 10, 20, 50, … from `lo` to `hi`. */
function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let decade = 10 ** Math.floor(Math.log10(lo)); decade <= hi; decade *= 10) {
    for (const step of [1, 2, 5]) if (step * decade >= lo * (1 - 1e-9) && step * decade <= hi * (1 + 1e-9)) out.push(step * decade);
  }
  return out.length >= 2 ? out : [lo, hi];
}

/** A tick value as written on an axis: integers as they are, others with three significant digits. */
function tickLabel(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(3)));
}

/** A line (or scatter) chart of several series, 640 × 400. */
export function lineChart(series: readonly Series[], { title, xLabel, yLabel, logX = false, scatter = false }: ChartOptions): string {
  const { width, height, margin, px, py, drawable, yTicks, xTicks } = chartLayout(series, logX);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escape(title)}</text>`,
    `<line x1="${margin.left}" y1="${height - margin.bottom}" x2="${width - margin.right}" y2="${height - margin.bottom}" stroke="black"/>`,
    `<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${height - margin.bottom}" stroke="black"/>`,
    `<text x="${(margin.left + width - margin.right) / 2}" y="${height - 12}" text-anchor="middle">${escape(xLabel)}</text>`,
    `<text transform="translate(16 ${height / 2}) rotate(-90)" text-anchor="middle">${escape(yLabel)}</text>`,
  ];
  for (const y of yTicks) parts.push(`<text x="${margin.left - 6}" y="${y.at + 4}" text-anchor="end">${y.label}</text>`);
  for (const x of xTicks) {
    parts.push(`<line x1="${x.at.toFixed(1)}" y1="${height - margin.bottom}" x2="${x.at.toFixed(1)}" y2="${height - margin.bottom + 4}" stroke="black"/>`);
    parts.push(`<text x="${x.at.toFixed(1)}" y="${height - margin.bottom + 16}" text-anchor="middle">${x.label}</text>`);
  }
  series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    const points = s.points.filter(drawable).map(([x, y]) => [px(x), py(y)] as const);
    if (!scatter && points.length > 1) parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''} points="${points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of points) parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${color}"/>`);
    parts.push(`<rect x="${width - margin.right + 10}" y="${margin.top + i * 18}" width="10" height="10" fill="${color}"/>`);
    parts.push(`<text x="${width - margin.right + 26}" y="${margin.top + i * 18 + 9}">${escape(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** What a critical-difference diagram draws: lines (bars are thick lines) and texts, in pixels. */
export interface CdLayout {
  readonly width: number;
  readonly height: number;
  readonly title: string;
  readonly lines: readonly { x1: number; y1: number; x2: number; y2: number; thickness: number }[];
  readonly texts: readonly { x: number; y: number; text: string; anchor: 'start' | 'middle' | 'end' }[];
}

/**
 * The layout of a critical-difference diagram: methods on an average-rank axis (1 = best, left),
 * bars joining methods that are not significantly different (Wilcoxon–Holm cliques). Drawn as SVG
 * by {@link cdDiagram} and as PNG by `cdDiagramPng`.
 */
export function cdLayout(names: readonly string[], ranks: readonly number[], cliques: readonly (readonly number[])[], title = 'Critical difference (Wilcoxon–Holm, α = 0.05)'): CdLayout {
  const k = names.length;
  const axisY = 60;
  const order = ranks.map((r, i) => [r, i] as const).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
  const half = Math.ceil(k / 2);
  // Labels sit outside the rank axis, left half on the left, right half on the right (as in
  // Demšar's diagrams): the lines from the axis run inside it and never cross a label.
  const labelText = (m: number) => `${names[m]} (${ranks[m].toFixed(2)})`;
  const textWidth = (text: string) => Math.ceil(text.length * 6.6);
  const leftLabels = Math.max(0, ...order.slice(0, half).map((m) => textWidth(labelText(m))));
  const rightLabels = Math.max(0, ...order.slice(half).map((m) => textWidth(labelText(m))));
  const left = 20 + leftLabels + 10;
  const width = left + Math.max(360, 40 * k) + 10 + rightLabels + 20;
  const right = width - 20 - rightLabels - 10;
  const lo = 1;
  const hi = Math.max(k, 2);
  const x = (rank: number) => left + ((rank - lo) / (hi - lo)) * (right - left);
  const labelY = (slot: number) => axisY + 60 + cliques.length * 10 + slot * 22;
  const height = labelY(half) + 20;
  const lines: { x1: number; y1: number; x2: number; y2: number; thickness: number }[] = [{ x1: left, y1: axisY, x2: right, y2: axisY, thickness: 1 }];
  const texts: { x: number; y: number; text: string; anchor: 'start' | 'middle' | 'end' }[] = [];
  for (let r = 1; r <= hi; r++) {
    lines.push({ x1: x(r), y1: axisY - 5, x2: x(r), y2: axisY, thickness: 1 });
    texts.push({ x: x(r), y: axisY - 9, text: String(r), anchor: 'middle' });
  }
  order.forEach((m, position) => {
    const leftSide = position < half;
    const slot = leftSide ? position : k - 1 - position;
    const y = labelY(slot);
    const at = Number(x(ranks[m]).toFixed(1));
    lines.push({ x1: at, y1: axisY, x2: at, y2: y, thickness: 1 }, { x1: at, y1: y, x2: leftSide ? left - 5 : right + 5, y2: y, thickness: 1 });
    texts.push({ x: leftSide ? left - 8 : right + 8, y: y + 4, text: labelText(m), anchor: leftSide ? 'end' : 'start' });
  });
  cliques.forEach((clique, i) => {
    const rs = clique.map((m) => ranks[m]);
    const y = axisY + 14 + i * 10;
    lines.push({ x1: x(Math.min(...rs)) - 3, y1: y, x2: x(Math.max(...rs)) + 3, y2: y, thickness: 4 });
  });
  return { width, height, title, lines, texts };
}

/** A critical-difference diagram as SVG (see {@link cdLayout}). */
export function cdDiagram(names: readonly string[], ranks: readonly number[], cliques: readonly (readonly number[])[], title?: string): string {
  const layout = cdLayout(names, ranks, cliques, title);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${layout.width / 2}" y="18" text-anchor="middle" font-size="14">${escape(layout.title)}</text>`,
  ];
  for (const l of layout.lines) parts.push(`<line x1="${l.x1}" y1="${l.y1}" x2="${l.x2}" y2="${l.y2}" stroke="black"${l.thickness === 1 ? '' : ` stroke-width="${l.thickness}"`}/>`);
  for (const t of layout.texts) parts.push(`<text x="${t.x}" y="${t.y}" text-anchor="${t.anchor}">${escape(t.text)}</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}
