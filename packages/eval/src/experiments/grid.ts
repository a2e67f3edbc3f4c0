import { ImprintError, applicableOptions, checkInteger, didYouMean, resolvePipeline, type ApplicabilitySource, type ImprintConfigInput, type OptionTable, type Registry } from '@imprint/core';
import { standardDescribeSource, standardOptions } from '../standard-registry.js';
import { readDataFile } from '../data-file.js';
import { resolveSplit } from '../tasks.js';
import { DATA_KEY_NAMES, runId, type RunConfig } from './run-config.js';
import { combinationName } from './data-combination.js';
import { checkLabelRemapping } from '../combine-sets.js';

/**
 * An experiment grid: lists of values whose cartesian product is run, like the reference's YAML
 * configs. Imprinting keys default to a single value each (`DEFAULT_CONFIG`); `methods` lists
 * presets or config objects to run instead of the product of the imprinting lists.
 */
export interface GridSpec {
  backbones: string[];
  /** Backbone input size for every backbone. */
  inputSize?: number;
  /**
   * Data sets: names, or lists of names combined into one (`[mnist, fashion_mnist]`: 20 classes,
   * the second's labels offset by the first's 10 — the reference's `datasets: [["MNIST", …]]`).
   */
  datasets: (string | string[])[];
  /**
   * Named label remappings (original label → class; labels not listed are left out), each run on
   * every data set, like the reference's `label_remappings`: `{ merged: { 0: 0, 10: 0, 1: 1, 11: 1 } }`.
   * An empty remapping (`none: {}`) runs the data as it is. @default no remapping
   */
  remappings?: Record<string, Record<string, number>>;
  /** Task splits (`all`, `even`, `odd`, `short`, a list like `"0,3,7"`, or `*`: every class). @default ['all'] */
  splits?: string[];
  /** @default [0] */
  seeds?: number[];
  trainLimit?: number;
  testLimit?: number;
  /** Few-shot sizes; `null` means all samples. @default [null] */
  fewshot?: (number | null)[];
  methods?: (string | (ImprintConfigInput & { name?: string }))[];
  normPre?: string[];
  gen?: string[];
  /** Proxies per class: numbers, -1 (all samples) or "auto" (chosen per class). */
  k?: (number | 'auto')[];
  /** With k "auto": the largest k. */
  kMax?: number[];
  /** With k "auto": the k selector. */
  kSelect?: string[];
  normPost?: string[];
  normInf?: string[];
  agg?: string[];
  metric?: string[];
  weighting?: string[];
  m?: number[];
  lambda?: number[];
  prefilter?: string[];
  /**
   * Named scales of one study (`quick`, `paper`): keys that replace the grid's own when that scale is
   * chosen (`imprint-bench grid FILE --scale paper`); `null` removes a key (e.g. `trainLimit: null`:
   * every image). Without a choice the first scale listed is used.
   */
  scales?: Record<string, Partial<Record<string, unknown>>>;
  /**
   * Sub-grids run together: each part's keys replace the grid's own, and the runs of all parts are
   * one grid (duplicates run once) — for studies whose settings are not one product (e.g. kls only
   * without normalization beside every other GEN with it).
   */
  parts?: Partial<Record<string, unknown>>[];
  /** A list of values for any other declared option (a plugin's `take: [1, 20]`). */
  [option: string]: unknown;
}

/** Most runs a grid may expand to (its product before filters). */
export const MAX_GRID_RUNS = 2_000_000;

/** Grid keys that are not option lists (`description` and `meta` are free-form and ignored). */
const DATA_GRID_KEYS = ['backbones', 'inputSize', 'datasets', 'remappings', 'splits', 'seeds', 'trainLimit', 'testLimit', 'fewshot', 'methods', 'scales', 'parts', 'description', 'meta'] as const;
/** Options with a grid key of their own: `seeds`, and `fewshot` (whose list may hold null: all samples). */
const NOT_OPTION_LISTS = new Set(['seed', 'fewshot']);

