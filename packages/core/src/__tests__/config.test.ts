import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, ImprintError, parseConfig } from '../index.js';

function errorOf(input: unknown): ImprintError {
  try {
    parseConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ImprintError);
    return error as ImprintError;
  }
  throw new Error('parseConfig accepted invalid input');
}

describe('parseConfig', () => {
  it('fills every key with the defaults of Qi et al.', () => {
    expect(parseConfig({})).toEqual({
      normPre: 'l2',
      gen: 'mean',
      k: 1,
      normPost: 'l2',
      normInf: 'l2',
      agg: 'max',
      metric: 'inner_product',
      m: 5,
      weighting: 'uniform',
      seed: 42,
    });
    expect(DEFAULT_CONFIG.gen).toBe('mean');
  });

  it('keeps given values and carries unknown keys through', () => {
    const config = parseConfig({ gen: 'kmeans', k: 20, name: 'ours', lambda: 0.1, fewshot: 5 });
    expect(config).toMatchObject({ gen: 'kmeans', k: 20, name: 'ours', lambda: 0.1, fewshot: 5 });
  });

  it.each([
    [{ k: 0 }, 'k must be -1, a positive integer or "auto", got 0'],
    [{ k: 2.5 }, 'k must be -1, a positive integer or "auto", got 2.5'],
    [{ k: '3' }, 'k must be -1, a positive integer or "auto", got "3"'],
    [{ m: 0 }, 'm must be a positive integer, got 0'],
    [{ lambda: 0 }, 'lambda must be a positive number, got 0'],
    [{ lambda: -1 }, 'lambda must be a positive number, got -1'],
    [{ fewshot: 0 }, 'fewshot must be a positive integer (samples per class), got 0'],
    [{ metric: 'hamming' }, 'metric must be one of inner_product, cosine, euclidean, manhattan, chebyshev, mahalanobis, got "hamming"'],
    [{ weighting: 'softmax' }, 'weighting must be one of uniform, weighted_by_distance, got "softmax"'],
    [{ gen: '' }, 'gen must not be empty, got ""'],
    [{ seed: 1.5 }, 'seed must be an integer, got 1.5'],
  ])('rejects %j with a message naming the value', (input, message) => {
    const error = errorOf(input);
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain(message);
  });

  it('reports every problem at once', () => {
    const error = errorOf({ k: 0, m: -2 });
    expect(error.message).toContain('k must be');
    expect(error.message).toContain('m must be');
  });

  it('rejects a config that is not an object', () => {
    expect(errorOf([1, 2]).message).toContain('a config must be an object');
    expect(errorOf(null).code).toBe('INVALID_CONFIG');
  });
});
