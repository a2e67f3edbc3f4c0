import { ImprintError } from '@imprint/core';
import { readInputFile } from '@imprint/core/node';
import { parse as parseYaml } from 'yaml';
import { referenceRandomClassRemappings } from './reference-remappings.js';
import { resolveSplit } from '../tasks.js';
import type { GridSpec } from './grid.js';

/**
 * The config files of the Python reference (DATEXIS/IMPRINT, `src/config/*.yaml`): lists of
 * settings that its `generate_combinations` expands into runs, per backbone, data set (a list of
 * data sets combined into one), label remapping and task split. This module reads them as the
 * reference does and counts their runs exactly as the reference's code does.
 */

/** Keys of a reference config file (`src/config/experiments.py` and `scripts/run_imprinting_experiments.py`). */
export const REFERENCE_CONFIG_KEYS = [
  'backbones',
  'datasets',
  'label_remappings',
  'task_splits',
  'seeds',
  'normalize_input_data',
  'normalize_for_proxy_selection',
  'presampling_methods',
  'presampling_quantiles_values',
  'presampling_fewshot_values',
  'proxy_methods',
  'ks',
  'normalize_weights',
  'aggregation_methods',
  'aggregation_distance_functions',
  'aggregation_weightings',
  'ms',
] as const;

/** Keys only a reference config has (our grid files say `gen`, `k`, `agg`, …). */
const DISTINCTIVE = ['proxy_methods', 'ks', 'normalize_weights', 'aggregation_methods', 'presampling_methods', 'normalize_input_data', 'label_remappings', 'task_splits'];

/** A reference config as its file holds it (values as YAML gives them). */
export type ReferenceConfig = { readonly [K in (typeof REFERENCE_CONFIG_KEYS)[number]]?: unknown };

/** Whether a parsed data file is a reference config: only reference keys, and at least one only it has. */
export function isReferenceConfig(value: unknown): value is ReferenceConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => (REFERENCE_CONFIG_KEYS as readonly string[]).includes(key)) && keys.some((key) => DISTINCTIVE.includes(key));
}

/**
 * Parse a reference config file's text as the reference's `load_config` does: everything after a
 * `#` on a line is dropped (its files put comments after JSON values, which YAML alone would not
 * strip), then YAML (its files are JSON-like, with trailing commas).
 */
export function parseReferenceConfigText(text: string, source: string): ReferenceConfig {
  const content = text
    .split('\n')
    .map((line) => (line.includes('#') ? line.slice(0, line.indexOf('#')) : line))
    .join('\n');
  let parsed: unknown;
  try {
    parsed = parseYaml(content);
  } catch (error) {
    throw new ImprintError('BAD_FILE', `${source} is not a readable reference config: ${(error as Error).message}`, { path: source });
  }
  if (!isReferenceConfig(parsed)) throw new ImprintError('BAD_FILE', `${source} is not a reference config (its keys: ${Object.keys((parsed as object) ?? {}).join(', ')})`, { path: source });
  return parsed;
}

/** Number of `map{i}-{j}` remappings the reference's `RANDOM_CLASS_REMAPPINGS` placeholder stands for (i = 1…10 classes into one, j = 10 draws each). */
export const RANDOM_CLASS_REMAPPING_COUNT = 100;

/** One data combination of a reference config: what `generate_combinations` is called with. */
export interface ReferenceDataCombination {
  readonly backbone: string;
  readonly datasets: readonly string[];
  readonly mapping: string;
  readonly split: string;
  /** Runs `generate_combinations` returns for it (seeds included). */
  readonly runs: number;
}

/** The Python tuple `(0, 1.0)`: equal only to itself, not to a list `[0, 1.0]` read from a file. */
const TUPLE = Object.freeze({ tuple: Object.freeze([0, 1] as const) });

/** The reference's defaults (`generate_combinations` and the runner) for keys a file leaves out. */
const DEFAULTS = {
  backbones: ['resnet18'],
  datasets: [['MNIST']],
  label_remappings: { none: {} },
  task_splits: { all: [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]] },
  seeds: [17121997, 123987, 12412312],
  normalize_input_data: ['l2'],
  normalize_for_proxy_selection: ['none'],
  presampling_methods: ['all'],
  // a Python tuple: unlike the lists a YAML file gives, it equals the (0, 1.0) the filters compare with
  presampling_quantiles_values: [TUPLE],
  presampling_fewshot_values: [-1],
  proxy_methods: ['lmeans'],
  ks: [20],
  normalize_weights: ['l2'],
  aggregation_methods: ['max'],
  aggregation_distance_functions: ['inner_product'],
  aggregation_weightings: ['uniform'],
  ms: [-1],
};