/**
 * The option lists of a grid: every declared option that can be swept (core's, the registered
 * plugins' — a plugin's `take` becomes a list key `take: [1, 20]`), in declaration order.
 */
export function optionListKeys(options: OptionTable = standardOptions()): string[] {
  return options
    .list()
    .filter((option) => option.sweep !== false && !NOT_OPTION_LISTS.has(option.name))
    .map((option) => option.name);
}

/** Every key a grid file may hold with these options (default: the standard registry's). */
export function gridKeys(options: OptionTable = standardOptions()): string[] {
  return [...DATA_GRID_KEYS.slice(0, 10), ...optionListKeys(options), ...DATA_GRID_KEYS.slice(10)];
}

function stringList(spec: Record<string, unknown>, key: string): void {
  const list = spec[key];
  if (list === undefined) return;
  if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'string' && v.length > 0)) {
    throw new ImprintError('INVALID_CONFIG', `grid key "${key}" must be a non-empty list of names, got ${JSON.stringify(list)}`);
  }
}

function checkObject(value: unknown, what: string, expected: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.keys(value).length === 0) throw new ImprintError('INVALID_CONFIG', `${what} must be ${expected}, got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

function checkList(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value) || value.length === 0) throw new ImprintError('INVALID_CONFIG', `${what} must be a non-empty list of objects of grid keys, got ${JSON.stringify(value)}`);
  return value;
}

/** `over`'s keys replacing `base`'s; a `null` value removes the key. */
function overlay(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
}

/**
 * A grid at one of its scales: the scale's keys replacing the grid's (`null` removes one), `scales`
 * gone. Without `scale`, the first scale the grid lists (undefined when it has none). Naming a
 * scale the grid does not have fails with the scales it has.
 */
export function selectGridScale(spec: GridSpec, scale?: string, source = 'grid'): { spec: GridSpec; scale: string | undefined } {
  const { scales, ...rest } = spec;
  if (scales === undefined) {
    if (scale !== undefined) throw new ImprintError('INVALID_CONFIG', `${source} has no scales; --scale ${scale} applies to grids with a "scales" key (apps/benchmark/grids/paper/)`);
    return { spec: spec, scale: undefined };
  }
  const names = Object.keys(scales);
  const chosen = scale ?? names[0]!;
  const over = scales[chosen];
  if (over === undefined) throw new ImprintError('INVALID_CONFIG', `${source} has no scale ${JSON.stringify(chosen)}${didYouMean(chosen, names)}; its scales: ${names.join(', ')}`);
  return { spec: overlay(rest, over as Record<string, unknown>) as unknown as GridSpec, scale: chosen };
}

/** The grids a grid is made of: its `parts` each over the grid's other keys, or the grid itself. */
export function gridParts(spec: GridSpec): GridSpec[] {
  const { parts, ...rest } = spec;
  if (parts === undefined) return [spec];
  return parts.map((part) => overlay(rest, part as Record<string, unknown>) as unknown as GridSpec);
}

/**
 * Check a grid's keys and value types before anything is expanded: unknown keys (a misspelt
 * `gens` or `trainlimit` would otherwise be ignored while the run used the default) fail with a
 * "did you mean", and data keys must be what they say (input size and limits positive integers,
 * seeds integers, few-shot sizes positive integers or null).
 */
export function validateGridSpec(input: unknown, source = 'grid', options: OptionTable = standardOptions()): GridSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ImprintError('INVALID_CONFIG', `${source}: a grid must be an object of lists, got ${JSON.stringify(input)}`);
  const spec = input as Record<string, unknown>;
  const valid = gridKeys(options);
  const unknown = Object.keys(spec).filter((key) => !valid.includes(key));
  if (unknown.length > 0) {
    const problems = unknown.map((key) => `unknown grid key ${JSON.stringify(key)}${didYouMean(key, valid)}`);
    throw new ImprintError('INVALID_CONFIG', `${source}: ${problems.join('; ')}. Valid keys: ${valid.join(', ')}; a plugin's options become valid keys once it is loaded (--plugin)`, { unknown });
  }
  const nested: [string, unknown][] = [
    ...(spec.scales === undefined ? [] : Object.entries(checkObject(spec.scales, `${source}: grid key "scales"`, 'an object of named scales, such as {quick: {seeds: [0], trainLimit: 500}, paper: {seeds: [0, 1, 2], trainLimit: null}}')).map(([name, value]) => [`scale ${JSON.stringify(name)}`, value] as [string, unknown])),
    ...(spec.parts === undefined ? [] : checkList(spec.parts, `${source}: grid key "parts"`).map((value, i) => [`parts[${i}]`, value] as [string, unknown])),
  ];
  for (const [where, value] of nested) {
    const inner = Object.keys(checkObject(value, `${source}: ${where}`, 'an object of grid keys'));
    const wrong = inner.filter((key) => !valid.includes(key) || key === 'scales' || key === 'parts');
    if (wrong.length > 0) throw new ImprintError('INVALID_CONFIG', `${source}: ${where} sets ${wrong.map((key) => `${JSON.stringify(key)}${valid.includes(key) ? ' (not inside scales or parts)' : didYouMean(key, valid)}`).join(', ')}; it may set any other grid key`, { unknown: wrong });
  }
  // A grid with scales or parts is checked as each of its resolved grids (see expandGrid).
  if (nested.length > 0) {
    for (const scale of spec.scales === undefined ? [undefined] : Object.keys(spec.scales as object)) for (const part of gridParts(selectGridScale(spec as unknown as GridSpec, scale, source).spec)) validateGridSpec(part, source, options);
    return spec as unknown as GridSpec;
  }
  for (const key of ['backbones', 'datasets']) {
    if (spec[key] === undefined) throw new ImprintError('INVALID_CONFIG', `${source}: a grid needs a non-empty list "${key}"`);
  }
  stringList(spec, 'backbones');
  if (!Array.isArray(spec.datasets) || spec.datasets.length === 0) throw new ImprintError('INVALID_CONFIG', `${source}: grid key "datasets" must be a non-empty list of names (or of lists of names, combined into one), got ${JSON.stringify(spec.datasets)}`);
  (spec.datasets as unknown[]).forEach((entry, i) => {
    if (typeof entry === 'string' && entry.length > 0) return;
    combinationName(entry as string[], `${source}: datasets[${i}]`);
  });
  if (spec.remappings !== undefined) {
    const remappings = spec.remappings;
    if (typeof remappings !== 'object' || remappings === null || Array.isArray(remappings) || Object.keys(remappings).length === 0) {
      throw new ImprintError('INVALID_CONFIG', `${source}: grid key "remappings" must be an object of named label remappings, such as {merged: {0: 0, 10: 0, 1: 1, 11: 1}}, got ${JSON.stringify(remappings)}`);
    }
    for (const [name, remapping] of Object.entries(remappings)) checkLabelRemapping(remapping, `${source}: remapping ${JSON.stringify(name)}`);
  }
  stringList(spec, 'splits');
  for (const key of ['inputSize', 'trainLimit', 'testLimit']) if (spec[key] !== undefined) checkInteger(spec[key], `${source}: ${key}`, { min: 1 });
  if (spec.seeds !== undefined) {
    if (!Array.isArray(spec.seeds) || spec.seeds.length === 0) throw new ImprintError('INVALID_CONFIG', `${source}: grid key "seeds" must be a non-empty list of integers, got ${JSON.stringify(spec.seeds)}`);
    spec.seeds.forEach((seed, i) => checkInteger(seed, `${source}: seeds[${i}]`));
  }
  if (spec.fewshot !== undefined) {
    if (!Array.isArray(spec.fewshot) || spec.fewshot.length === 0) throw new ImprintError('INVALID_CONFIG', `${source}: grid key "fewshot" must be a non-empty list, got ${JSON.stringify(spec.fewshot)}`);
    spec.fewshot.forEach((n, i) => n === null || checkInteger(n, `${source}: fewshot[${i}] (samples per class, or null for all)`, { min: 1 }));
  }
  if (spec.methods !== undefined && (!Array.isArray(spec.methods) || spec.methods.length === 0)) {
    throw new ImprintError('INVALID_CONFIG', `${source}: grid key "methods" must be a non-empty list of presets or config objects, got ${JSON.stringify(spec.methods)}`);
  }
  return spec as unknown as GridSpec;
}

