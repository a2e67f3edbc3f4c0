import type { Series } from './charts.js';
import { dataLabel } from './data-combination.js';
import type { ResultLine } from './results.js';
import { median } from '../stats/ranks.js';

/**
 * The paper's analysis of multi-modal classes (§5.3; Fig. 11a/b and A.8): a data set whose labels
 * are merged d at a time into one class by a label remapping (the reference's ImageNet `mapD-J`, our
 * CombiMNIST-d), against the number of proxies k and against d.
 *
 * d of a run: the original labels its remapping lists divided by the classes they go to (a remapping
 * of 20 labels onto 10 classes has d = 2); a run of the same data set without a remapping has d = 1
 * when that data set has remapped runs too. Data sets never remapped are the "whole data set" lines
 * (dashed in the paper).
 */
export function mergedClassCount(config: ResultLine['config']): number | undefined {
  const labels = config.remapLabels;
  if (labels === undefined) return undefined;
  const classes = new Set(Object.values(labels)).size;
  return classes === 0 ? undefined : Object.keys(labels).length / classes;
}

/** A run of the paper's IMPRINT k-means method (L2 everywhere, max aggregation by the inner product), the method Fig. 11b plots. */
const isL2Kmeans = (c: ResultLine['config']) =>
  c.gen === 'kmeans' && c.normPre === 'l2' && c.normPost === 'l2' && c.normInf === 'l2' && c.agg === 'max' && (c.metric === undefined || c.metric === 'inner_product');
/** A k-least-squares run without normalization (the reference's kls setting in Fig. A.8). */
const isPlainKls = (c: ResultLine['config']) =>
  c.gen === 'kls' && c.normPre === 'none' && c.normPost === 'none' && c.normInf === 'none' && c.agg === 'max' && (c.metric === undefined || c.metric === 'inner_product');

