import type { Aggregator } from './aggregator.js';
import { parseConfig, type ImprintConfig, type ImprintConfigInput } from './config.js';
import { ImprintError } from './errors.js';
import type { Generator } from './generator.js';
import type { Normalizer, NormStage } from './normalizer.js';
import type { Presampler } from './presampler.js';
import type { Registry } from './registry.js';

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
 * `INVALID_CONFIG` for bad values or a normalizer used at a stage it does not support, and with
 * `UNKNOWN_PLUGIN` (listing the registered names) for a name nobody registered.
 */
export function resolvePipeline(input: ImprintConfigInput | ImprintConfig, registry: Registry): Pipeline {
  const config = parseConfig(input);
  const presamplers: Presampler[] = [];
  // As the reference: the statistical prefilter first, then the random few-shot subset.
  if (config.prefilter !== undefined && config.prefilter !== 'all') presamplers.push(registry.create('presampler', config.prefilter, config));
  if (config.fewshot !== undefined) presamplers.push(registry.create('presampler', 'fewshot', config));
  return {
    config,
    presamplers,
    normPre: normalizerAt(registry, config, 'pre'),
    generator: registry.create('generator', config.gen, config),
    normPost: normalizerAt(registry, config, 'post'),
    normInf: normalizerAt(registry, config, 'inf'),
    aggregator: registry.create('aggregator', config.agg, config),
  };
}