interface Row {
  normalize_input_data: unknown;
  normalize_for_proxy_selection: unknown;
  presampling_method: unknown;
  presampling_quantiles_value: unknown;
  presampling_fewshot_value: number;
  proxy_method: unknown;
  k: number;
  normalize_weights: unknown;
  aggregation_method: unknown;
  aggregation_distance_function: unknown;
  aggregation_weighting: unknown;
  m: number;
}

function list(config: ReferenceConfig, key: keyof typeof DEFAULTS, source: string): unknown[] {
  const value = (config as Record<string, unknown>)[key] ?? DEFAULTS[key];
  if (!Array.isArray(value)) throw new ImprintError('INVALID_CONFIG', `${source}: "${key}" must be a list, got ${JSON.stringify(value)}`, { key });
  return value;
}

function numbers(config: ReferenceConfig, key: 'ks' | 'ms' | 'presampling_fewshot_values' | 'seeds', source: string): number[] {
  const values = list(config, key, source);
  for (const value of values) if (typeof value !== 'number' || !Number.isInteger(value)) throw new ImprintError('INVALID_CONFIG', `${source}: "${key}" must hold integers, got ${JSON.stringify(value)}`, { key });
  return values as number[];
}

function mapping(config: ReferenceConfig, key: 'label_remappings' | 'task_splits', source: string): Record<string, unknown> {
  const value = (config as Record<string, unknown>)[key] ?? DEFAULTS[key];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ImprintError('INVALID_CONFIG', `${source}: "${key}" must map names to values, got ${JSON.stringify(value)}`, { key });
  return value as Record<string, unknown>;
}

/**
 * The settings one `generate_combinations` call keeps (before seeds), after `filter_combinations`'
 * rules in their order — `max` ignores m and weighting, `mnn` needs m and a distance, m ≤ 10·k,
 * `all` presampling ignores quantiles, Weibull needs quantiles other than (0, 1), `mean`/`ls` take
 * k = 1, k = −1 only for `all` (and `all` always k = −1), selection normalization only when it
 * equals the input's, k at most the few-shot size — then duplicates removed. Each rule looks at one
 * row, so they are applied row by row.
 */
export function referenceSettings(config: ReferenceConfig, source = 'reference config'): Row[] {
  const grid = {
    normalize_input_data: list(config, 'normalize_input_data', source),
    normalize_for_proxy_selection: list(config, 'normalize_for_proxy_selection', source),
    presampling_method: list(config, 'presampling_methods', source),
    presampling_quantiles_value: list(config, 'presampling_quantiles_values', source),
    presampling_fewshot_value: numbers(config, 'presampling_fewshot_values', source),
    proxy_method: list(config, 'proxy_methods', source),
    k: numbers(config, 'ks', source),
    normalize_weights: list(config, 'normalize_weights', source),
    aggregation_method: list(config, 'aggregation_methods', source),
    aggregation_distance_function: list(config, 'aggregation_distance_functions', source),
    aggregation_weighting: list(config, 'aggregation_weightings', source),
    m: numbers(config, 'ms', source),
  };
  const keys = Object.keys(grid) as (keyof Row)[];
  let rows: Row[] = [{} as Row];
  for (const key of keys) rows = rows.flatMap((row) => (grid[key] as unknown[]).map((value) => ({ ...row, [key]: value })));
  const kept = new Map<string, Row>();
  for (const row of rows) {
    if (row.aggregation_method === 'max') {
      row.m = -1;
      row.aggregation_weighting = 'uniform';
    }
    if (row.aggregation_method === 'mnn' && row.m === -1) continue;
    if (row.aggregation_method === 'mnn' && row.aggregation_distance_function === 'inner_product') continue;
    if (row.m > row.k * 10 && row.k > 0) continue;
    if (row.presampling_method === 'all') row.presampling_quantiles_value = TUPLE;
    if (row.presampling_method === 'weibull' && row.presampling_quantiles_value === TUPLE) continue;
    if (row.proxy_method === 'mean' || row.proxy_method === 'ls') row.k = 1;
    if (row.k === -1 && row.proxy_method !== 'all') continue;
    if (row.proxy_method === 'all') row.k = -1;
    if (row.normalize_for_proxy_selection !== 'none' && row.normalize_input_data !== row.normalize_for_proxy_selection) continue;
    if (row.presampling_fewshot_value !== -1 && row.presampling_fewshot_value < row.k) row.k = row.presampling_fewshot_value;
    const identity = JSON.stringify(keys.map((key) => (row[key] === TUPLE ? '(0, 1.0)' : row[key])));
    if (!kept.has(identity)) kept.set(identity, row);
  }
  return [...kept.values()];
}

/**
 * The data combinations of a reference config as its runner forms them — backbones × data sets ×
 * label remappings × task splits, `map…` remappings only for `["ImageNet"]` (the
 * `RANDOM_CLASS_REMAPPINGS` placeholder stands for {@link RANDOM_CLASS_REMAPPING_COUNT} of them) —
 * each with the number of runs `generate_combinations` gives it.
 */
