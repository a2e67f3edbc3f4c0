import { EMBEDDED_BACKBONES, type EmbeddedBackboneName } from '@imprint/backbones';
import { openDataset } from '../datasets.js';
import { resolveSplit } from '../tasks.js';
import type { RunConfig } from './run-config.js';
import { combinationParts } from './data-combination.js';

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
  const parts = combinationParts(dataset);
  if (parts.length > 1) {
    const sizes = await Promise.all(parts.map((name) => sizeOf(name, part)));
    return { rows: sizes.reduce((n, s) => n + s.rows, 0), classes: sizes.reduce((n, s) => n + s.classes, 0) };
  }
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

/**
 * Throughputs that turn operation counts into seconds on one core, measured on the 2-core
 * reference machine with the onnx engine (Table 1's complete protocol, mobilenet_v2_nsfw):
 * dense products (least squares, scores) run near BLAS speed, k-means' assignment steps an order
 * slower, and the per-run passes over the data (class selection, normalisation, means, copies) are
 * memory-bound. Only their ratios matter for balancing.
 */
const RATE = { products: 3e10, kmeans: 3e9, memory: 1e8 } as const;

/** Estimated seconds of one run on one core: generation (shared by runs with one GEN key) and the rest. */
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
 * A cost model of one run in seconds on one core (see `RATE`), from what drives the time: GEN kind
 * and k, the rows per class (few-shot and limits applied), the test queries, the proxies searched
 * and the embedding width. It ranks and balances runs; it is not a promise of seconds elsewhere.
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
  const kmeans = (n * k * d * KMEANS_STEPS * (run.k === 'auto' ? 4 : 1)) / RATE.kmeans;
  const pass = (n * d) / RATE.memory; // one pass over the training rows
  let generate: number;
  switch (run.gen) {
    case 'mean':
    case 'all':
    case 'random':
      generate = pass;
      break;
    case 'kmeans':
      generate = pass + kmeans;
      break;
    case 'kmedoids':
      generate = pass + (perClass * n * d) / RATE.products + kmeans;
      break;
    case 'ls':
      generate = pass + (n * d * d + (d * d * d) / 3) / RATE.products;
      break;
    case 'kls':
      generate = pass + kmeans + (k * c * d * d + (d * d * d) / 3) / RATE.products;
      break;
    default:
      generate = pass + (n * k * d) / RATE.kmeans; // fps, cov_max and plugins: a few passes over the class per proxy
  }
  if (typeof run.prefilter === 'string' && run.prefilter !== 'all') generate += pass;
  const proxies = run.gen === 'ls' ? c : run.gen === 'mean' ? c : k * c;
  // every run selects and normalises its rows (train and test), then scores the test rows
  let predict = ((n + test.rows) * d) / RATE.memory + (test.rows * proxies * d) / RATE.products;
  if (run.agg === 'mnn') predict += (test.rows * proxies) / RATE.memory; // top-m selection over the scores
  if (run.normPost === 'quantile' || run.normInf === 'quantile') predict += (proxies * d * 4) / RATE.memory;
  return { generate, predict, rows: n + test.rows };
}
