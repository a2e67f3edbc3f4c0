import { z } from 'zod';
import { ImprintError } from './errors.js';
import { expandPreset, type PresetName } from './presets.js';

/** `kMax` when a config with `k: 'auto'` does not set it. */
export const K_MAX_DEFAULT = 20;

/** Distance functions known to the aggregators (DESIGN.md: AGG). */
export const METRICS = ['inner_product', 'cosine', 'euclidean', 'manhattan', 'chebyshev', 'mahalanobis'] as const;
export type Metric = (typeof METRICS)[number];

/** How the m nearest proxies vote. */
export const WEIGHTINGS = ['uniform', 'weighted_by_distance'] as const;
export type Weighting = (typeof WEIGHTINGS)[number];

/**
 * Names of the plugins a config may refer to. Plugin packages extend these interfaces through
 * declaration merging, which makes config strings type-check:
 * `declare module '@imprint/core' { interface GeneratorRegistry { gmm: GmmOptions } }`.
 * While nothing is registered, any string is accepted.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface GeneratorRegistry {}
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface NormalizerRegistry {}
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AggregatorRegistry {}
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface KSelectorRegistry {}

type NamesOf<R> = [keyof R] extends [never] ? string : Extract<keyof R, string>;
export type GeneratorName = NamesOf<GeneratorRegistry>;
export type NormalizerName = NamesOf<NormalizerRegistry>;
export type AggregatorName = NamesOf<AggregatorRegistry>;
export type KSelectorName = NamesOf<KSelectorRegistry>;

const pluginName = (key: string) =>
  z.string({ error: `${key} must be a plugin name (a non-empty string)` }).min(1, { error: `${key} must not be empty` });

const configSchema = z.looseObject({
  normPre: pluginName('normPre').default('l2'),
  gen: pluginName('gen').default('mean'),
  k: z
    .union([z.number(), z.literal('auto')], { error: 'k must be -1, a positive integer or "auto"' })
    .refine((k) => k === 'auto' || k === -1 || (Number.isInteger(k) && k >= 1), { error: 'k must be -1, a positive integer or "auto"' })
    .default(1),
  // With k "auto": the largest k and the selector that chooses it (defaults K_MAX_DEFAULT, 'gap').
  kMax: z
    .number({ error: 'kMax must be a positive integer' })
    .refine((k) => Number.isInteger(k) && k >= 1, { error: 'kMax must be a positive integer' })
    .optional(),
  kSelect: pluginName('kSelect').optional(),
  normPost: pluginName('normPost').default('l2'),
  normInf: pluginName('normInf').default('l2'),
  agg: pluginName('agg').default('max'),
  metric: z.enum(METRICS, { error: `metric must be one of ${METRICS.join(', ')}` }).default('inner_product'),
  m: z
    .number({ error: 'm must be a positive integer' })
    .refine((m) => Number.isInteger(m) && m >= 1, { error: 'm must be a positive integer' })
    .default(5),
  weighting: z.enum(WEIGHTINGS, { error: `weighting must be one of ${WEIGHTINGS.join(', ')}` }).default('uniform'),
  seed: z
    .number({ error: 'seed must be an integer' })
    .refine((s) => Number.isSafeInteger(s), { error: 'seed must be an integer' })
    .default(42),
  fewshot: z
    .number({ error: 'fewshot must be a positive integer (samples per class)' })
    .refine((n) => Number.isInteger(n) && n >= 1, { error: 'fewshot must be a positive integer (samples per class)' })
    .optional(),
  lambda: z
    .number({ error: 'lambda must be a positive number' })
    .refine((l) => Number.isFinite(l) && l > 0, { error: 'lambda must be a positive number' })
    .optional(),
  prefilter: pluginName('prefilter').optional(),
  prefilterQuantiles: z
    .tuple([z.number(), z.number()], { error: 'prefilterQuantiles must be [lower, upper] with 0 ≤ lower < upper ≤ 1' })
    .refine(([lower, upper]) => lower >= 0 && upper <= 1 && lower < upper, { error: 'prefilterQuantiles must be [lower, upper] with 0 ≤ lower < upper ≤ 1' })
    .optional(),
  name: z.string({ error: 'name must be a string' }).optional(),
  meta: z.record(z.string(), z.unknown(), { error: 'meta must be an object of free-form annotations' }).optional(),
});

/**
 * Every config key that core knows: the IMPRINT option space, `preset`, `name` (a label for the
 * run) and `meta` (free-form annotations, carried into results and saved heads untouched).
 * Other keys must be declared by a registered plugin entry (`configKeys`) or by the caller
 * (`resolvePipeline(config, registry, { extraKeys })`); anything else is rejected as a likely typo.
 */
export const CORE_CONFIG_KEYS: readonly string[] = Object.freeze([...Object.keys(configSchema.shape), 'preset']);

/**
 * A fully resolved imprinting configuration: every key of the IMPRINT option space with its
 * default filled in. Unknown extra keys (a run's `name`, a third-party plugin's options) are kept.
 */
export type ImprintConfig = z.output<typeof configSchema>;

/** What a user writes: every key optional, plugin names typed by the registries. */
export interface ImprintConfigInput {
  normPre?: NormalizerName;
  gen?: GeneratorName;
  /** Proxies per class: a positive integer, -1 (every sample) or `'auto'` (chosen per class by `kSelect`). @default 1 */
  k?: number | 'auto';
  /** With `k: 'auto'`: the largest k a class may get. @default 20 */
  kMax?: number;
  /** With `k: 'auto'`: the k selector (a registered `kselector`). @default 'gap' */
  kSelect?: KSelectorName;
  normPost?: NormalizerName;
  normInf?: NormalizerName;
  agg?: AggregatorName;
  /** @default 'inner_product' */
  metric?: Metric;
  /** @default 5 */
  m?: number;
  /** @default 'uniform' */
  weighting?: Weighting;
  /** @default 42 */
  seed?: number;
  fewshot?: number;
  lambda?: number;
  /** Presampling filter before few-shot sampling: a presampler name such as `'weibull'`, or `'all'` (none). */
  prefilter?: string;
  /** Quantiles kept by the prefilter. @default [0.05, 0.95] */
  prefilterQuantiles?: readonly [number, number];
  /** A named preset (`qi2018`, `imprintKmeans`, …) whose keys the other keys override. */
  preset?: PresetName;
  /** A label for the run (results, reports). */
  name?: string;
  /** Free-form annotations, carried through untouched. The place for keys of your own. */
  meta?: Record<string, unknown>;
  /** Keys declared by registered plugins (`PluginEntry.configKeys`) or by the caller. */
  [extra: string]: unknown;
}

/** Defaults of every key, as `parseConfig({})` resolves them. */
export const DEFAULT_CONFIG: Readonly<ImprintConfig> = Object.freeze(configSchema.parse({}));

function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value) ?? String(value);
}

/**
 * Validate a configuration object (from code, JSON or a CLI) and fill in defaults. Throws an
 * {@link ImprintError} `INVALID_CONFIG` that lists every offending key with its value and what
 * would be valid, e.g. `k must be -1, a positive integer or "auto", got 0`.
 */
export function parseConfig(input: unknown): ImprintConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ImprintError('INVALID_CONFIG', `a config must be an object, got ${describeValue(input)}`);
  }
  const result = configSchema.safeParse(expandPreset(input as Record<string, unknown>));
  if (result.success) return result.data;
  const record = input as Record<string, unknown>;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.map(String).join('.');
    return `${issue.message}, got ${describeValue(record[key])}`;
  });
  throw new ImprintError('INVALID_CONFIG', `invalid config: ${problems.join('; ')}`, { problems });
}
