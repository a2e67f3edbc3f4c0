import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@imprint/core/node';
import { analyzeResults, groupKey, methodLabel, type Analysis } from './analysis.js';
import { cdDiagram, lineChart, type Series } from './charts.js';
import type { ResultLine } from './results.js';

export interface ReportOptions {
  readonly title?: string;
  /** NC1 per `backbone|dataset`, for the gain-vs-NC1 chart and table. */
  readonly nc1?: Readonly<Record<string, number>>;
  /** Reference figures to print beside the methods (e.g. the paper's), by method label. */
  readonly reference?: Readonly<Record<string, number>>;
  /** Extra markdown appended at the end. */
  readonly notes?: string;
}

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
 * Write `report.md` (tables: mean accuracy and average rank per method, Friedman and
 * Wilcoxon–Holm results, medians per group) and SVG charts (CD diagram; accuracy vs k; few-shot
 * curves; gain of k=5 over k=1 against log NC1 when NC1 is given) into `outDir`.
 */
export async function writeReport(results: readonly ResultLine[], outDir: string, options: ReportOptions = {}): Promise<{ analysis: Analysis; files: string[] }> {
  await mkdir(outDir, { recursive: true });
  const analysis = analyzeResults(results);
  const files: string[] = [];
  const write = async (name: string, text: string) => {
    await writeFileAtomic(join(outDir, name), encoder.encode(text));
    files.push(name);
  };
  const lines: string[] = [`# ${options.title ?? 'IMPRINT results'}`, '', `${results.length} runs, ${analysis.groups.length} groups (FM × data set × split), ${analysis.methods.length} methods. Accuracy: median over seeds per group, then mean over groups.`, ''];
  const hasReference = options.reference !== undefined;
  lines.push(`| method | mean accuracy | average rank | groups |${hasReference ? ' paper |' : ''}`, `|---|---|---|---|${hasReference ? '---|' : ''}`);
  for (const m of analysis.methods) {
    const ref = options.reference?.[m.label];
    lines.push(`| ${m.label} | ${pct(m.meanAccuracy)} | ${Number.isFinite(m.averageRank) ? m.averageRank.toFixed(2) : '–'} | ${m.groups} |${hasReference ? ` ${ref === undefined ? '–' : ref.toFixed(2)} |` : ''}`);
  }
  lines.push('');
  if (analysis.comparison !== undefined) {
    const { friedman, pairs, cliques } = analysis.comparison;
    lines.push(`Friedman test: χ² = ${friedman.statistic.toFixed(2)}, df = ${friedman.degreesOfFreedom}, p = ${friedman.pValue.toExponential(2)}.`, '');
    const names = analysis.methods.map((m) => m.label);
    const significant = pairs.filter((p) => p.significant).map((p) => `${names[p.a]} vs ${names[p.b]} (p_Holm = ${p.adjustedPValue.toExponential(1)})`);
    lines.push(`Pairwise Wilcoxon signed-rank (Pratt), Holm-corrected at α = 0.05: ${significant.length} of ${pairs.length} pairs differ significantly${significant.length ? `: ${significant.join('; ')}` : ''}.`, '');
    lines.push(`Not significantly different (CD cliques): ${cliques.length ? cliques.map((c) => `{${c.map((m) => names[m]).join(', ')}}`).join(', ') : 'none — every pair differs'}.`, '');
    await write('cd.svg', cdDiagram(names, friedman.averageRanks, cliques));
    lines.push('![critical difference diagram](cd.svg)', '');
  }
  if (options.nc1 !== undefined && Object.keys(options.nc1).length > 0) {
    lines.push('## Neural collapse (NC1, train embeddings)', '', '| FM × data set | NC1 | log₁₀ NC1 |', '|---|---|---|');
    for (const [key, value] of Object.entries(options.nc1)) lines.push(`| ${key.replace('|', ' × ')} | ${value.toFixed(3)} | ${Math.log10(value).toFixed(3)} |`);
    lines.push('');
  }
  const datasets = [...new Set(results.map((r) => r.config.dataset))];
  const ks = new Set(results.filter((r) => r.config.gen === 'kmeans').map((r) => r.config.k));
  if (ks.size > 1) {
    for (const dataset of datasets) {
      const series = curves(results, (r) => r.config.dataset === dataset && r.config.gen === 'kmeans' && r.config.fewshot === undefined, (r) => r.config.k, (r) => `${r.config.backbone} ${r.config.split}`);
      const name = `accuracy-vs-k-${dataset.replace(/[^A-Za-z0-9_-]+/g, '_')}.svg`;
      await write(name, lineChart(series, { title: `Accuracy vs k (k-means), ${dataset}`, xLabel: 'k (proxies per class)', yLabel: 'accuracy (%)', logX: true }));
      lines.push(`![accuracy vs k, ${dataset}](${name})`, '');
    }
  }
  const fewshots = new Set(results.map((r) => r.config.fewshot).filter((f) => f !== undefined));
  if (fewshots.size > 1) {
    for (const dataset of datasets) {
      const series = curves(results, (r) => r.config.dataset === dataset && r.config.fewshot !== undefined, (r) => r.config.fewshot, (r) => methodLabel({ ...r.config, fewshot: undefined }));
      const name = `fewshot-${dataset.replace(/[^A-Za-z0-9_-]+/g, '_')}.svg`;
      await write(name, lineChart(series, { title: `Few-shot accuracy, ${dataset}`, xLabel: 'samples per class', yLabel: 'accuracy (%)', logX: true }));
      lines.push(`![few-shot curves, ${dataset}](${name})`, '');
    }
  }
  if (options.nc1 !== undefined && ks.has(1) && ks.has(5)) {
    const byGroup = new Map<string, { k1: number[]; k5: number[]; nc: number }>();
    for (const r of results) {
      if (r.config.gen !== 'kmeans' || (r.config.k !== 1 && r.config.k !== 5)) continue;
      const nc = options.nc1[`${r.config.backbone}|${r.config.dataset}`];
      if (nc === undefined) continue;
      const g = groupKey(r.config);
      if (!byGroup.has(g)) byGroup.set(g, { k1: [], k5: [], nc });
      byGroup.get(g)![r.config.k === 1 ? 'k1' : 'k5'].push(r.accuracy);
    }
    const points = [...byGroup.values()].filter((v) => v.k1.length && v.k5.length).map((v) => [v.nc, mean(v.k5) - mean(v.k1)] as const);
    if (points.length > 0) {
      await write('gain-vs-nc1.svg', lineChart([{ name: 'groups', points }], { title: 'Gain of k=5 over k=1 vs NC1', xLabel: 'NC1 (log scale)', yLabel: 'accuracy gain (points)', logX: true, scatter: true }));
      lines.push('![gain of k=5 over k=1 against NC1](gain-vs-nc1.svg)', '');
    }
  }
  lines.push('## Median accuracy per group', '', `| group | ${analysis.methods.map((m) => m.label).join(' | ')} |`, `|---|${analysis.methods.map(() => '---').join('|')}|`);
  analysis.groups.forEach((g, i) => {
    const keys = JSON.parse(g) as Record<string, unknown>;
    lines.push(`| ${[keys.backbone, keys.dataset, keys.split].join(' · ')} | ${analysis.table[i].map(pct).join(' | ')} |`);
  });
  lines.push('');
  if (options.notes) lines.push(options.notes, '');
  await write('report.md', lines.join('\n'));
  return { analysis, files };
}
