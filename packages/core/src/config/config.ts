import { ImprintError } from '../util/errors.js';
import { CORE_OPTION_NAMES } from '../options/core-options.js';
import { formatValue, optionProblem } from '../options/option.js';
import { CORE_OPTION_TABLE, type OptionTable } from '../options/option-table.js';
import { expandPreset, type PresetName } from './presets.js';

/** `kMax` when a config with `k: 'auto'` does not set it. */
export const K_MAX_DEFAULT = 20;

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

/**
 * The value types of the options that plugin packages declare (`PluginEntry.options`), by name.
 * A package extends it through declaration merging so that its keys type-check in configs:
 * `declare module '@imprint/core' { interface ImprintOptionTypes { shrink?: number } }`
 * (optional unless the option is `recorded`, i.e. always present in resolved configs).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ImprintOptionTypes {}

type NamesOf<R> = [keyof R] extends [never] ? string : Extract<keyof R, string>;
export type GeneratorName = NamesOf<GeneratorRegistry>;
export type NormalizerName = NamesOf<NormalizerRegistry>;
export type AggregatorName = NamesOf<AggregatorRegistry>;
export type KSelectorName = NamesOf<KSelectorRegistry>;

/** Core's own keys of a resolved config (see `CORE_OPTIONS`). */
export interface CoreConfig {
  normPre: string;
  gen: string;
  /** Proxies per class: a positive integer, -1 (every sample) or `'auto'` (chosen per class by `kSelect`). */
  k: number | 'auto';
  normPost: string;
  normInf: string;
  agg: string;
  seed: number;
  preset?: PresetName;
  /** A label for the run (results, reports). */
  name?: string;
  /** Free-form annotations, carried through untouched. The place for keys of your own. */
  meta?: Record<string, unknown>;
}

/**
 * A fully resolved imprinting configuration: core's keys and every `recorded` option with its
 * default filled in, the options of plugins as given. Unknown extra keys (a grid's data keys) are kept.
 */
export type ImprintConfig = CoreConfig & ImprintOptionTypes & { [extra: string]: unknown };

/** What a user writes: every key optional, plugin names typed by the registries. */
export type ImprintConfigInput = {
  normPre?: NormalizerName;
  gen?: GeneratorName;
  /** Proxies per class: a positive integer, -1 (every sample) or `'auto'` (chosen per class by `kSelect`). @default 1 */
  k?: number | 'auto';
  normPost?: NormalizerName;
  normInf?: NormalizerName;
  agg?: AggregatorName;
  /** @default 42 */
  seed?: number;
  /** A named preset (`qi2018`, `imprintKmeans`, …) whose keys the other keys override. */
  preset?: PresetName;
  /** A label for the run (results, reports). */
  name?: string;
  /** Free-form annotations, carried through untouched. The place for keys of your own. */
  meta?: Record<string, unknown>;
} & Partial<ImprintOptionTypes> & { [extra: string]: unknown };

/**
 * Core's config keys: the pipeline's stages, `k`, `seed`, `preset`, `name` and `meta`. Other keys
 * must be declared by a registered plugin entry (`options`) or by the caller
 * (`resolvePipeline(config, registry, { extraKeys })`); anything else is rejected as a likely typo.
 */
export const CORE_CONFIG_KEYS: readonly string[] = CORE_OPTION_NAMES;

/**
 * Validate a configuration object (from code, JSON or a CLI) against the declared options — core's,
 * and with a registry (or its `options()`) every registered plugin's — and fill in the defaults of
 * recorded options. Throws an {@link ImprintError} `INVALID_CONFIG` that lists every offending key
 * with its value and what would be valid, e.g. `k must be -1, a positive integer or "auto", got 0`.
 * Keys nobody declared are carried through here; `resolvePipeline` rejects them.
 */
export function parseConfig(input: unknown, options?: OptionTable | { options(): OptionTable }): ImprintConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ImprintError('INVALID_CONFIG', `a config must be an object, got ${formatValue(input)}`);
  }
  const table = options === undefined ? CORE_OPTION_TABLE : 'list' in options ? options : options.options();
  const expanded = expandPreset(input as Record<string, unknown>);
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const option of table.list()) {
    const value = expanded[option.name];
    if (value === undefined) {
      if (option.recorded && option.default !== undefined) out[option.name] = option.default;
      continue;
    }
    const problem = optionProblem(option, value);
    if (problem !== undefined) problems.push(problem);
    out[option.name] = value;
  }
  if (problems.length > 0) throw new ImprintError('INVALID_CONFIG', `invalid config: ${problems.join('; ')}`, { problems });
  for (const [key, value] of Object.entries(expanded)) if (!(key in out) && value !== undefined) out[key] = value;
  return out as ImprintConfig;
}

/** Defaults of core's keys, as `parseConfig({})` resolves them (a registry's: `parseConfig({}, registry)`). */
export const DEFAULT_CONFIG: Readonly<ImprintConfig> = Object.freeze(parseConfig({}));
