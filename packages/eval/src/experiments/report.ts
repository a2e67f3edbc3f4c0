import { dataLabel } from './data-combination.js';
import type { DescribeSource } from '@imprint/core';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ImprintError, checkInteger, didYouMean } from '@imprint/core';
import { writeFileAtomic } from '@imprint/core/node';
import { cliquesInOrder, significanceMatrix } from '../stats/compare.js';
import { analyzeResults, groupKey, methodKey, methodLabel, type Analysis } from './analysis.js';
import { cdDiagram, lineChart, type ChartOptions, type Series } from './charts.js';
import { cdDiagramPng, lineChartPng } from './png-chart.js';
import type { ResultLine } from './results.js';
import { accuracyVsKMerged, accuracyVsMerge, bestKPerMerge, mergedClassPoints, nc1VsMerge } from './merged-classes.js';

export interface ReportOptions {
  readonly title?: string;
  /**
   * The registry whose option declarations label the methods (with `--plugin` modules: their
   * options' labels). @default the standard registry
   */
  readonly describe?: DescribeSource;
  /** NC1 per `backbone|dataset`, for the gain-vs-NC1 chart and table. */
  readonly nc1?: Readonly<Record<string, number>>;
  /** Further neural-collapse measures per `backbone|dataset` (traces of Σ_W and Σ_B, rank of Σ_B), shown beside NC1. */
  readonly ncMeasures?: Readonly<Record<string, { readonly traceWithin: number; readonly traceBetween: number; readonly rankBetween: number }>>;
  /** Reference figures to print beside the methods (e.g. the paper's), by method label. */
  readonly reference?: Readonly<Record<string, number>>;
  /** Extra markdown appended at the end. */
  readonly notes?: string;
  /**
   * With more methods than this, the tables, the pairwise list and the CD diagram show the best
   * `top` methods by average rank (plus `methods`); statistics are still computed over all of
   * them, and `methods.csv` lists every method. @default 20
   */
  readonly top?: number;
  /** Method labels to show besides the top ones (exact labels as in `methods.csv`). */
  readonly methods?: readonly string[];
}

/** A data set or FM name as part of a file name. */
const fileSafe = (name: string) => name.replace(/[^A-Za-z0-9_-]+/g, '_');
const pct = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '–');
const encoder = new TextEncoder();

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Mean accuracy per (dataset, key value) of the results with `select` true, as chart series per dataset. */
function curves(results: readonly ResultLine[], select: (r: ResultLine) => boolean, x: (r: ResultLine) => number | undefined, seriesOf: (r: ResultLine) => string): Series[] {
  const points = new Map<string, Map<number, number[]>>();
  for (const r of results) {
    const xv = x(r);
    if (!select(r) || xv === undefined) continue;
    const s = seriesOf(r);
    if (!points.has(s)) points.set(s, new Map());
    const m = points.get(s)!;
    if (!m.has(xv)) m.set(xv, []);
    m.get(xv)!.push(r.accuracy);
  }
  return [...points.entries()].map(([name, m]) => ({ name, points: [...m.entries()].sort((a, b) => a[0] - b[0]).map(([xv, ys]) => [xv, mean(ys)] as const) }));
}

/**
 * Indices (in rank order) of the methods a report shows: the first `top`, plus the labels asked
 * for. An asked-for label that no method has fails with its closest match.
 */
function shownMethods(labels: readonly string[], top: number, wanted: readonly string[]): number[] {
  checkInteger(top, 'top (methods shown)', { min: 1 });
  const picked = new Set(labels.map((_, i) => i).slice(0, top));
  for (const label of wanted) {
    const index = labels.indexOf(label);
    if (index < 0) throw new ImprintError('INVALID_CONFIG', `no method is labelled ${JSON.stringify(label)}${didYouMean(label, labels)}; see methods.csv of a report for every label`, { label });
    picked.add(index);
  }
  return [...picked].sort((a, b) => a - b);
}

const csvField = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