function product<T>(lists: T[][]): T[][] {
  return lists.reduce<T[][]>((acc, list) => acc.flatMap((prefix) => list.map((v) => [...prefix, v])), [[]]);
}

/** Read a grid file (YAML or JSON); its option lists are those of `options` (default: the standard registry's). */
export async function readGridFile(path: string, options: OptionTable = standardOptions()): Promise<GridSpec> {
  return validateGridSpec(await readDataFile(path, 'grid file'), path, options);
}

/**
 * Collapse settings that do not apply, then apply the paper's filters, so no run is duplicated.
 * Collapsing follows the declarations: an option that acts in none of the run's plugins, or that
 * one of them `ignores` (`mean` and `ls` ignore k, `max` ignores m and weighting), is reset to its
 * default when it is recorded and left out otherwise (`lambda` with `mean`, `prefilter: all`);
 * besides, `all` stores every sample (k = −1), `max` under another metric than the inner product is
 * 1-nn (m = 1), and m = 1 ignores weighting. Filters: NORMpre ≠ none requires NORMinf = NORMpre;
 * mnn with m > 10·k (k ≥ 1, after collapsing) is dropped; then k larger than the few-shot size n
 * becomes n (those runs are the same). Returns undefined for a dropped run.
 * `source`: the registry (default: the standard one).
 */