export function referenceDataCombinations(config: ReferenceConfig, source = 'reference config'): ReferenceDataCombination[] {
  const perCombination = referenceSettings(config, source).length * numbers(config, 'seeds', source).length;
  const backbones = list(config, 'backbones', source).map(String);
  const datasets = list(config, 'datasets', source).map((d) => (Array.isArray(d) ? d.map(String) : [String(d)]));
  const remappings = Object.keys(mapping(config, 'label_remappings', source)).flatMap((name) =>
    name === 'RANDOM_CLASS_REMAPPINGS' ? Array.from({ length: RANDOM_CLASS_REMAPPING_COUNT }, (_, n) => `map${Math.floor(n / 10) + 1}-${n % 10}`) : [name],
  );
  const splits = Object.keys(mapping(config, 'task_splits', source));
  const out: ReferenceDataCombination[] = [];
  for (const backbone of backbones) {
    for (const data of datasets) {
      for (const remapping of remappings) {
        for (const split of splits) {
          if (!(data.length === 1 && data[0] === 'ImageNet') && remapping.startsWith('map')) continue;
          out.push({ backbone, datasets: data, mapping: remapping, split, runs: perCombination });
        }
      }
    }
  }
  return out;
}

/** Runs the reference's own expansion gives for a config file (every data combination, seeds included). */
export function referenceRunCount(config: ReferenceConfig, source = 'reference config'): number {
  return referenceDataCombinations(config, source).reduce((sum, c) => sum + c.runs, 0);
}

/** A data file read as a reference config, or undefined when it is not one (a grid file of ours). */
export async function readReferenceConfigFile(path: string): Promise<ReferenceConfig | undefined> {
  const text = (await readInputFile(path, 'grid file')).toString('utf8');
  try {
    return parseReferenceConfigText(text, path);
  } catch {
    return undefined;
  }
}

/** Names of the reference that run offline here without a mapping (its data set names → ours). */
const DEFAULT_NAMES: Readonly<Record<string, string>> = { MNIST: 'mnist', FashionMNIST: 'fashion_mnist' };

/** Options of {@link referenceGridSpecs}. */
export interface ReferenceGridOptions {
  /** Reference names → ours: `resnet18` → `onnx:./resnet18.onnx` or an embedded FM, `CIFAR10` → `folder:./cifar10`. MNIST and FashionMNIST map by default. */
  readonly map?: Readonly<Record<string, string>>;
  /** Whether a name of ours can be loaded (a backbone) or opened (a data set); names it refuses must be mapped. */
  readonly runnable?: { readonly backbone: (name: string) => boolean; readonly dataset: (name: string) => boolean };
  /** Keep unmapped names as they are instead of failing (for counting runs with `--plan`). */
  readonly allowUnmapped?: boolean;
  readonly source?: string;
}

/** The grid of ours a reference setting row becomes: its method config (few-shot size apart). */
function methodOf(row: Row): Record<string, unknown> {
  const method: Record<string, unknown> = {
    normPre: row.normalize_for_proxy_selection,
    gen: row.proxy_method,
    k: row.k,
    normPost: row.normalize_weights,
    normInf: row.normalize_input_data,
    agg: row.aggregation_method,
    metric: row.aggregation_distance_function,
    weighting: row.aggregation_weighting,
  };
  if (row.aggregation_method === 'mnn') method.m = row.m;
  if (row.presampling_method === 'weibull') {
    method.prefilter = 'weibull';
    method.prefilterQuantiles = row.presampling_quantiles_value === TUPLE ? [0, 1] : row.presampling_quantiles_value;
  } else if (row.presampling_method !== 'all') {
    method.prefilter = row.presampling_method;
  }
  return method;
}

/**
 * A reference config as grids of ours (one per few-shot size and, when `map…` remappings are
 * there, per kind of data): the reference's settings (after its own filters) as methods, its seeds,
 * few-shot sizes, task splits (by name where ours has the same classes, else as a class list), its
 * label remappings (the `RANDOM_CLASS_REMAPPINGS` placeholder rebuilt from its seeded draws, and
 * as in the reference used with `["ImageNet"]` only), its data sets — combined ones as lists — and
 * backbones through `map`. Splits of several tasks (continual learning) are not expressible in our
 * grids and fail with a line naming them. Names that do not run here and are not mapped fail with
 * one line listing each and how to map it.
 */