/** Every method with its summary, in rank order. */
function methodsCsv(analysis: Analysis): string {
  const number = (value: number | undefined, digits: number) => (value !== undefined && Number.isFinite(value) ? value.toFixed(digits) : '');
  const rows = analysis.methods.map((m, i) =>
    [String(i + 1), csvField(m.label), number(m.meanAccuracy, 4), number(m.averageRank, 4), String(m.groups), csvField(m.key), number(m.meanProxies, 2), number(m.rankStd, 4), number(m.rankStderr, 4), number(m.medianGenerateMs, 2)].join(','),
  );
  return `${['position', 'label', 'mean_accuracy', 'average_rank', 'groups', 'config', 'mean_proxies', 'rank_std', 'rank_stderr', 'median_generate_ms'].join(',')}\n${rows.join('\n')}\n`;
}

/**
 * Confusion matrices of `methods` (indices into `analysis.methods`) per data set, summed over the
 * FMs, splits with the most classes and seeds that recorded one, rows normalized to percent of
 * the true class. Undefined when no result recorded a confusion matrix (files of older versions).
 */
function confusionReport(results: readonly ResultLine[], analysis: Analysis, methods: readonly number[]): string | undefined {
  const keys = new Map(methods.map((i) => [analysis.methods[i]!.key, analysis.methods[i]!.label]));
  const sums = new Map<string, { dataset: string; label: string; classes: readonly number[]; counts: number[][]; runs: number }>();
  const widest = new Map<string, number>();
  for (const r of results) if (r.confusion !== undefined && r.classes !== undefined) widest.set(dataLabel(r.config), Math.max(widest.get(dataLabel(r.config)) ?? 0, r.classes.length));
  for (const r of results) {
    if (r.confusion === undefined || r.classes === undefined || r.classes.length !== widest.get(dataLabel(r.config))) continue;
    const key = methodKey(r.config);
    const label = keys.get(key);
    if (label === undefined) continue;
    const id = `${dataLabel(r.config)}\0${key}\0${r.classes.join(',')}`;
    let sum = sums.get(id);
    if (sum === undefined) sums.set(id, (sum = { dataset: dataLabel(r.config), label, classes: r.classes, counts: r.classes.map(() => new Array<number>(r.classes!.length).fill(0)), runs: 0 }));
    r.confusion.forEach((row, t) => row.forEach((n, p) => (sum!.counts[t]![p]! += n)));
    sum.runs++;
  }
  if (sums.size === 0) return undefined;
  const out = ['# Confusion matrices', '', 'Rows: true class; columns: predicted class; percent of the row (test samples of that class), summed over FMs, seeds and the splits with every class.', ''];
  for (const dataset of [...new Set([...sums.values()].map((s) => s.dataset))]) {
    out.push(`## ${dataset}`, '');
    for (const sum of [...sums.values()].filter((s) => s.dataset === dataset)) {
      out.push(`### ${sum.label} (${sum.runs} runs)`, '', `| true \\ predicted | ${sum.classes.join(' | ')} |`, `|---|${sum.classes.map(() => '---').join('|')}|`);
      sum.counts.forEach((row, t) => {
        const total = row.reduce((a, b) => a + b, 0);
        out.push(`| **${sum.classes[t]}** | ${row.map((n) => (total > 0 ? ((100 * n) / total).toFixed(1) : '–')).join(' | ')} |`);
      });
      out.push('');
    }
  }
  return out.join('\n');
}

/**
 * The GEN time table: median milliseconds to generate one run's proxies per GEN setting (GEN, k,
 * NORMpre) and number of train rows, over runs that generated (not memoised) and recorded their
 * rows. Row counts that are many are grouped by powers of two. Empty when no run recorded rows.
 */
