import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './cli-helper.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'imprint-research-'));
  process.env.IMPRINT_CACHE_DIR = join(dir, 'cache');
});
afterAll(() => {
  delete process.env.IMPRINT_CACHE_DIR;
});

describe('imprint-bench openset, incremental and k auto (raw-pixel FM, small subsets)', () => {
  it('openset writes AUROC and accuracy at the calibrated threshold per method', async () => {
    const out = join(dir, 'openset');
    const { code, stdout, stderr } = await cli('openset', '--backbones', 'pixels', '--seeds', '0', '--train-limit', '400', '--test-limit', '200', '--methods', 'qi2018,imprintKmeans,janson2022', '--out', out);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/\| qi2018 \| score \| 0\.\d{3} \| \d+\.\d\d \| \d+\.\d\d \|/);
    // the 1-nn head (Janson) is thresholded on its distance margin (its single vote is always 1)
    expect(stdout).toMatch(/\| janson2022 \| distance-margin \| 0\.\d{3} \|/);
    const lines = (await readFile(join(out, 'openset.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { auroc: number; unknown: number[]; method: string; by: string });
    expect(lines).toHaveLength(2 * 3); // 2 data sets × 3 methods × 1 seed
    for (const line of lines.filter((l) => l.method === 'janson2022')) {
      expect(line.by).toBe('distance-margin');
      expect(line.auroc).toBeGreaterThan(0.5); // its vote (score) gives exactly 0.5: every query has 1 vote
    }
    for (const line of lines) {
      expect(line.unknown).toEqual([6, 7, 8, 9]);
      expect(line.auroc).toBeGreaterThan(0.3);
      expect(line.auroc).toBeLessThanOrEqual(1);
    }
    expect(await readFile(join(out, 'report.md'), 'utf8')).toContain('false-reject rate of 5 %');
  });

  it('incremental writes accuracy per task, forgetting and SVG + PNG charts', async () => {
    const out = join(dir, 'incremental');
    const { code, stdout, stderr } = await cli('incremental', '--backbones', 'pixels', '--orders', '2', '--train-limit', '400', '--test-limit', '200', '--methods', 'qi2018,leastSquaresOracle', '--out', out);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/\| leastSquaresOracle \| \d+\.\d\d \| \d+\.\d\d \| -?\d+\.\d\d \| 10\.0 \|/);
    const lines = (await readFile(join(out, 'incremental.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { accuracy: number[]; tasks: number[][]; order: number });
    expect(lines).toHaveLength(2 * 2 * 2);
    for (const line of lines) {
      expect(line.accuracy).toHaveLength(5);
      expect(line.tasks.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    expect(lines.find((l) => l.order === 0)!.tasks[0]).toEqual([0, 1]);
    const png = await readFile(join(out, 'incremental-accuracy.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(await readFile(join(out, 'incremental-accuracy.svg'), 'utf8')).toContain('<svg');
  });

  it('run --k auto reports per-class proxies; bad k values fail with one typed line', async () => {
    const good = await cli('run', '--train', 'fixtures/example-train.h5', '--test', 'fixtures/example-test.h5', '--gen', 'kmeans', '--k', 'auto', '--k-max', '4', '--json');
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout).config.k).toBe('auto');
    const bad = await cli('run', '--train', 'fixtures/example-train.h5', '--test', 'fixtures/example-test.h5', '--gen', 'kmeans', '--k', 'some');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--k must be a finite decimal number, got "some"/);
    const misplaced = await cli('run', '--train', 'fixtures/example-train.h5', '--test', 'fixtures/example-test.h5', '--gen', 'kmeans', '--k', '3', '--k-max', '4');
    expect(misplaced.stderr).toMatch(/kMax and kSelect apply only with k "auto"/);
  });
});
