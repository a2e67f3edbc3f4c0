import { EMBEDDED_BACKBONES, type EmbeddedBackboneName } from '@imprint/backbones';
import { openDataset } from '../datasets.js';
import { resolveSplit } from '../tasks.js';
import type { RunConfig } from './run-config.js';

/** Rows and classes of one data set split (before a run's limit and task split). */
export interface SplitSize {
  readonly rows: number;
  readonly classes: number;
}

/** Sizes of the data sets a grid names, by `dataset|part`. */
export type DataSizes = ReadonlyMap<string, SplitSize>;

/** The built-in data sets' sizes: known without reading them. */
const KNOWN_SIZES: Readonly<Record<string, { train: SplitSize; test: SplitSize }>> = {
  mnist: { train: { rows: 60_000, classes: 10 }, test: { rows: 10_000, classes: 10 } },
  fashion_mnist: { train: { rows: 60_000, classes: 10 }, test: { rows: 10_000, classes: 10 } },
};
/** A data set whose size cannot be found (e.g. a folder that is not there yet). */
const UNKNOWN_SIZE: SplitSize = { rows: 10_000, classes: 10 };

export function sizeKey(dataset: string, part: 'train' | 'test'): string {
  return `${dataset}|${part}`;
}

async function sizeOf(dataset: string, part: 'train' | 'test'): Promise<SplitSize> {
  const known = KNOWN_SIZES[dataset === 'fashion-mnist' || dataset === 'fashionmnist' ? 'fashion_mnist' : dataset];
  if (known !== undefined) return known[part];
  const combi = /^combi_mnist:(\d+)$/.exec(dataset);
  if (combi !== null) return { rows: KNOWN_SIZES.mnist![part].rows + KNOWN_SIZES.fashion_mnist![part].rows, classes: Math.max(1, Math.round(20 / Number(combi[1]))) };
  try {
    const source = await openDataset(dataset, part);
    return { rows: source.count, classes: source.classNames?.length ?? new Set(source.labels).size };
  } catch {
    return UNKNOWN_SIZE;
  }
}

/** The sizes of every data set × part the runs use (folders are listed, not decoded). */
export async function dataSizes(runs: readonly Pick<RunConfig, 'dataset'>[]): Promise<DataSizes> {
  const sizes = new Map<string, SplitSize>();
  for (const dataset of new Set(runs.map((r) => r.dataset))) {
    for (const part of ['train', 'test'] as const) sizes.set(sizeKey(dataset, part), await sizeOf(dataset, part));
  }
  return sizes;
}

/** Embedding width of a backbone (a guess for `onnx:` models, whose width is known only once loaded). */
export function backboneDim(run: Pick<RunConfig, 'backbone' | 'inputSize'>): number {
  const spec = EMBEDDED_BACKBONES[run.backbone as EmbeddedBackboneName];
  if (spec !== undefined) return spec.dim;
  if (run.backbone === 'pixels') return (run.inputSize ?? 28) ** 2;
  return 1024;
}

/** k-means iterations assumed by the estimate (Lloyd steps, k-means++ seeding counted as one). */
const KMEANS_STEPS = 12;

/** Estimated operations of one run: generation (shared by runs with one GEN key) and prediction. */
export interface RunCost {
  readonly generate: number;
  readonly predict: number;
  /** Embedding rows the run reads (train + test), for the cost of loading a data pair. */
  readonly rows: number;
}

function taskRows(size: SplitSize, limit: number | undefined, split: string): { rows: number; classes: number } {
  const rows = Math.min(size.rows, limit ?? Number.POSITIVE_INFINITY);
  let classes = size.classes;
  if (split !== '*') {
    try {
      classes = Math.min(size.classes, resolveSplit(split).length);
    } catch {
      // an invalid split fails when the run is validated; the estimate takes every class
    }
  }
  return { rows: (rows * classes) / size.classes, classes };
}

/**
 * A cost model of one run in multiply-adds, from what drives the time: GEN kind and k, the rows
 * per class (few-shot and limits applied), the test queries, the proxies searched and the
 * embedding width. It ranks and balances runs; it does not predict seconds.
 */
export function estimateRunCost(run: RunConfig, sizes: DataSizes): RunCost {
  const train = taskRows(sizes.get(sizeKey(run.dataset, 'train')) ?? UNKNOWN_SIZE, run.trainLimit, run.split);
  const test = taskRows(sizes.get(sizeKey(run.dataset, 'test')) ?? UNKNOWN_SIZE, run.testLimit, run.split);
  const d = backboneDim(run);
  const c = Math.max(1, train.classes);
  const fewshot = typeof run.fewshot === 'number' ? run.fewshot : undefined;
  const n = Math.max(c, fewshot === undefined ? train.rows : Math.min(train.rows, fewshot * c));
  const perClass = n / c;
  const kValue = run.k === 'auto' ? Number(run.kMax ?? 20) : Number(run.k ?? 1);
  const k = kValue < 0 ? perClass : Math.min(Math.max(1, kValue), perClass);
  let generate: number;
  switch (run.gen) {
    case 'mean':
    case 'all':
    case 'random':
      generate = n * d;
      break;
    case 'kmeans':
      generate = n * k * d * KMEANS_STEPS * (run.k === 'auto' ? 4 : 1);
      break;
    case 'kmedoids':
      generate = perClass * n * d + n * k * d * KMEANS_STEPS;
      break;
    case 'ls':
      generate = n * d * d + (d * d * d) / 3;
      break;
    case 'kls':
      generate = n * k * d * KMEANS_STEPS + k * c * d * d + (d * d * d) / 3;
      break;
    default:
      generate = n * k * d; // fps, cov_max and plugins: a few passes over the class per proxy
  }
  if (typeof run.prefilter === 'string' && run.prefilter !== 'all') generate += n * d;
  const proxies = run.gen === 'ls' ? c : run.gen === 'mean' ? c : k * c;
  let predict = test.rows * proxies * d;
  if (run.agg === 'mnn') predict *= 1.25; // top-m selection over the scores
  if (run.normPost === 'quantile' || run.normInf === 'quantile') predict += proxies * d * 4;
  return { generate, predict, rows: n + test.rows };
}
