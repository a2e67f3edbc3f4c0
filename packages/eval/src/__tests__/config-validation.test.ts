import { describe, expect, it } from 'vitest';
import { ImprintError, parseConfig, resolvePipeline } from '@imprint/core';
import { createStandardRegistry } from '../index.js';

const registry = createStandardRegistry();

function rejection(config: Record<string, unknown>): ImprintError {
  try {
    resolvePipeline(parseConfig(config), registry);
  } catch (error) {
    expect(error).toBeInstanceOf(ImprintError);
    return error as ImprintError;
  }
  throw new Error(`accepted ${JSON.stringify(config)}`);
}

describe('config validation over the whole option space', () => {
  it.each([
    [{ normInf: 'quantile' }, 'INVALID_CONFIG', 'normInf "quantile" cannot be used at NORMinf; it is usable at: NORMpost'],
    [{ normPre: 'quantile' }, 'INVALID_CONFIG', 'normPre "quantile" cannot be used at NORMpre'],
    [{ agg: 'mnn', m: 0 }, 'INVALID_CONFIG', 'm must be a positive integer, got 0'],
    [{ agg: 'mnn', metric: 'jaccard' }, 'INVALID_CONFIG', 'metric must be one of inner_product, cosine, euclidean, manhattan, chebyshev, mahalanobis, got "jaccard"'],
    [{ gen: 'ls', lambda: 0 }, 'INVALID_CONFIG', 'lambda must be a positive number, got 0'],
    [{ gen: 'ls', lambda: -0.1 }, 'INVALID_CONFIG', 'lambda must be a positive number, got -0.1'],
    [{ fewshot: 0 }, 'INVALID_CONFIG', 'fewshot must be a positive integer (samples per class), got 0'],
    [{ gen: 'kmeans', k: 0 }, 'INVALID_CONFIG', 'k must be -1, a positive integer or "auto", got 0'],
    [{ weighting: 'inverse' }, 'INVALID_CONFIG', 'weighting must be one of uniform, weighted_by_distance, got "inverse"'],
    [{ preset: 'qi2019' }, 'INVALID_CONFIG', 'preset must be one of qi2018, hosoda2024, janson2022, imprintKmeans, leastSquaresOracle, got "qi2019"'],
    [{ prefilter: 'weibull', prefilterQuantiles: [0.9, 0.1] }, 'INVALID_CONFIG', 'prefilterQuantiles must be [lower, upper] with 0 ≤ lower < upper ≤ 1'],
    [{ prefilter: 'gaussian' }, 'UNKNOWN_PLUGIN', 'unknown presampler "gaussian"; registered presamplers: fewshot, weibull'],
    [{ gen: 'gmm' }, 'UNKNOWN_PLUGIN', 'unknown generator "gmm"; registered generators: all, cov_max, fps, kls, kmeans, kmedoids, ls, mean, none, random'],
    [{ agg: 'softmax' }, 'UNKNOWN_PLUGIN', 'unknown aggregator "softmax"; registered aggregators: max, mnn'],
  ])('rejects %j', (config, code, message) => {
    const error = rejection(config);
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
  });

  it('accepts every preset and every valid combination of the paper', () => {
    for (const preset of ['qi2018', 'hosoda2024', 'janson2022', 'imprintKmeans', 'leastSquaresOracle']) {
      expect(resolvePipeline(parseConfig({ preset }), registry).config.preset).toBe(preset);
    }
    for (const gen of ['mean', 'all', 'random', 'kmeans', 'kmedoids', 'fps', 'cov_max', 'none', 'ls', 'kls']) {
      for (const normPost of ['none', 'l2', 'quantile']) {
        for (const metric of ['inner_product', 'cosine', 'euclidean', 'manhattan', 'chebyshev', 'mahalanobis']) {
          expect(() => resolvePipeline(parseConfig({ gen, normPost, agg: 'mnn', metric, k: 5 }), registry)).not.toThrow();
        }
      }
    }
  });
});
