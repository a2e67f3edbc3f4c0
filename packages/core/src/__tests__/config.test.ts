import { describe, expect, it } from 'vitest';
import { CORE_OPTION_NAMES, DEFAULT_CONFIG, ImprintError, parseConfig, type OptionTable } from '../index.js';
import { testRegistry } from './test-plugins.js';

function errorOf(input: unknown, options?: OptionTable): ImprintError {
  try {
    parseConfig(input, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ImprintError);
    return error as ImprintError;
  }
  throw new Error('parseConfig accepted invalid input');
}

describe('parseConfig', () => {
  it("fills core's keys with the defaults of Qi et al.", () => {
    expect(parseConfig({})).toEqual({ normPre: 'l2', gen: 'mean', k: 1, normPost: 'l2', normInf: 'l2', agg: 'max', seed: 42 });
    expect(DEFAULT_CONFIG.gen).toBe('mean');
    expect(CORE_OPTION_NAMES).toEqual(['normPre', 'gen', 'k', 'normPost', 'normInf', 'agg', 'seed', 'preset', 'name', 'meta']);
  });

  it('with a registry, also fills the recorded options its plugins declare (and only those)', () => {
    expect(parseConfig({}, testRegistry())).toEqual({ normPre: 'l2', gen: 'mean', k: 1, normPost: 'l2', normInf: 'l2', agg: 'max', seed: 42, metric: 'inner_product', m: 5 });
  });

  it('keeps given values and carries unknown keys through', () => {
    const config = parseConfig({ gen: 'kmeans', k: 20, name: 'ours', lambda: 0.1, fewshot: 5 });
    expect(config).toMatchObject({ gen: 'kmeans', k: 20, name: 'ours', lambda: 0.1, fewshot: 5 });
  });

  it.each([
    [{ k: 0 }, 'k must be -1, a positive integer or "auto", got 0'],
    [{ k: 2.5 }, 'k must be -1, a positive integer or "auto", got 2.5'],
    [{ k: '3' }, 'k must be -1, a positive integer or "auto", got "3"'],
    [{ gen: '' }, 'gen must not be empty, got ""'],
    [{ gen: 3 }, 'gen must be a plugin name (a non-empty string), got 3'],
    [{ seed: 1.5 }, 'seed must be an integer, got 1.5'],
    [{ name: 5 }, 'name must be a string, got 5'],
    [{ meta: [1] }, 'meta must be an object of free-form annotations, got [1]'],
  ])("rejects %j (a core option) with a message naming the value", (input, message) => {
    const error = errorOf(input);
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain(message);
  });

  it.each([
    [{ m: 0 }, 'm must be a positive integer, got 0'],
    [{ lambda: 0 }, 'lambda must be a positive number, got 0'],
    [{ lambda: -1 }, 'lambda must be a positive number, got -1'],
    [{ metric: 'hamming' }, 'metric must be one of inner_product, cosine, got "hamming"'],
  ])("rejects %j (a plugin's declared option) with the message its declaration derives", (input, message) => {
    const error = errorOf(input, testRegistry().options());
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain(message);
  });

  it('reports every problem at once', () => {
    const error = errorOf({ k: 0, m: -2 }, testRegistry().options());
    expect(error.message).toContain('k must be');
    expect(error.message).toContain('m must be');
  });

  it('rejects a config that is not an object', () => {
    expect(errorOf([1, 2]).message).toContain('a config must be an object');
    expect(errorOf(null).code).toBe('INVALID_CONFIG');
  });
});
