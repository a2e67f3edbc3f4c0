import { DEFAULT_CONFIG, ImprintError, parseConfig, resolvePipeline, type ImprintConfigInput, type Registry } from '@imprint/core';
import { readDataFile } from '../data-file.js';
import { resolveSplit } from '../tasks.js';
import { runId, type RunConfig } from './run-config.js';

/**
 * An experiment grid: lists of values whose cartesian product is run, like the reference's YAML
 * configs. Imprinting keys default to a single value each (`DEFAULT_CONFIG`); `methods` lists
 * presets or config objects to run instead of the product of the imprinting lists.
 */
export interface GridSpec {
  backbones: string[];
  /** Backbone input size for every backbone. */
  inputSize?: number;
  datasets: string[];
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
  k?: number[];
  normPost?: string[];
  normInf?: string[];
  agg?: string[];
  metric?: string[];
  weighting?: string[];
  m?: number[];
  lambda?: number[];
  prefilter?: string[];
}

const IMPRINT_LISTS = ['normPre', 'gen', 'k', 'normPost', 'normInf', 'agg', 'metric', 'weighting', 'm', 'lambda', 'prefilter'] as const;

function product<T>(lists: T[][]): T[][] {
  return lists.reduce<T[][]>((acc, list) => acc.flatMap((prefix) => list.map((v) => [...prefix, v])), [[]]);
}

/** Read a grid file (YAML or JSON). */
export async function readGridFile(path: string): Promise<GridSpec> {
  const spec = await readDataFile(path, 'grid file');
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new ImprintError('INVALID_CONFIG', `${path}: a grid must be an object of lists`);
  return spec as GridSpec;
}

/**
 * Apply the paper's filters and collapse settings that do not apply, so no run is duplicated:
 * NORMpre ≠ none requires NORMinf = NORMpre; mnn with m > 10·k is dropped; `max` with the inner
 * product ignores m and weighting; m = 1 ignores weighting; `all` ignores k (−1); `ls` ignores k.
 * Returns undefined for a dropped run.
 */
export function canonicalRun(run: RunConfig): RunConfig | undefined {
  if (run.normPre !== 'none' && run.normInf !== run.normPre) return undefined;
  if (run.agg === 'mnn' && run.k >= 1 && run.m > 10 * run.k) return undefined;
  const out: RunConfig = { ...run };
  if (out.agg === 'max' && out.metric === 'inner_product') {
    out.m = DEFAULT_CONFIG.m;
    out.weighting = 'uniform';
  }
  if (out.agg === 'max' && out.metric !== 'inner_product') out.m = 1;
  if (out.agg === 'mnn' && out.m === 1) out.weighting = 'uniform';
  if (out.gen === 'all') out.k = -1;
  if (out.gen === 'ls') out.k = 1;
  return out;
}

/**
 * Expand a grid into validated, filtered, de-duplicated runs with deterministic ids, in a stable
 * order. Every run is resolved against `registry` first: an invalid value anywhere fails before
 * anything runs.
 */
export function expandGrid(spec: GridSpec, registry: Registry): (RunConfig & { id: string })[] {
  if (!Array.isArray(spec.backbones) || spec.backbones.length === 0) throw new ImprintError('INVALID_CONFIG', 'a grid needs a non-empty list "backbones"');
  if (!Array.isArray(spec.datasets) || spec.datasets.length === 0) throw new ImprintError('INVALID_CONFIG', 'a grid needs a non-empty list "datasets"');
  const splits = spec.splits ?? ['all'];
  splits.forEach((s) => s === '*' || resolveSplit(s));
  const seeds = spec.seeds ?? [0];
  const fewshots = spec.fewshot ?? [null];
  let methods: ImprintConfigInput[];
  if (spec.methods !== undefined) {
    methods = spec.methods.map((m) => (typeof m === 'string' ? ({ preset: m } as ImprintConfigInput) : m));
  } else {
    const lists = IMPRINT_LISTS.map((key) => {
      const list = spec[key];
      if (list === undefined) return [undefined];
      if (!Array.isArray(list) || list.length === 0) throw new ImprintError('INVALID_CONFIG', `grid key "${key}" must be a non-empty list, got ${JSON.stringify(list)}`);
      return list as unknown[];
    });
    methods = product(lists).map((values) => {
      const config: Record<string, unknown> = {};
      IMPRINT_LISTS.forEach((key, i) => values[i] !== undefined && (config[key] = values[i]));
      return config as ImprintConfigInput;
    });
  }
  const runs = new Map<string, RunConfig & { id: string }>();
  for (const backbone of spec.backbones) {
    for (const dataset of spec.datasets) {
      for (const split of splits) {
        for (const seed of seeds) {
          for (const fewshot of fewshots) {
            for (const method of methods) {
              const data = {
                backbone,
                ...(spec.inputSize === undefined ? {} : { inputSize: spec.inputSize }),
                dataset,
                split,
                ...(spec.trainLimit === undefined ? {} : { trainLimit: spec.trainLimit }),
                ...(spec.testLimit === undefined ? {} : { testLimit: spec.testLimit }),
              };
              const config = parseConfig({ ...method, ...data, seed, ...(fewshot === null ? {} : { fewshot }) });
              resolvePipeline(config, registry);
              const run = canonicalRun(config as RunConfig);
              if (run === undefined) continue;
              const id = runId(run);
              if (!runs.has(id)) runs.set(id, { ...run, id });
            }
          }
        }
      }
    }
  }
  return [...runs.values()];
}
