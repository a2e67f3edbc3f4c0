import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng, describeConfig, ImprintError, parseConfig, resolvePipeline } from '@imprint/core';
import { describeGeneratorContract } from '@imprint/core/testing';
import { createStandardRegistry, expandGrid, generationKey, methodLabel, readResults, runGrid, type EmbeddingSet } from '@imprint/eval';
import { COVARIANCE_OPTION, fitGaussianMixture, gaussianMixture, gaussianMixtureEntry } from '../index.js';

describeGeneratorContract('gmm (diagonal)', () => gaussianMixture({ iterations: 5 }));
describeGeneratorContract('gmm (spherical)', () => gaussianMixture({ covariance: 'spherical', iterations: 5 }));

/** Two tight blobs around (0, 0, 0) and (10, 10, 10), 30 rows each, seeded. */
function blobs(): Float32Array {
  const rng = createRng(3);
  const x = new Float32Array(60 * 3);
  for (let i = 0; i < 60; i++) for (let j = 0; j < 3; j++) x[i * 3 + j] = (i < 30 ? 0 : 10) + 0.1 * rng.normal();
  return x;
}

describe('fitGaussianMixture', () => {
  it('with one component, its mean is the class mean', () => {
    const x = blobs();
    const { means } = fitGaussianMixture(x, 60, 3, 1, createRng(1), { iterations: 3 });
    for (let j = 0; j < 3; j++) {
      let mean = 0;
      for (let i = 0; i < 60; i++) mean += x[i * 3 + j] / 60;
      expect(means[j]).toBeCloseTo(mean, 6);
    }
  });

  it('finds two separated blobs; the log-likelihood never falls; seeded runs agree', () => {
    for (const covariance of ['diagonal', 'spherical'] as const) {
      const fit = fitGaussianMixture(blobs(), 60, 3, 2, createRng(7), { covariance, iterations: 10 });
      const firsts = [fit.means[0], fit.means[3]].sort((a, b) => a - b);
      expect(firsts[0]).toBeCloseTo(0, 1);
      expect(firsts[1]).toBeCloseTo(10, 1);
      expect([...fit.weights].map((w) => Math.round(w * 100) / 100)).toEqual([0.5, 0.5]);
      for (let t = 1; t < fit.logLikelihood.length; t++) expect(fit.logLikelihood[t]).toBeGreaterThanOrEqual(fit.logLikelihood[t - 1] - 1e-9);
      expect(Array.from(fitGaussianMixture(blobs(), 60, 3, 2, createRng(7), { covariance, iterations: 10 }).means)).toEqual(Array.from(fit.means));
    }
  });

  it('refuses a bad covariance, iteration count or k with typed errors', () => {
    const x = blobs();
    expect(() => fitGaussianMixture(x, 60, 3, 2, createRng(1), { covariance: 'full' as never })).toThrow(/covariance must be one of diagonal, spherical, got "full"/);
    expect(() => fitGaussianMixture(x, 60, 3, 2, createRng(1), { iterations: 0 })).toThrow(ImprintError);
    expect(() => fitGaussianMixture(x, 60, 3, 61, createRng(1))).toThrow(/1 ≤ k ≤ 60/);
  });
});

describe('gmm in the option space: declared once here, derived everywhere', () => {
  const registry = () => createStandardRegistry().use(gaussianMixtureEntry);

  it('its options are validated by their declarations, and its memo keys and labels tell runs apart', () => {
    expect(() => parseConfig({ gen: 'gmm', covariance: 'full' }, registry())).toThrow(/covariance must be one of diagonal, spherical, got "full"/);
    expect(() => resolvePipeline({ gen: 'gmm', iterations: 0 }, registry())).toThrow(/iterations must be an integer ≥ 1, got 0/);
    expect(() => resolvePipeline({ gen: 'gmm', covarance: 'spherical' }, registry())).toThrow(/unknown config key "covarance" \(did you mean "covariance"\?\)/);
    expect(registry().options().ownerOf('covariance')).toBe('generator gmm');
    const label = describeConfig(parseConfig({ gen: 'gmm', k: 3, covariance: 'spherical', iterations: 5 }, registry()), registry());
    expect(label).toBe('l2/gmm k=3/l2/l2/max covariance=spherical iterations=5');
    expect(COVARIANCE_OPTION.default).toBe('diagonal');
  });

  it('is swept by a grid list: distinct run ids, GEN memo keys and report labels, and runs end to end', async () => {
    const spec = { backbones: ['synthetic'], datasets: ['blobs'], splits: ['*'], gen: ['gmm'], k: [2], covariance: ['diagonal', 'spherical'], iterations: [3], normPost: ['l2', 'none'] };
    const runs = expandGrid(spec, registry());
    expect(runs).toHaveLength(4);
    expect(new Set(runs.map((r) => r.id)).size).toBe(4);
    expect(new Set(runs.map((r) => generationKey(r, true, registry().options()))).size).toBe(2);
    expect(new Set(runs.map((r) => methodLabel(r, registry()))).size).toBe(4);
    const x = blobs();
    const set: EmbeddingSet = { embeddings: x, shape: [60, 3], labels: Int32Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? 0 : 1)) };
    const dir = await mkdtemp(join(tmpdir(), 'gmm-grid-'));
    try {
      const summary = await runGrid({ runs, resultsPath: join(dir, 'r.jsonl'), registry: registry(), data: async () => set });
      expect(summary.completed).toBe(4);
      expect(summary.memoHits).toBe(2); // normPost acts after GEN: each covariance's proxies are used twice
      const { results } = readResults(join(dir, 'r.jsonl'));
      expect(new Set(results.map((r) => r.config.covariance))).toEqual(new Set(['diagonal', 'spherical']));
      for (const r of results) expect(r.proxies).toBe(4);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(tf.memory().numTensors).toBeLessThan(50);
  });

  it('imprint-bench --plugin this package: --help lists its options, flags set them, the run line shows them', async () => {
    const root = fileURLToPath(new URL('../../../../', import.meta.url));
    const entry = fileURLToPath(new URL('../index.ts', import.meta.url));
    const bench = (...argv: string[]) => promisify(execFile)(process.execPath, ['--conditions=@imprint/source', '--import', 'tsx', 'apps/benchmark/src/bin.ts', '--engine', 'tfjs', '--plugin', entry, ...argv], { cwd: root, env: { ...process.env, COLUMNS: '200' } });
    const help = await bench('run', '--help');
    expect(help.stdout).toMatch(/--covariance <shape>\s+gmm: shape of each component's covariance/);
    expect(help.stdout).toMatch(/--iterations <n>\s+gmm: EM iterations/);
    const train = join(root, 'apps/benchmark/fixtures/example-train.h5');
    const test = join(root, 'apps/benchmark/fixtures/example-test.h5');
    const run = await bench('run', '--train', train, '--test', test, '--gen', 'gmm', '--k', '2', '--covariance', 'spherical', '--iterations', '4');
    expect(run.stdout).toMatch(/^l2\/gmm k=2\/l2\/l2\/max covariance=spherical iterations=4 seed=42$/m);
  });
});
