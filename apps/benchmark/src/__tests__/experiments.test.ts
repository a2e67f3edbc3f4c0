import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cli } from './cli-helper.js';
import { loadRunData, neuralCollapse, readEmbeddings } from '@imprint/eval';

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
      expect(report).toMatch(/\| qi2018 \| \d+\.\d\d \| \d\.\d\d ± \d\.\d\d \| \d\.\d\d \| 8 \| 86\.79 \|/);
      const nc = JSON.parse(await readFile(join(dir, 'nc.json'), 'utf8')) as Record<string, { nc1: number; traceWithin: number; traceBetween: number; rankBetween: number }>;
      expect(nc['pixels|mnist']).toMatchObject({ rankBetween: 9, nc1: expect.any(Number), traceWithin: expect.any(Number), traceBetween: expect.any(Number) });
      expect(report).toMatch(/\| pixels × mnist \| \d\.\d{3} \| -?\d\.\d{3} \| [\d.e+]+ \| [\d.e+]+ \| 9 \|/);
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
      const checked = await cli('merge', join(dir, 's0.jsonl'), join(dir, 's1.jsonl'), '--out', join(dir, 'checked.jsonl'), '--expect', grid);
      expect(checked.stderr).toMatch(/complete: all 8 runs of/);
      const partial = await cli('merge', join(dir, 's0.jsonl'), '--out', join(dir, 'partial.jsonl'), '--expect', grid);
      expect(partial.code).toBe(1);
      expect(partial.stderr).toMatch(/\d of the 8 runs of .* are missing .* a shard did not finish/);
      const rerun = await cli('grid', grid, '--out', join(dir, 'all.jsonl'));
      expect(rerun.stderr).toMatch(/done: 0 runs .* 8 already in/);
      expect((await cli('report', join(dir, 'all.jsonl'), '--out', join(dir, 'report'))).code).toBe(0);
      expect(await readFile(join(dir, 'report', 'report.md'), 'utf8')).toMatch(/8 runs, 2 groups/);
      // results a report must not take: out of range, fractions, one config under two ids
      const lines = (await readFile(join(dir, 'all.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { id: string; accuracy: number });
      const write = async (name: string, rows: unknown[]) => writeFile(join(dir, name), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
      await write('range.jsonl', lines.map((l, i) => (i === 2 ? { ...l, accuracy: 150 } : l)));
      const range = await cli('report', join(dir, 'range.jsonl'), '--out', join(dir, 'r1'));
      expect(range.code).toBe(1);
      expect(range.stderr).toMatch(/1 of 8 runs have an accuracy outside 0–100 \(run [0-9a-f]+: 150\)/);
      await write('fractions.jsonl', lines.map((l) => ({ ...l, accuracy: l.accuracy / 100 })));
      expect((await cli('report', join(dir, 'fractions.jsonl'), '--out', join(dir, 'r2'))).stderr).toMatch(/look like fractions/);
      await write('versions.jsonl', [...lines.map((l) => ({ ...l, id: `old-${l.id}`, accuracy: 1 })), ...lines]);
      const versions = await cli('report', join(dir, 'versions.jsonl'), '--out', join(dir, 'r3'));
      expect(versions.stderr).toMatch(/8 runs repeat the config of a later line under another id/);
      expect(await readFile(join(dir, 'r3', 'report.md'), 'utf8')).toMatch(/8 runs, 2 groups/);
      expect(await readFile(join(dir, 'r3', 'methods.csv'), 'utf8')).toEqual(await readFile(join(dir, 'report', 'methods.csv'), 'utf8'));
      // lines of an older version, written before normInf existed: labelled and counted as today's
      const older = lines.map((l) => {
        const { normInf: _dropped, ...config } = (l as unknown as { config: Record<string, unknown> }).config;
        return { ...l, id: `v0-${l.id}`, config };
      });
      await write('older.jsonl', [...older, ...lines]);
      const olderReport = await cli('report', join(dir, 'older.jsonl'), '--out', join(dir, 'r4') + '/');
      expect(olderReport.stderr).toMatch(/8 runs predate option normInf \(written by an older version\); taken as its default "l2"/);
      expect(olderReport.stderr).toMatch(/8 runs repeat the config of a later line under another id/);
      expect(olderReport.stderr).not.toMatch(/\/\/methods\.csv/);
      const olderMd = await readFile(join(dir, 'r4', 'report.md'), 'utf8');
      expect(olderMd).not.toMatch(/undefined/);
      expect(await readFile(join(dir, 'r4', 'methods.csv'), 'utf8')).toEqual(await readFile(join(dir, 'report', 'methods.csv'), 'utf8'));
      const bad = await cli('grid', grid, '--out', join(dir, 'y.jsonl'), '--shard', '3/2');
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/--shard 3\/2 gives shard 3 of 2; the index must be 0 ≤ i < 2/);
      const noOut = await cli('grid', grid);
      expect(noOut.code).toBe(1);
      expect(noOut.stderr).toMatch(/--out RESULTS.jsonl is required/);
    } finally {
      delete process.env.IMPRINT_CACHE_DIR;
    }
  });

  it('grid --plan cuts the paper grid into 16 balanced shards of one FM × data set pair each', async () => {
    const grid = join(import.meta.dirname, '..', '..', 'grids', 'paper-grid.yaml');
    const json = await cli('grid', grid, '--plan', '--shards', '16', '--json');
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout) as { runs: number; shards: { runs: number; pairs: string[]; cost: number }[]; pairs: number; pairLoads: number; maxOverMean: number };
    expect(plan.shards).toHaveLength(16);
    expect(plan.shards.reduce((a, s) => a + s.runs, 0)).toBe(plan.runs);
    expect(plan.maxOverMean).toBeLessThanOrEqual(1.2);
    expect(plan.pairLoads).toBeLessThanOrEqual(plan.pairs + 16 - 1);
    const text = await cli('grid', grid, '--plan', '--shards', '16');
    expect(text.stdout).toMatch(/5616 runs in 16 shards/);
    expect(text.stdout).toMatch(/balance: max\/mean estimated cost 1\.\d{3}/);
  });

  it('grid --nc writes NC1 per FM × data set and remapping; the report draws the merged-class analysis (Fig. 11a/b, A.8)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-grid-nc-'));
    process.env.IMPRINT_CACHE_DIR = join(dir, 'cache');
    try {
      const grid = join(dir, 'grid.yaml');
      const merge2 = Object.fromEntries(Array.from({ length: 20 }, (_, o) => [o, o % 10]));
      await writeFile(grid, JSON.stringify({ backbones: ['pixels'], datasets: [['mnist', 'fashion_mnist']], remappings: { none: {}, d2: merge2 }, splits: ['*'], seeds: [0], trainLimit: 200, testLimit: 100, gen: ['kmeans', 'kls'], k: [1, 2, 3], normPre: ['l2'], normPost: ['l2'], normInf: ['l2'], parts: [{ gen: ['kmeans'] }, { gen: ['kls'], normPre: ['none'], normPost: ['none'], normInf: ['none'] }] }));
      const nc = join(dir, 'nc.json');
      await writeFile(nc, JSON.stringify({ 'other|kept': 1.5 }));
      const run = await cli('grid', grid, '--out', join(dir, 'r.jsonl'), '--nc', nc);
      expect(run.code, run.stderr).toBe(0);
      const measured = JSON.parse(await readFile(nc, 'utf8')) as Record<string, { nc1: number; traceWithin: number; rows: number }>;
      // a key of another grid is kept; the remapped data set is measured under its own label
      expect(Object.keys(measured).sort()).toEqual(['other|kept', 'pixels|mnist + fashion_mnist', 'pixels|mnist + fashion_mnist [d2]']);
      // equal to neuralCollapse of the run's own train data (remapping applied)
      const keys = { backbone: 'pixels', dataset: 'mnist + fashion_mnist', remap: 'd2', remapLabels: Object.fromEntries(Object.entries(merge2).map(([o, c]) => [o, c])), split: '*', trainLimit: 200, testLimit: 100 };
      const train = await loadRunData(keys, 'train');
      expect(measured['pixels|mnist + fashion_mnist [d2]']!.nc1).toBeCloseTo(neuralCollapse(train, { vci: false }).nc1, 6);
      expect(measured['pixels|mnist + fashion_mnist [d2]']!.rows).toBe(400);
      const report = await cli('report', join(dir, 'r.jsonl'), '--out', join(dir, 'report'), '--nc1', nc);
      expect(report.code, report.stderr).toBe(0);
      const files = await readdir(join(dir, 'report'));
      expect(files).toEqual(expect.arrayContaining(['accuracy-vs-k-merged-pixels.svg', 'accuracy-vs-d-pixels.png', 'nc1-vs-d.svg']));
      const text = await readFile(join(dir, 'report', 'report.md'), 'utf8');
      expect(text).toMatch(/\| pixels \| mnist \+ fashion_mnist \| kmeans \| 2 \| \d+\.\d\d \| [123] \| \d+\.\d\d \| 1–3 \|/);
    } finally {
      delete process.env.IMPRINT_CACHE_DIR;
    }
  });

  it("the paper's studies (grids/paper/) plan at both scales; --scale and --backbones choose what runs", async () => {
    const folder = join(import.meta.dirname, '..', '..', 'grids', 'paper');
    const counts: Record<string, [number, number]> = {};
    for (const name of ['subsec1', 'fig6', 'subsec2', 'subsec3-multimodal']) {
      const runs = async (...args: string[]) => {
        const out = await cli('grid', join(folder, `${name}.yaml`), '--plan', '--json', ...args);
        expect(out.code, out.stderr).toBe(0);
        return (JSON.parse(out.stdout) as { runs: number }).runs;
      };
      // (the paper scale of §5.1 expands to 219 312 runs: not planned here, for time)
      counts[name] = [await runs('--scale', 'quick'), name === 'subsec1' ? Infinity : await runs('--scale', 'paper')];
      expect(counts[name][0]).toBeLessThan(counts[name][1]);
    }
    // the quick §5.1 study: one FM × 2 data sets × 4 splits × 1 seed × every setting of its four parts
    expect(counts.subsec1![0]).toBe(24368);
    const defaulted = await cli('grid', join(folder, 'fig6.yaml'), '--dry-run');
    expect(defaulted.stderr).toMatch(/scale quick \(the first of its scales quick, paper; choose with --scale\)/);
    const two = await cli('grid', join(folder, 'fig6.yaml'), '--scale', 'quick', '--backbones', 'pixels,mobilenet_v2_140', '--dry-run');
    expect(JSON.parse(two.stdout)).toHaveLength((counts.fig6![0] / 3) * 2);
    const wrong = await cli('grid', join(folder, 'fig6.yaml'), '--scale', 'full');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/has no scale "full"; its scales: quick, paper/);
  });

  it('--shard auto reads a Slurm job array or a Kubernetes Indexed Job, and says when there is neither', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-cli-auto-'));
    const grid = join(dir, 'grid.yaml');
    await writeFile(grid, ['backbones: [pixels]', 'datasets: [mnist]', 'splits: [all, short]', 'seeds: [0, 1]', 'trainLimit: 100', 'testLimit: 50', 'gen: [mean, kmeans]', 'k: [2]'].join('\n'));
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { SLURM_ARRAY_TASK_ID: '11', SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_COUNT: '2' });
      const slurm = await cli('grid', grid, '--plan', '--shard', 'auto', '--json');
      expect(JSON.parse(slurm.stdout).shards).toHaveLength(2);
      const dry = await cli('grid', grid, '--shard', 'auto', '--dry-run');
      expect(dry.stderr).toMatch(/shard 1\/2 \(Slurm job array\)/);
      for (const key of ['SLURM_ARRAY_TASK_ID', 'SLURM_ARRAY_TASK_MIN', 'SLURM_ARRAY_TASK_COUNT']) delete process.env[key];
      process.env.JOB_COMPLETION_INDEX = '0';
      const k8s = await cli('grid', grid, '--shard', 'auto', '--dry-run');
      expect(k8s.code).toBe(1);
      expect(k8s.stderr).toMatch(/needs the number of shards: pass --shards N/);
      expect((await cli('grid', grid, '--shard', 'auto', '--shards', '3', '--dry-run')).stderr).toMatch(/shard 0\/3 \(Kubernetes Indexed Job\)/);
      delete process.env.JOB_COMPLETION_INDEX;
      const none = await cli('grid', grid, '--shard', 'auto', '--dry-run');
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/--shard auto found no scheduler/);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it('embed --shard fills the shared cache together with other tasks; --out is then optional', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-cli-embed-shard-'));
    process.env.IMPRINT_CACHE_DIR = join(dir, 'cache');
    try {
      const args = ['embed', '--dataset', 'mnist', '--split', 'test', '--backbone', 'pixels', '--limit', '300', '--workers', '1'];
      // One after the other here (concurrent tasks are the Slurm test's): the first finds every part free.
      const first = await cli(...args, '--shard', '0/2');
      expect(first.code).toBe(0);
      expect(first.stderr).toMatch(/cache entry .*\.h5: 300 × 784 \(300 rows embedded here/);
      expect((await cli(...args, '--shard', '1/2')).stderr).toMatch(/cache entry .*: 300 × 784 \(from cache/);
      const out = join(dir, 'test.npz');
      const whole = await cli(...args, '--out', out);
      expect(whole.stderr).toMatch(/from cache/);
      // An HDF5 output is the cache entry itself (a hard link), not a second copy on disk.
      const h5 = join(dir, 'test.h5');
      const linked = await cli(...args, '--out', h5);
      expect(linked.stderr).toMatch(/wrote .*test\.h5: 300 × 784 \(from cache.*a hard link to the cache entry, not a second copy\)/);
      const entries = (await readdir(join(dir, 'cache'))).filter((name) => name.endsWith('.h5'));
      expect(entries).toHaveLength(1);
      expect((await stat(h5)).ino).toBe((await stat(join(dir, 'cache', entries[0]!))).ino);
      expect(Array.from((await readEmbeddings(h5)).labels)).toEqual(Array.from((await readEmbeddings(out)).labels));
      expect((await cli(...args)).stderr).toMatch(/--out FILE is required/);
      expect((await cli(...args, '--shard', '0/2', '--no-cache')).stderr).toMatch(/cannot be combined with --no-cache/);
    } finally {
      delete process.env.IMPRINT_CACHE_DIR;
    }
  });
});