function genTimeTable(results: readonly ResultLine[]): string[] {
  const timed = results.filter((r) => !r.timings.memoised && r.trainRows !== undefined);
  if (timed.length === 0) return [];
  const distinct = [...new Set(timed.map((r) => r.trainRows!))].sort((a, b) => a - b);
  const bucket = distinct.length <= 8 ? (rows: number) => rows : (rows: number) => 2 ** Math.floor(Math.log2(Math.max(1, rows)));
  const columns = [...new Set(distinct.map(bucket))].sort((a, b) => a - b);
  const label = (r: ResultLine) => `${r.config.gen}${r.config.k === undefined ? '' : ` k=${r.config.k}`}${r.config.normPre === undefined || r.config.normPre === 'none' ? '' : ` NORMpre=${r.config.normPre}`}`;
  const cells = new Map<string, Map<number, number[]>>();
  for (const r of timed) {
    const row = cells.get(label(r)) ?? new Map<number, number[]>();
    cells.set(label(r), row);
    const column = bucket(r.trainRows!);
    row.set(column, [...(row.get(column) ?? []), r.timings.generateMs]);
  }
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const heading = distinct.length <= 8 ? columns.map(String) : columns.map((c) => `${c}–${2 * c - 1}`);
  const out = ['## GEN time', '', `Median milliseconds to generate one run's proxies, per GEN setting and train rows (columns${distinct.length <= 8 ? '' : ', grouped by powers of two'}); runs whose proxies were reused are left out.`, '', `| GEN | ${heading.join(' | ')} |`, `|---|${columns.map(() => '---:').join('|')}|`];
  for (const [name, row] of [...cells].sort((a, b) => a[0].localeCompare(b[0]))) {
    out.push(`| ${name} | ${columns.map((c) => (row.has(c) ? median(row.get(c)!).toFixed(1) : '–')).join(' | ')} |`);
  }
  out.push('');
  return out;
}

/**
 * Write `report.md` (tables: mean accuracy and average rank per method, Friedman and
 * Wilcoxon–Holm results, medians per group) and SVG charts (CD diagram; accuracy vs k; few-shot
 * curves; gain of k=5 over k=1 against log NC1 when NC1 is given) into `outDir`.
 */