export function canonicalRun(run: RunConfig, source: ApplicabilitySource = standardDescribeSource()): RunConfig | undefined {
  const out: RunConfig = { ...run };
  const applies = applicableOptions(run, source);
  for (const option of source.options().list()) {
    if (out[option.name] === undefined || applies(option.name)) continue;
    if (option.recorded && option.default !== undefined) out[option.name] = option.default;
    else delete out[option.name];
  }
  if (out.gen === 'all') out.k = -1;
  if (out.agg === 'max' && out.metric !== 'inner_product') out.m = 1;
  if (out.agg === 'mnn' && out.m === 1) out.weighting = 'uniform';
  if (out.normPre !== 'none' && out.normInf !== out.normPre) return undefined;
  if (out.agg === 'mnn' && typeof out.k === 'number' && out.k >= 1 && out.m > 10 * out.k) return undefined;
  // k proxies from a few-shot sample of n < k per class are the n-proxy run (the reference's rule)
  if (typeof out.fewshot === 'number' && typeof out.k === 'number' && out.k > out.fewshot) out.k = out.fewshot;
  return out;
}

/**
 * Expand a grid into validated, filtered, de-duplicated runs with deterministic ids, in a stable
 * order. Every run is resolved against `registry` first: an invalid value anywhere fails before
 * anything runs.
 */
export function expandGrid(spec: GridSpec, registry: Registry): (RunConfig & { id: string })[] {
  validateGridSpec(spec, 'grid', registry.options());
  const runs = new Map<string, RunConfig & { id: string }>();
  for (const part of gridParts(selectGridScale(spec).spec)) for (const run of expandOne(part, registry)) if (!runs.has(run.id)) runs.set(run.id, run);
  return [...runs.values()];
}

