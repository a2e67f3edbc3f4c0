import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cli } from './cli-helper.js';


afterEach(() => vi.restoreAllMocks());

describe('imprint-bench table1, grid, merge, report', () => {
  it('table1 runs end to end and prints the table (raw-pixel FM, tiny subsets)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-table1-'));
    process.env.IMPRINT_CACHE_DIR = join(dir, 'cache');
    try {
      const { code, stdout } = await cli('table1', '--backbones', 'pixels', '--seeds', '0,1', '--train-limit', '200', '--test-limit', '100', '--out', dir);
      expect(code).toBe(0);
      for (const method of ['leastSquaresOracle', 'imprintKmeans k=20', 'qi2018', 'janson2022', 'hosoda2024']) expect(stdout).toContain(method);
      expect(stdout).toMatch(/Friedman χ² = /);
      expect(stdout).toMatch(/pixels × mnist\s+\d+\.\d{3}/);
      const report = await readFile(join(dir, 'report.md'), 'utf8');
      expect(report).toMatch(/\| qi2018 \| \d+\.\d\d \| \d\.\d\d \| 8 \| 86\.79 \|/);
      const finished = await readFile(join(dir, 'table1.jsonl'), 'utf8');
      const lines = finished.trim().split('\n');
      expect(lines).toHaveLength(1 * 2 * 4 * 2 * 5);
      // A mistyped backbone fails before anything is touched: the finished results stay.
      const typo = await cli('--engine', 'onnx', 'table1', '--backbones', `onnx:${join(dir, 'no-such-model.onnx')}`, '--seeds', '0', '--out', dir);
      expect(typo.code).not.toBe(0);
      expect(await readFile(join(dir, 'table1.jsonl'), 'utf8')).toBe(finished);
      // A new run (without --resume) keeps the previous results beside its own.
      const again = await cli('table1', '--backbones', 'pixels', '--seeds', '0', '--train-limit', '200', '--test-limit', '100', '--out', dir);
      expect(again.code).toBe(0);
      expect(again.stderr).toContain('the previous results are kept as');
      expect(await readFile(join(dir, 'table1.previous.jsonl'), 'utf8')).toBe(finished);
      expect((await readFile(join(dir, 'table1.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(1 * 2 * 4 * 1 * 5);
    } finally {
      delete process.env.IMPRINT_CACHE_DIR;
    }
  });

  it('table1 with --backbones and no --out writes into a folder of its own, not the main results/', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-table1-folder-'));
    const cwd = process.cwd();
    process.env.IMPRINT_CACHE_DIR = join(dir, 'cache');
    process.chdir(dir);
    try {
      const { code } = await cli('table1', '--backbones', 'pixels', '--seeds', '0', '--train-limit', '100', '--test-limit', '50');
      expect(code).toBe(0);
      expect((await readFile(join(dir, 'results', 'table1-pixels', 'table1.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(2 * 4 * 5);
      await expect(readFile(join(dir, 'results', 'table1.jsonl'))).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      process.chdir(cwd);
      delete process.env.IMPRINT_CACHE_DIR;
    }
  });

  it('grid runs a YAML grid with shards, merge joins them, report writes the report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-cli-grid-'));
    process.env.IMPRINT_CACHE_DIR = join(dir, 'cache');
    try {
      const grid = join(dir, 'grid.yaml');
      await writeFile(grid, ['backbones: [pixels]', 'datasets: [mnist]', 'splits: [all, short]', 'seeds: [0]', 'trainLimit: 100', 'testLimit: 50', 'gen: [mean, kmeans]', 'k: [2]', 'normPost: [l2, quantile]'].join('\n'));
      const dry = await cli('grid', grid, '--out', join(dir, 'x.jsonl'), '--dry-run');
      expect(JSON.parse(dry.stdout)).toHaveLength(2 * 2 * 2);
      for (const shard of ['0/2', '1/2']) expect((await cli('grid', grid, '--out', join(dir, `s${shard[0]}.jsonl`), '--shard', shard)).code).toBe(0);
      const merged = await cli('merge', join(dir, 's0.jsonl'), join(dir, 's1.jsonl'), '--out', join(dir, 'all.jsonl'));
      expect(merged.stderr).toMatch(/8 runs \(0 duplicates dropped/);
      const rerun = await cli('grid', grid, '--out', join(dir, 'all.jsonl'));
      expect(rerun.stderr).toMatch(/done: 0 runs .* 8 already in/);
      expect((await cli('report', join(dir, 'all.jsonl'), '--out', join(dir, 'report'))).code).toBe(0);
      expect(await readFile(join(dir, 'report', 'report.md'), 'utf8')).toMatch(/8 runs, 2 groups/);
      const bad = await cli('grid', grid, '--out', join(dir, 'y.jsonl'), '--shard', '3/2');
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/--shard must be i\/n with 0 ≤ i < n, got "3\/2"/);
    } finally {
      delete process.env.IMPRINT_CACHE_DIR;
    }
  });
});