export async function writeReport(results: readonly ResultLine[], outDir: string, options: ReportOptions = {}): Promise<{ analysis: Analysis; files: string[] }> {
  await mkdir(outDir, { recursive: true });
  const analysis = analyzeResults(results, 0.05, options.describe);
  const files: string[] = [];
  const write = async (name: string, text: string | Uint8Array) => {
    await writeFileAtomic(join(outDir, name), typeof text === 'string' ? encoder.encode(text) : text);
    files.push(name);
  };
  /** A line chart as `NAME.svg` and `NAME.png` (the same layout, rasterised without a browser). */
  const writeChart = async (name: string, series: readonly Series[], chart: ChartOptions) => {
    await write(name, lineChart(series, chart));
    await write(name.replace(/\.svg$/, '.png'), lineChartPng(series, chart));
  };
  const names = analysis.methods.map((m) => m.label);
  const shown = shownMethods(names, options.top ?? 20, options.methods ?? []);
  const subset = shown.length < names.length;
  const lines: string[] = [`# ${options.title ?? 'IMPRINT results'}`, '', `${results.length} runs, ${analysis.groups.length} groups (FM × data set × split), ${analysis.methods.length} methods. Accuracy: median over seeds per group, then mean over groups.`, ''];
  if (subset) {
    lines.push(`With ${names.length} methods, the tables and the CD diagram show the ${Math.min(options.top ?? 20, names.length)} best by average rank${(options.methods ?? []).length ? ' and the methods asked for' : ''}; the statistics are computed over all ${names.length}, and [methods.csv](methods.csv) lists every method.`, '');
  }
  const hasReference = options.reference !== undefined;
  const hasProxies = analysis.methods.some((m) => m.meanProxies !== undefined);
  const hasGenerate = analysis.methods.some((m) => m.medianGenerateMs !== undefined);
  const fixed = (value: number | undefined, digits: number) => (value !== undefined && Number.isFinite(value) ? value.toFixed(digits) : '–');
  lines.push(
    `| method | mean accuracy | average rank ± std | stderr | groups |${hasReference ? ' paper |' : ''}${hasProxies ? ' proxies stored |' : ''}${hasGenerate ? ' GEN ms (median) |' : ''}`,
    `|---|---|---|---|---|${hasReference ? '---|' : ''}${hasProxies ? '---|' : ''}${hasGenerate ? '---|' : ''}`,
  );
  for (const i of shown) {
    const m = analysis.methods[i];
    const ref = options.reference?.[m.label];
    lines.push(
      `| ${m.label} | ${pct(m.meanAccuracy)} | ${fixed(m.averageRank, 2)}${Number.isFinite(m.rankStd) ? ` ± ${m.rankStd.toFixed(2)}` : ''} | ${fixed(m.rankStderr, 2)} | ${m.groups} |${hasReference ? ` ${ref === undefined ? '–' : ref.toFixed(2)} |` : ''}${hasProxies ? ` ${fixed(m.meanProxies, 1)} |` : ''}${hasGenerate ? ` ${fixed(m.medianGenerateMs, 1)} |` : ''}`,
    );
  }
  if (subset) lines.push(`| … ${names.length - shown.length} more (methods.csv) | | | | |${hasReference ? ' |' : ''}${hasProxies ? ' |' : ''}${hasGenerate ? ' |' : ''}`);
  if (Number.isFinite(analysis.methods[0]?.rankStd ?? Number.NaN)) {
    lines.push('', 'Average rank ± the standard deviation of a method\'s rank over the groups where every method ran; stderr = std / √groups. GEN ms: median time to generate the proxies of one run (runs whose proxies were reused are left out).');
  }
  lines.push('');
  lines.push(...genTimeTable(results));
  await write('methods.csv', methodsCsv(analysis));
  if (analysis.comparison !== undefined) {
    const { friedman, pairs } = analysis.comparison;
    lines.push(`Friedman test: χ² = ${friedman.statistic.toFixed(2)}, df = ${friedman.degreesOfFreedom}, p = ${friedman.pValue.toExponential(2)}.`, '');
    const isShown = new Set(shown);
    const significantCount = pairs.filter((p) => p.significant).length;
    const listed = pairs.filter((p) => p.significant && isShown.has(p.a) && isShown.has(p.b)).map((p) => `${names[p.a]} vs ${names[p.b]} (p_Holm = ${p.adjustedPValue.toExponential(1)})`);
    lines.push(
      `Pairwise Wilcoxon signed-rank (Pratt), Holm-corrected at α = 0.05: ${significantCount} of ${pairs.length} pairs differ significantly${listed.length ? `${subset ? '; among the methods shown' : ''}: ${listed.join('; ')}` : ''}.`,
      '',
    );
    // Cliques of the shown methods in rank order, from the significance of all pairs.
    const different = significanceMatrix(pairs, names.length);
    const cliques = cliquesInOrder(shown, different, names.length);
    lines.push(`Not significantly different (CD cliques${subset ? ', methods shown' : ''}): ${cliques.length ? cliques.map((c) => `{${c.map((m) => names[m]).join(', ')}}`).join(', ') : 'none — every pair differs'}.`, '');
    const local = new Map(shown.map((m, i) => [m, i]));
    const cd = [shown.map((m) => names[m]!), shown.map((m) => friedman.averageRanks[m]!), cliques.map((c) => c.map((m) => local.get(m)!))] as const;
    await write('cd.svg', cdDiagram(...cd));
    await write('cd.png', cdDiagramPng(...cd));
    lines.push('![critical difference diagram](cd.svg)', '');
  }
  if (options.nc1 !== undefined && Object.keys(options.nc1).length > 0) {
    const measures = options.ncMeasures ?? {};
    const detailed = Object.keys(measures).length > 0;
    lines.push('## Neural collapse (NC1, train embeddings)', '', `| FM × data set | NC1 | log₁₀ NC1 |${detailed ? ' Tr Σ_W | Tr Σ_B | rank Σ_B |' : ''}`, `|---|---|---|${detailed ? '---|---|---|' : ''}`);
    for (const [key, value] of Object.entries(options.nc1)) {
      const m = measures[key];
      const more = detailed ? (m === undefined ? ' – | – | – |' : ` ${m.traceWithin.toPrecision(4)} | ${m.traceBetween.toPrecision(4)} | ${m.rankBetween} |`) : '';
      lines.push(`| ${key.replace('|', ' × ')} | ${value.toFixed(3)} | ${Math.log10(value).toFixed(3)} |${more}`);
    }
    lines.push('');
  }
  const datasets = [...new Set(results.map((r) => dataLabel(r.config)))];
  const ks = new Set(results.filter((r) => r.config.gen === 'kmeans' && typeof r.config.k === 'number').map((r) => r.config.k));
  if (ks.size > 1) {
    for (const dataset of datasets) {
      const series = curves(results, (r) => dataLabel(r.config) === dataset && r.config.gen === 'kmeans' && typeof r.config.k === 'number' && r.config.fewshot === undefined, (r) => r.config.k as number, (r) => `${r.config.backbone} ${r.config.split}`);
      const name = `accuracy-vs-k-${fileSafe(dataset)}.svg`;
      await writeChart(name, series, { title: `Accuracy vs k (k-means), ${dataset}`, xLabel: 'k (proxies per class)', yLabel: 'accuracy (%)', logX: true });
      lines.push(`![accuracy vs k, ${dataset}](${name})`, '');
    }
  }
  // The paper's Fig. 6: accuracy against k for every GEN method swept over k (each method with
  // k left out is one series, averaged over FMs, splits and seeds), per data set.
  for (const dataset of datasets) {
    const swept = results.filter((r) => dataLabel(r.config) === dataset && typeof r.config.k === 'number' && r.config.k > 0 && r.config.fewshot === undefined);
    const all = curves(swept, () => true, (r) => r.config.k as number, (r) => methodLabel({ ...r.config, k: undefined } as unknown as ResultLine['config'], options.describe)).filter((s) => s.points.length > 1);
    if (all.length < 2) continue;
    const average = (s: Series) => s.points.reduce((sum, [, y]) => sum + y, 0) / s.points.length;
    const series = [...all].sort((a, b) => average(b) - average(a)).slice(0, 10);
    const name = `accuracy-vs-k-methods-${fileSafe(dataset)}.svg`;
    await writeChart(name, series, { title: `Accuracy vs k per GEN method, ${dataset}`, xLabel: 'k (proxies per class)', yLabel: 'accuracy (%)', logX: true });
    lines.push(`![accuracy vs k per method, ${dataset}](${name})`, '');
    if (all.length > series.length) lines.push(`(${series.length} of ${all.length} methods swept over k, the best by mean accuracy over their k values.)`, '');
  }
  const confusion = confusionReport(results, analysis, shown.slice(0, 5));
  if (confusion !== undefined) {
    await write('confusion.md', confusion);
    lines.push(`Confusion matrices of the ${Math.min(5, shown.length)} best methods, per data set: [confusion.md](confusion.md).`, '');
  }
  const fewshots = new Set(results.map((r) => r.config.fewshot).filter((f) => f !== undefined));
  if (fewshots.size > 1) {
    for (const dataset of datasets) {
      const series = curves(results, (r) => dataLabel(r.config) === dataset && r.config.fewshot !== undefined, (r) => r.config.fewshot, (r) => methodLabel({ ...r.config, fewshot: undefined }, options.describe));
      const name = `fewshot-${fileSafe(dataset)}.svg`;
      await writeChart(name, series, { title: `Few-shot accuracy, ${dataset}`, xLabel: 'samples per class', yLabel: 'accuracy (%)', logX: true });
      lines.push(`![few-shot curves, ${dataset}](${name})`, '');
    }
  }
  // §5.3 of the paper: classes made of d merged labels (Fig. 11a/b, A.8).
  const merged = mergedClassPoints(results);
  if (merged.length > 0) {
    const best = bestKPerMerge(merged);
    lines.push(
      '## Multi-modal classes: d labels merged into one (§5.3)',
      '',
      'IMPRINT k-means (L2 everywhere, max) and k-least-squares (no normalization) on data sets whose labels were remapped d into one class: the median over seeds, the mean over splits and over the remappings of equal d. The paper finds accuracy peaking near k = d.',
      '',
      '| FM | data set | method | d | accuracy at k = 1 | best k | accuracy at best k | k tried |',
      '|---|---|---|---|---|---|---|---|',
      ...best.map((b) => `| ${b.backbone} | ${b.dataset} | ${b.method} | ${Number.isInteger(b.d) ? b.d : b.d.toFixed(2)} | ${b.accuracyK1 === undefined ? '–' : pct(b.accuracyK1)} | ${b.bestK} | ${pct(b.bestAccuracy)} | ${b.ks[0]}–${b.ks[b.ks.length - 1]} |`),
      '',
    );
    for (const backbone of [...new Set(merged.map((p) => p.backbone))]) {
      const series = accuracyVsKMerged(results, merged, backbone);
      if (series.some((s) => s.points.length > 1)) {
        const name = `accuracy-vs-k-merged-${fileSafe(backbone)}.svg`;
        await writeChart(name, series, { title: `Accuracy vs k, d labels in 1 class (Fig. 11b), ${backbone}`, xLabel: 'k (proxies per class)', yLabel: 'accuracy (%)' });
        lines.push(`![accuracy vs k per d, ${backbone}](${name})`, '');
      }
      const byD = accuracyVsMerge(best, backbone);
      if (byD.some((s) => s.points.length > 1)) {
        const name = `accuracy-vs-d-${fileSafe(backbone)}.svg`;
        await writeChart(name, byD, { title: `Accuracy vs d, best k per d (Fig. A.8), ${backbone}`, xLabel: 'd (labels merged into one class)', yLabel: 'accuracy (%)' });
        lines.push(`![accuracy vs d, ${backbone}](${name})`, '');
      }
    }
    if (options.nc1 !== undefined) {
      const series = [...new Set(merged.map((p) => p.backbone))].flatMap((backbone) => nc1VsMerge(results, options.nc1!, backbone)).filter((s) => s.points.length > 0);
      if (series.some((s) => s.points.length > 1)) {
        await writeChart('nc1-vs-d.svg', series, { title: 'NC1 vs d labels merged into one class (Fig. 11a)', xLabel: 'd (labels merged into one class)', yLabel: 'NC1 (train embeddings)' });
        lines.push('![NC1 against d](nc1-vs-d.svg)', '');
      }
    }
  }
  if (options.nc1 !== undefined && ks.has(1) && ks.has(5)) {
    const byGroup = new Map<string, { k1: number[]; k5: number[]; nc: number }>();
    for (const r of results) {
      if (r.config.gen !== 'kmeans' || (r.config.k !== 1 && r.config.k !== 5)) continue;
      const nc = options.nc1[`${r.config.backbone}|${dataLabel(r.config)}`];
      if (nc === undefined) continue;
      const g = groupKey(r.config);
      if (!byGroup.has(g)) byGroup.set(g, { k1: [], k5: [], nc });
      byGroup.get(g)![r.config.k === 1 ? 'k1' : 'k5'].push(r.accuracy);
    }
    const points = [...byGroup.values()].filter((v) => v.k1.length && v.k5.length).map((v) => [v.nc, mean(v.k5) - mean(v.k1)] as const);
    if (points.length > 0) {
      await writeChart('gain-vs-nc1.svg', [{ name: 'groups', points }], { title: 'Gain of k=5 over k=1 vs NC1', xLabel: 'NC1 (log scale)', yLabel: 'accuracy gain (points)', logX: true, scatter: true });
      lines.push('![gain of k=5 over k=1 against NC1](gain-vs-nc1.svg)', '');
    }
  }
  lines.push('## Median accuracy per group', '', `| group | ${shown.map((m) => names[m]).join(' | ')} |`, `|---|${shown.map(() => '---').join('|')}|`);
  analysis.groups.forEach((g, i) => {
    const keys = JSON.parse(g) as Record<string, unknown>;
    lines.push(`| ${[keys.backbone, dataLabel(keys as { dataset: string; remap?: string }), keys.split].join(' · ')} | ${shown.map((m) => pct(analysis.table[i][m])).join(' | ')} |`);
  });
  lines.push('');
  if (options.notes) lines.push(options.notes, '');
  await write('report.md', lines.join('\n'));
  return { analysis, files };
}