/** The runs of a grid without scales or parts. */
function expandOne(spec: GridSpec, registry: Registry): (RunConfig & { id: string })[] {
  const options = registry.options();
  const lists = optionListKeys(options);
  const splits = spec.splits ?? ['all'];
  splits.forEach((s) => s === '*' || resolveSplit(s));
  const seeds = spec.seeds ?? [0];
  const fewshots = spec.fewshot ?? [null];
  // Refuse a grid too large to expand before expanding it (every run is resolved and kept in memory).
  const sizes: [string, number][] = [
    ['backbones', spec.backbones.length],
    ['datasets', spec.datasets.length],
    ['remappings', Object.keys(spec.remappings ?? { none: {} }).length],
    ['splits', splits.length],
    ['seeds', seeds.length],
    ['fewshot', fewshots.length],
    ...(spec.methods !== undefined ? [['methods', spec.methods.length] as [string, number]] : lists.filter((key) => Array.isArray(spec[key])).map((key) => [key, (spec[key] as unknown[]).length] as [string, number])),
  ];
  const total = sizes.reduce((n, [, size]) => n * size, 1);
  if (total > MAX_GRID_RUNS) {
    throw new ImprintError(
      'INVALID_CONFIG',
      `grid: ${sizes.filter(([, n]) => n > 1).map(([key, n]) => `${n} ${key}`).join(' × ')} = ${total.toExponential(2)} runs before filters, more than ${MAX_GRID_RUNS.toLocaleString('en')}; split it into several grids (or shards of a smaller one)`,
      { runs: total },
    );
  }
  let methods: ImprintConfigInput[];
  if (spec.methods !== undefined) {
    methods = spec.methods.map((m, i) => {
      if (typeof m === 'string') return { preset: m } as ImprintConfigInput;
      if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new ImprintError('INVALID_CONFIG', `grid methods[${i}] must be a preset name or a config object, got ${JSON.stringify(m)}`);
      const misplaced = Object.keys(m).filter((key) => (DATA_KEY_NAMES as readonly string[]).includes(key) || key === 'seed' || key === 'fewshot');
      if (misplaced.length > 0) throw new ImprintError('INVALID_CONFIG', `grid methods[${i}] sets ${misplaced.join(', ')}; data keys, seeds and few-shot sizes belong at the top of the grid`);
      return m;
    });
  } else {
    const values = lists.map((key) => {
      const list = spec[key];
      if (list === undefined) return [undefined];
      if (!Array.isArray(list) || list.length === 0) throw new ImprintError('INVALID_CONFIG', `grid key "${key}" must be a non-empty list, got ${JSON.stringify(list)}`);
      return list as unknown[];
    });
    methods = product(values).map((picked) => {
      const config: Record<string, unknown> = {};
      lists.forEach((key, i) => picked[i] !== undefined && (config[key] = picked[i]));
      return config as ImprintConfigInput;
    });
  }
  const runs = new Map<string, RunConfig & { id: string }>();
  const datasets = spec.datasets.map((entry, i) => combinationName(entry, `grid datasets[${i}]`));
  // A remapping is recorded as its name and labels (keys in ascending order); an empty one is none.
  const remappings = Object.entries(spec.remappings ?? { none: {} }).map(([name, remapping]) => {
    const map = checkLabelRemapping(remapping, `grid remapping ${JSON.stringify(name)}`);
    if (map.size === 0) return {};
    return { remap: name, remapLabels: Object.fromEntries([...map].sort((a, b) => a[0] - b[0]).map(([from, to]) => [String(from), to])) };
  });
  for (const backbone of spec.backbones) {
    for (const dataset of datasets) {
      for (const remapping of remappings) {
        for (const split of splits) {
          for (const seed of seeds) {
            for (const fewshot of fewshots) {
              for (const method of methods) {
                const data = {
                  backbone,
                  ...(spec.inputSize === undefined ? {} : { inputSize: spec.inputSize }),
                  dataset,
                  ...remapping,
                  split,
                  ...(spec.trainLimit === undefined ? {} : { trainLimit: spec.trainLimit }),
                  ...(spec.testLimit === undefined ? {} : { testLimit: spec.testLimit }),
                };
                const input = { ...method, ...data, seed, ...(fewshot === null ? {} : { fewshot }) };
                const { config } = resolvePipeline(input, registry, { extraKeys: DATA_KEY_NAMES });
                const run = canonicalRun(config as RunConfig, registry);
                if (run === undefined) continue;
                const id = runId(run);
                if (!runs.has(id)) runs.set(id, { ...run, id });
              }
            }
          }
        }
      }
    }
  }
  return [...runs.values()];
}
