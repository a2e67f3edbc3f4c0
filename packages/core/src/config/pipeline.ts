import type { Aggregator } from '../contracts/aggregator.js';
import { CORE_CONFIG_KEYS, parseConfig, type ImprintConfig, type ImprintConfigInput } from './config.js';
import { ImprintError } from '../util/errors.js';
import type { Generator } from '../contracts/generator.js';
import { kernelSet, type KernelSet } from '../compute/kernel-set.js';
import type { Normalizer, NormStage } from '../contracts/normalizer.js';
import type { KSelector } from '../contracts/k-selector.js';
import type { Presampler } from '../contracts/presampler.js';
import type { Registry } from './registry.js';
import { didYouMean } from './suggest.js';

export interface ResolveOptions {
  /**
   * Further keys the caller carries in the config on purpose (an experiment grid's data keys
   * such as `backbone` or `dataset`); they are accepted and left alone.
   */
  readonly extraKeys?: readonly string[];
}

/**
 * Reject keys nobody reads: a misspelt `K` or `metrc` would otherwise be carried along while the
 * run silently used the default. Known keys: core's, those registered plugins declare, the
 * caller's `extraKeys`.
 */
function assertKnownKeys(input: object, registry: Registry, extraKeys: readonly string[]): void {
  const known = new Set([...CORE_CONFIG_KEYS, ...registry.configKeys(), ...extraKeys]);
  const unknown = Object.keys(input).filter((key) => !known.has(key) && (input as Record<string, unknown>)[key] !== undefined);
  if (unknown.length === 0) return;
  const problems = unknown.map((key) => `unknown config key ${JSON.stringify(key)}${didYouMean(key, known)}`);
  throw new ImprintError(
    'INVALID_CONFIG',
    `invalid config: ${problems.join('; ')}. Valid keys: ${[...known].sort().join(', ')}; put annotations of your own under "meta"`,
    { unknown },
  );
}

/** The plugins of one imprinting method, resolved from a config. */
export interface Pipeline {
  readonly config: ImprintConfig;
  /** Applied in order to each class's raw embeddings before NORMpre (few-shot, filters). */
  readonly presamplers: readonly Presampler[];
  readonly normPre: Normalizer;
  readonly generator: Generator;
  readonly normPost: Normalizer;
  readonly normInf: Normalizer;
  readonly aggregator: Aggregator;
  /** With `k: 'auto'`: the selector that chooses each class's k (`kSelect`, default `gap`). */
  readonly kSelector?: KSelector;
  /** The kernel table: the registry's engine's kernels (when the pipeline was resolved), the reference ones for the rest. */
  readonly kernels: KernelSet;
}

const STAGE_KEYS: Record<NormStage, 'normPre' | 'normPost' | 'normInf'> = {
  pre: 'normPre',
  post: 'normPost',
  inf: 'normInf',
};

function normalizerAt(registry: Registry, config: ImprintConfig, stage: NormStage): Normalizer {
  const key = STAGE_KEYS[stage];
  const normalizer = registry.create('normalizer', config[key], config);
  if (!normalizer.stages.includes(stage)) {
    throw new ImprintError(
      'INVALID_CONFIG',
      `${key} "${config[key]}" cannot be used at NORM${stage}; it is usable at: ${normalizer.stages.map((s) => `NORM${s}`).join(', ')}`,
      { key, value: config[key], stages: normalizer.stages },
    );
  }
  return normalizer;
}

/**
 * Validate a config and resolve every plugin it names through `registry`. Fails with
 * `INVALID_CONFIG` for bad values, unknown keys (with a "did you mean" for near misses) or a
 * normalizer used at a stage it does not support, and with
 * `UNKNOWN_PLUGIN` (listing the registered names) for a name nobody registered.
 */
export function resolvePipeline(input: ImprintConfigInput | ImprintConfig, registry: Registry, options: ResolveOptions = {}): Pipeline {
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) assertKnownKeys(input, registry, options.extraKeys ?? []);
  const config = parseConfig(input, registry);
  const presamplers: Presampler[] = [];
  // As the reference: the statistical prefilter first, then the random few-shot subset.
  if (typeof config.prefilter === 'string' && config.prefilter !== 'all') presamplers.push(registry.create('presampler', config.prefilter, config));
  if (config.fewshot !== undefined) presamplers.push(registry.create('presampler', 'fewshot', config));
  const generator = registry.create('generator', config.gen, config);
  if (config.k === 'auto' && generator.scope === 'joint') {
    throw new ImprintError('INVALID_CONFIG', `k "auto" chooses the number of proxies of each class on its own; the joint generator "${config.gen}" needs a number (k = -1 or a positive integer)`, { k: config.k, gen: config.gen });
  }
  if (config.k !== 'auto' && (config.kMax !== undefined || config.kSelect !== undefined)) {
    throw new ImprintError('INVALID_CONFIG', `kMax and kSelect apply only with k "auto", got k = ${config.k}`, { k: config.k });
  }
  return {
    config,
    presamplers,
    normPre: normalizerAt(registry, config, 'pre'),
    generator,
    normPost: normalizerAt(registry, config, 'post'),
    normInf: normalizerAt(registry, config, 'inf'),
    aggregator: registry.create('aggregator', config.agg, config),
    ...(config.k === 'auto' ? { kSelector: registry.create('kselector', typeof config.kSelect === 'string' ? config.kSelect : 'gap', config) } : {}),
    kernels: kernelSet(registry.engine?.kernels),
  };
}