export function referenceGridSpecs(config: ReferenceConfig, options: ReferenceGridOptions = {}): GridSpec[] {
  const source = options.source ?? 'reference config';
  const map = { ...DEFAULT_NAMES, ...(options.map ?? {}) };
  const datasetLists = list(config, 'datasets', source).map((d) => (Array.isArray(d) ? d.map(String) : [String(d)]));
  const splitEntries = Object.entries(mapping(config, 'task_splits', source));
  const multiTask = splitEntries.filter(([, tasks]) => !Array.isArray(tasks) || tasks.length !== 1);
  if (multiTask.length > 0) {
    throw new ImprintError('UNSUPPORTED', `${source}: task splits of several tasks (${multiTask.map(([name]) => name).join(', ')}) cannot be run from a reference config: a grid run imprints one task`, { source });
  }
  const remappings: Record<string, Record<string, number>> = {};
  for (const [name, remapping] of Object.entries(mapping(config, 'label_remappings', source))) {
    if (name === 'RANDOM_CLASS_REMAPPINGS') Object.assign(remappings, referenceRandomClassRemappings());
    else remappings[name] = Object.fromEntries(Object.entries((remapping ?? {}) as Record<string, unknown>).map(([from, to]) => [from, Number(to)]));
  }
  const unmapped: { kind: 'backbone' | 'data set'; name: string }[] = [];
  const rename = (kind: 'backbone' | 'data set', name: string): string => {
    const ours = map[name] ?? name;
    const runnable = kind === 'backbone' ? options.runnable?.backbone : options.runnable?.dataset;
    if (map[name] === undefined && runnable !== undefined && !runnable(name) && !unmapped.some((u) => u.name === name)) unmapped.push({ kind, name });
    return ours;
  };
  const backbones = list(config, 'backbones', source).map((name) => rename('backbone', String(name)));
  const datasets = datasetLists.map((d) => (d.length === 1 ? rename('data set', d[0]!) : d.map((name) => rename('data set', name))));
  if (unmapped.length > 0 && !options.allowUnmapped) {
    const listed = (kind: string) => unmapped.filter((u) => u.kind === kind).map((u) => u.name);
    const backbonesMissing = listed('backbone');
    const dataMissing = listed('data set');
    const example = [backbonesMissing[0] && `--map ${backbonesMissing[0]}=onnx:./${backbonesMissing[0]}.onnx (or an embedded FM: --map ${backbonesMissing[0]}=mobilenet_v2_140)`, dataMissing[0] && `--map ${dataMissing[0]}=folder:./${dataMissing[0].toLowerCase()}`].filter(Boolean).join(', ');
    throw new ImprintError(
      'INVALID_CONFIG',
      `${source} names what does not run here: ${[backbonesMissing.length ? `backbones ${backbonesMissing.join(', ')}` : '', dataMissing.length ? `data sets ${dataMissing.join(', ')}` : ''].filter(Boolean).join('; ')}; map each with --map NAME=VALUE, e.g. ${example}`,
      { unmapped: unmapped.map((u) => u.name) },
    );
  }
  const splits = splitEntries.map(([name, tasks]) => {
    const classes = ((tasks as unknown[])[0] as unknown[]).map(Number);
    try {
      if (JSON.stringify(resolveSplit(name)) === JSON.stringify(classes)) return name;
    } catch {
      // not one of our split names: the classes themselves
    }
    return classes.join(',');
  });
  // One grid per few-shot size: the reference's rows pair each size with its own k values (k is
  // cut to the size), which a product of sizes and methods would not.
  const bySize = new Map<number, Map<string, Record<string, unknown>>>();
  for (const row of referenceSettings(config, source)) {
    const method = methodOf(row);
    if (!bySize.has(row.presampling_fewshot_value)) bySize.set(row.presampling_fewshot_value, new Map());
    bySize.get(row.presampling_fewshot_value)!.set(JSON.stringify(method), method);
  }
  const seeds = numbers(config, 'seeds', source);
  // The reference uses its `map…` remappings with ["ImageNet"] only, and the others with every data set.
  const isImageNet = datasetLists.map((d) => d.length === 1 && d[0] === 'ImageNet');
  const kinds = [
    { datasets: datasets.filter((_, i) => !isImageNet[i]), remappings: Object.fromEntries(Object.entries(remappings).filter(([name]) => !name.startsWith('map'))) },
    { datasets: datasets.filter((_, i) => isImageNet[i]), remappings },
  ].filter((kind) => kind.datasets.length > 0 && Object.keys(kind.remappings).length > 0);
  return [...bySize].flatMap(([size, methods]) =>
    kinds.map((kind) => ({
      backbones,
      datasets: kind.datasets,
      ...(Object.keys(kind.remappings).length === 1 && Object.keys(Object.values(kind.remappings)[0]!).length === 0 ? {} : { remappings: kind.remappings }),
      splits,
      seeds,
      fewshot: [size === -1 ? null : size],
      methods: [...methods.values()] as GridSpec['methods'],
    })),
  );
}
