import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cli } from './cli-helper.js';

const train = fileURLToPath(new URL('../../fixtures/example-train.h5', import.meta.url));
const test = fileURLToPath(new URL('../../fixtures/example-test.h5', import.meta.url));


afterEach(() => vi.restoreAllMocks());

describe('imprint-bench run', () => {
  it('evaluates the Qi configuration and prints only JSON with --json', async () => {
    const { code, stdout, stderr } = await cli('run', '--train', train, '--test', test, '--norm-pre', 'l2', '--gen', 'mean', '--k', '1', '--norm-post', 'l2', '--norm-inf', 'l2', '--agg', 'max', '--json');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    // parity.json, case qi2018
    expect(result.accuracy).toBeCloseTo(61.66666666666667, 10);
    expect(result.config).toMatchObject({ normPre: 'l2', gen: 'mean', k: 1, normPost: 'l2', normInf: 'l2', agg: 'max' });
    expect(result.perClassF1).toHaveLength(4);
    expect(result.f1Weighted).toBeGreaterThan(0);
    expect(Object.keys(result.timings).sort()).toEqual(['generateMs', 'predictMs']);
    expect(stderr).toContain('tfjs backend: wasm');
  });

  it('runs every config of a configs file in order, carrying names and meta annotations through', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-cli-'));
    const configs = join(dir, 'configs.json');
    await writeFile(configs, JSON.stringify([{ name: 'qi', gen: 'mean' }, { name: 'raw', normPre: 'none', normPost: 'none', normInf: 'none', meta: { tag: [1, 2] } }]));
    const { code, stdout } = await cli('run', '--train', train, '--test', test, '--configs', configs, '--json');
    expect(code).toBe(0);
    const results = JSON.parse(stdout);
    expect(results.map((r: { config: { name: string } }) => r.config.name)).toEqual(['qi', 'raw']);
    expect(results[1].config.meta).toEqual({ tag: [1, 2] });
    expect(results[0].accuracy).toBeCloseTo(61.66666666666667, 10);
  });

  it('rejects a misspelt config key before any work, naming the entry and the key it resembles', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-cli-'));
    const configs = join(dir, 'configs.json');
    await writeFile(configs, JSON.stringify([{ gen: 'mean' }, { preset: 'imprintKmeans', K: 3 }]));
    const { code, stdout, stderr } = await cli('run', '--train', train, '--test', test, '--configs', configs, '--json');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/error \[INVALID_CONFIG\]: .*configs\.json: entry 1: invalid config: unknown config key "K" \(did you mean "k"\?\)/);
    expect(stderr.trim().split('\n').filter((l) => l.startsWith('imprint-bench:'))).toHaveLength(1);
  });

  it('keeps the results of the other configs when one fails at run time, and exits 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-cli-'));
    const configs = join(dir, 'configs.json');
    // The middle entry is valid but fails at run time: a Weibull prefilter that keeps only the
    // samples beyond the 99.99 % quantile leaves these small classes empty.
    await writeFile(configs, JSON.stringify([{ name: 'first', preset: 'qi2018' }, { name: 'broken', preset: 'qi2018', prefilter: 'weibull', prefilterQuantiles: [0.9999, 1] }, { name: 'last', preset: 'janson2022' }]));
    const { code, stdout, stderr } = await cli('run', '--train', train, '--test', test, '--configs', configs, '--json');
    expect(code).toBe(1);
    const outcomes = JSON.parse(stdout);
    expect(outcomes).toHaveLength(3);
    expect(outcomes[0].accuracy).toBeCloseTo(61.66666666666667, 10);
    expect(outcomes[1]).toMatchObject({ config: { name: 'broken' }, error: { code: 'EMPTY_CLASS' } });
    expect(outcomes[2].accuracy).toBeCloseTo(61.66666666666667, 10);
    expect(stderr).toMatch(/config 1 of .* failed \[EMPTY_CLASS\]/);
    expect(stderr).toMatch(/error \[INVALID_INPUT\]: 1 of 3 configs failed/);
  });

  it('accepts a preset, with flags overriding its keys', async () => {
    const { code, stdout } = await cli('run', '--train', train, '--test', test, '--preset', 'janson2022', '--json');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.config).toMatchObject({ preset: 'janson2022', agg: 'mnn', metric: 'euclidean', m: 1 });
    expect(result.accuracy).toBeCloseTo(61.66666666666667, 10); // parity.json, janson2022
    const overridden = await cli('run', '--train', train, '--test', test, '--preset', 'imprintKmeans', '--k', '50', '--json');
    // k above every class size stores all samples: parity.json, k_exceeds_n
    expect(JSON.parse(overridden.stdout).accuracy).toBeCloseTo(96.66666666666667, 10);
  });

  it('prints a readable summary without --json', async () => {
    const { code, stdout } = await cli('run', '--train', train, '--test', test);
    expect(code).toBe(0);
    expect(stdout).toMatch(/accuracy 61\.67%/);
  });

  it('exits non-zero with a clear message for an unsupported option value', async () => {
    const { code, stdout, stderr } = await cli('run', '--train', train, '--test', test, '--gen', 'gmm', '--json');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/error \[UNKNOWN_PLUGIN\]: unknown generator "gmm"; registered generators: /);
    const bad = await cli('run', '--train', train, '--test', test, '--k', '0');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/k must be -1, a positive integer or "auto", got 0/);
  });

  it('exits non-zero for bad files and usage errors', async () => {
    const missing = await cli('run', '--train', join(tmpdir(), 'does-not-exist.h5'), '--test', test);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/\[BAD_FILE\].*does-not-exist\.h5/);
    const usage = await cli('run', '--test', test);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/required option '--train <file>'/);
  });
});