/** One point of the merged-class analysis: FM, base data set, d, method family, k → mean accuracy. */
export interface MergedPoint {
  readonly backbone: string;
  readonly dataset: string;
  readonly d: number;
  readonly method: 'kmeans' | 'kls';
  readonly k: number;
  /** Mean over remappings with this d of the median over seeds (per split, then averaged over splits). */
  readonly accuracy: number;
  readonly remappings: number;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * The merged-class points of a result set, as the reference's notebook forms them: the median
 * accuracy over seeds per (FM, data set, remapping, split, k), the mean over splits, then the mean
 * over the remappings of equal d. Only data sets with at least one remapped run take part.
 */
export function mergedClassPoints(results: readonly ResultLine[]): MergedPoint[] {
  const remapped = new Set(results.filter((r) => mergedClassCount(r.config) !== undefined).map((r) => `${r.config.backbone}|${r.config.dataset}`));
  const cells = new Map<string, { point: Omit<MergedPoint, 'accuracy' | 'remappings'>; remap: string; split: string; accuracies: number[] }>();
  for (const r of results) {
    const c = r.config;
    if (!remapped.has(`${c.backbone}|${c.dataset}`) || c.fewshot !== undefined || typeof c.k !== 'number' || c.k < 1) continue;
    const method = isL2Kmeans(c) ? 'kmeans' : isPlainKls(c) ? 'kls' : undefined;
    if (method === undefined) continue;
    const d = mergedClassCount(c) ?? 1;
    const key = JSON.stringify([c.backbone, c.dataset, c.remap ?? '', c.split, method, c.k]);
    if (!cells.has(key)) cells.set(key, { point: { backbone: c.backbone, dataset: c.dataset, d, method, k: c.k }, remap: c.remap ?? '', split: c.split, accuracies: [] });
    cells.get(key)!.accuracies.push(r.accuracy);
  }
  // median over seeds → mean over splits (per remapping) → mean over remappings of equal d
  const perRemap = new Map<string, { point: Omit<MergedPoint, 'accuracy' | 'remappings'>; values: number[] }>();
  for (const cell of cells.values()) {
    const { backbone, dataset, method, k } = cell.point;
    const key = JSON.stringify([backbone, dataset, cell.remap, method, k]);
    if (!perRemap.has(key)) perRemap.set(key, { point: cell.point, values: [] });
    perRemap.get(key)!.values.push(median(cell.accuracies));
  }
  const perD = new Map<string, { point: Omit<MergedPoint, 'accuracy' | 'remappings'>; values: number[] }>();
  for (const entry of perRemap.values()) {
    const { backbone, dataset, d, method, k } = entry.point;
    const key = JSON.stringify([backbone, dataset, d, method, k]);
    if (!perD.has(key)) perD.set(key, { point: entry.point, values: [] });
    perD.get(key)!.values.push(mean(entry.values));
  }
  return [...perD.values()]
    .map(({ point, values }) => ({ ...point, accuracy: mean(values), remappings: values.length }))
    .sort((a, b) => a.backbone.localeCompare(b.backbone) || a.dataset.localeCompare(b.dataset) || a.method.localeCompare(b.method) || a.d - b.d || a.k - b.k);
}

/** Per FM × base data set × method × d: accuracy at k = 1, the best k and its accuracy (ties: the smallest k). */
export interface BestK {
  readonly backbone: string;
  readonly dataset: string;
  readonly method: 'kmeans' | 'kls';
  readonly d: number;
  readonly accuracyK1: number | undefined;
  readonly bestK: number;
  readonly bestAccuracy: number;
  /** The k values tried. */
  readonly ks: readonly number[];
}

export function bestKPerMerge(points: readonly MergedPoint[]): BestK[] {
  const groups = new Map<string, MergedPoint[]>();
  for (const p of points) {
    const key = JSON.stringify([p.backbone, p.dataset, p.method, p.d]);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(p);
  }
  return [...groups.values()].map((group) => {
    const best = group.reduce((a, b) => (b.accuracy > a.accuracy || (b.accuracy === a.accuracy && b.k < a.k) ? b : a));
    return {
      backbone: best.backbone,
      dataset: best.dataset,
      method: best.method,
      d: best.d,
      accuracyK1: group.find((p) => p.k === 1)?.accuracy,
      bestK: best.k,
      bestAccuracy: best.accuracy,
      ks: group.map((p) => p.k).sort((a, b) => a - b),
    };
  });
}

/**
 * Fig. 11b for one FM: IMPRINT k-means accuracy against k, one line per d of each remapped data set,
 * and (dashed) the data sets of the result set that were not remapped, as wholes.
 */
export function accuracyVsKMerged(results: readonly ResultLine[], points: readonly MergedPoint[], backbone: string): Series[] {
  const series: Series[] = [];
  const mine = points.filter((p) => p.backbone === backbone && p.method === 'kmeans');
  for (const dataset of [...new Set(mine.map((p) => p.dataset))]) {
    for (const d of [...new Set(mine.filter((p) => p.dataset === dataset).map((p) => p.d))].sort((a, b) => a - b)) {
      series.push({ name: `${dataset}, ${d} in 1`, points: mine.filter((p) => p.dataset === dataset && p.d === d).map((p) => [p.k, p.accuracy] as const) });
    }
  }
  const remappedSets = new Set(points.map((p) => p.dataset));
  const whole = new Map<string, Map<number, number[]>>();
  for (const r of results) {
    const c = r.config;
    if (c.backbone !== backbone || remappedSets.has(c.dataset) || c.remap !== undefined || c.fewshot !== undefined || typeof c.k !== 'number' || c.k < 1 || !isL2Kmeans(c)) continue;
    const name = dataLabel(c);
    if (!whole.has(name)) whole.set(name, new Map());
    const byK = whole.get(name)!;
    if (!byK.has(c.k)) byK.set(c.k, []);
    byK.get(c.k)!.push(r.accuracy);
  }
  for (const [name, byK] of whole) {
    series.push({ name: `${name} (whole)`, dashed: true, points: [...byK.entries()].sort((a, b) => a[0] - b[0]).map(([k, ys]) => [k, mean(ys)] as const) });
  }
  return series;
}

/**
 * Fig. A.8 for one FM: accuracy against d — mean imprinting (k-means with k = 1), least squares
 * (kls with k = 1), and k-means and kls each at their best k for that d.
 */
export function accuracyVsMerge(best: readonly BestK[], backbone: string): Series[] {
  const mine = best.filter((b) => b.backbone === backbone);
  const series: Series[] = [];
  for (const dataset of [...new Set(mine.map((b) => b.dataset))]) {
    const line = (method: 'kmeans' | 'kls', pick: (b: BestK) => number | undefined, name: string, dashed: boolean) => {
      const pts = mine.filter((b) => b.dataset === dataset && b.method === method).sort((a, b) => a.d - b.d).flatMap((b) => {
        const y = pick(b);
        return y === undefined ? [] : [[b.d, y] as const];
      });
      if (pts.length > 0) series.push({ name: `${name}${mine.some((b) => b.dataset !== dataset) ? `, ${dataset}` : ''}`, points: pts, ...(dashed ? { dashed } : {}) });
    };
    line('kmeans', (b) => b.accuracyK1, 'mean (k-means, k = 1)', false);
    line('kls', (b) => b.accuracyK1, 'least squares (kls, k = 1)', false);
    line('kmeans', (b) => b.bestAccuracy, 'k-means, best k', true);
    line('kls', (b) => b.bestAccuracy, 'k-least-squares, best k', true);
  }
  return series;
}

/**
 * Fig. 11a for one FM: NC1 of the train embeddings against d (the mean over remappings of equal d),
 * from NC1 values keyed `backbone|data label` (a remapped data set's label carries its remapping's
 * name: `mnist + fashion_mnist [d2]`).
 */
export function nc1VsMerge(results: readonly ResultLine[], nc1: Readonly<Record<string, number>>, backbone: string): Series[] {
  const remapped = new Set(results.filter((r) => mergedClassCount(r.config) !== undefined).map((r) => r.config.dataset));
  const byDataset = new Map<string, Map<number, Map<string, number>>>();
  for (const r of results) {
    const c = r.config;
    if (c.backbone !== backbone || !remapped.has(c.dataset)) continue;
    const value = nc1[`${backbone}|${dataLabel(c)}`];
    if (value === undefined) continue;
    const d = mergedClassCount(c) ?? 1;
    if (!byDataset.has(c.dataset)) byDataset.set(c.dataset, new Map());
    const byD = byDataset.get(c.dataset)!;
    if (!byD.has(d)) byD.set(d, new Map());
    byD.get(d)!.set(c.remap ?? '', value);
  }
  return [...byDataset.entries()].map(([dataset, byD]) => ({
    name: `${backbone}, ${dataset}`,
    points: [...byD.entries()].sort((a, b) => a[0] - b[0]).map(([d, values]) => [d, mean([...values.values()])] as const),
  }));
}
