import { ImprintError } from '../util/errors.js';
import { didYouMean } from './suggest.js';

/**
 * Imprinting methods of the literature as named configurations (DESIGN.md, "previously
 * published methods are points in this space"). Use one as `{ preset: 'qi2018' }`; other keys of
 * the config override the preset's.
 */
export const PRESETS = Object.freeze({
  /** Qi et al. 2018: L2 everywhere, class means, max. */
  qi2018: Object.freeze({ normPre: 'l2', gen: 'mean', k: 1, normPost: 'l2', normInf: 'l2', agg: 'max' }),
  /** Hosoda et al. 2024: raw means, quantile-normalised weights. */
  hosoda2024: Object.freeze({ normPre: 'none', gen: 'mean', k: 1, normPost: 'quantile', normInf: 'none', agg: 'max' }),
  /** Janson et al. 2022: raw means, nearest class mean by Euclidean distance. */
  janson2022: Object.freeze({ normPre: 'none', gen: 'mean', k: 1, normPost: 'none', normInf: 'none', agg: 'mnn', m: 1, metric: 'euclidean', weighting: 'uniform' }),
  /** IMPRINT's best variant: k-means proxies (k = 20), L2, max. */
  imprintKmeans: Object.freeze({ normPre: 'l2', gen: 'kmeans', k: 20, normPost: 'l2', normInf: 'l2', agg: 'max' }),
  /** The least-squares oracle (not imprinting): the optimal linear head. */
  leastSquaresOracle: Object.freeze({ normPre: 'none', gen: 'ls', k: 1, normPost: 'none', normInf: 'none', agg: 'max' }),
});

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

/** Replace a `preset` key by the preset's keys, the config's own keys taking precedence. */
export function expandPreset(input: Record<string, unknown>): Record<string, unknown> {
  const name = input.preset;
  if (name === undefined) return input;
  if (typeof name !== 'string' || !(name in PRESETS)) {
    throw new ImprintError('INVALID_CONFIG', `invalid config: preset must be one of ${PRESET_NAMES.join(', ')}, got ${JSON.stringify(name)}${typeof name === 'string' ? didYouMean(name, PRESET_NAMES) : ''}`, { preset: name });
  }
  return { ...PRESETS[name as PresetName], ...input };
}
