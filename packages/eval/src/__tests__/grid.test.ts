import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImprintError } from '@imprint/core';
import {
  averageRanks,
  canonicalJson,
  combiMnist,
  createStandardRegistry,
  expandGrid,
  gaussianModes,
  methodLabel,
  mergeResults,
  readResults,
  resolveSplit,
  runGrid,
  runId,
  selectClasses,
  shardRuns,
  writeReport,
  type DataProvider,
  type GridSpec,
} from '../index.js';

const registry = createStandardRegistry();
const synthetic = gaussianModes({ classes: 10, modes: 2, dim: 16, perClass: 24, spread: 1, separation: 2, seed: 5 });
const provider: DataProvider = async (_keys, part) => synthetic[part];

const baseGrid: GridSpec = { backbones: ['synthetic'], datasets: ['modes'], splits: ['all', 'short'], seeds: [0, 1] };

describe('grid expansion', () => {
  it('applies the paper\'s filters and collapses settings that do not apply', () => {
    const runs = expandGrid({ ...baseGrid, seeds: [0], splits: ['all'], normPre: ['none', 'l2'], normInf: ['none', 'l2'], gen: ['mean', 'kmeans'], k: [1, 5], agg: ['max', 'mnn'], m: [1, 20], weighting: ['uniform', 'weighted_by_distance'] }, registry);
    for (const run of runs) {
      if (run.normPre !== 'none') expect(run.normInf).toBe(run.normPre);
      if (run.agg === 'mnn') expect(run.m).toBeLessThanOrEqual(10 * (run.k as number));
      if (run.agg === 'max') expect([run.m, run.weighting]).toEqual([5, 'uniform']);
      if (run.agg === 'mnn' && run.m === 1) expect(run.weighting).toBe('uniform');
    }
    expect(new Set(runs.map((r) => r.id)).size).toBe(runs.length);
    // normPre none: 2 normInf; l2: 1 → 3 norm combos; × gen/k: mean (ignores k: one run, k = 1),
    // kmeans k=1, kmeans k=5; × agg: max (1) + mnn (m=1: 1; m=20 only with k ≥ 2: 2 weightings)
    const perNorm = (1 + 1) + (1 + 1) + (1 + 1 + 2);
    expect(runs).toHaveLength(3 * perNorm);
    expect(runs.filter((r) => r.gen === 'mean').every((r) => r.k === 1)).toBe(true);
  });

  it('collapses before it filters: all (k = -1) keeps mnn with m = 20, which the m > 10·k rule is not about', () => {
    const runs = expandGrid({ ...baseGrid, seeds: [0], splits: ['all'], gen: ['all'], k: [1, 5], agg: ['mnn'], m: [20, 50] }, registry);
    expect(runs.map((r) => [r.k, r.m])).toEqual([
      [-1, 20],
      [-1, 50],
    ]);
  });

  it("drops a plugin's option where none of the run's plugins reads it (lambda: ls and kls only; prefilter all: no presampler)", () => {
    const runs = expandGrid({ ...baseGrid, seeds: [0], splits: ['all'], gen: ['mean', 'ls'], lambda: [0.1, 1], prefilter: ['all', 'weibull'] }, registry);
    // mean: lambda dropped (2 prefilters); ls: 2 λ × 2 prefilters
    expect(runs).toHaveLength(2 + 4);
    expect(runs.filter((r) => r.gen === 'mean').every((r) => r.lambda === undefined)).toBe(true);
    expect(runs.filter((r) => r.gen === 'ls').map((r) => r.lambda).sort()).toEqual([0.1, 0.1, 1, 1]);
    expect(runs.filter((r) => r.prefilter === 'all')).toHaveLength(0);
    expect(methodLabel(runs.find((r) => r.gen === 'ls' && r.lambda === 1 && r.prefilter === 'weibull')!)).toBe('l2/ls/l2/l2/max lambda=1 prefilter=weibull');
  });

  it('refuses a grid too large to expand before expanding it, naming the lists', () => {
    const big = { ...baseGrid, seeds: Array.from({ length: 100 }, (_, i) => i), k: Array.from({ length: 100 }, (_, i) => i + 1), m: Array.from({ length: 100 }, (_, i) => i + 1), lambda: Array.from({ length: 10 }, (_, i) => i + 1) };
    expect(() => expandGrid(big, registry)).toThrow(/grid: 2 splits × 100 seeds × 100 k × 10 lambda × 100 m = 2\.00e\+7 runs before filters, more than 2,000,000/);
  });

  it('gives deterministic ids from the resolved config', () => {
    const a = expandGrid({ ...baseGrid, methods: ['qi2018', 'imprintKmeans'] }, registry);
    const b = expandGrid({ ...baseGrid, methods: ['qi2018', 'imprintKmeans'] }, registry);
    expect(a.map((r) => r.id)).toEqual(b.map((r) => r.id));
    expect(a).toHaveLength(2 * 2 * 2);
    const { id, ...config } = a[0];
    expect(runId(config)).toBe(id);
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] })).toBe('{"a":[2,{"c":4,"d":3}],"b":1}');
  });

  it('validates everything before running', () => {
    expect(() => expandGrid({ ...baseGrid, normInf: ['quantile'] }, registry)).toThrow(/normInf "quantile" cannot be used at NORMinf/);
    expect(() => expandGrid({ ...baseGrid, splits: ['evens'] }, registry)).toThrow(ImprintError);
    expect(() => expandGrid({ ...baseGrid, k: [] }, registry)).toThrow(/grid key "k" must be a non-empty list/);
  });
});

describe('runGrid', () => {
  const spec: GridSpec = { ...baseGrid, normPre: ['l2'], normInf: ['l2'], gen: ['kmeans', 'mean'], k: [2], normPost: ['none', 'l2', 'quantile'], agg: ['max', 'mnn'], m: [3] };

  it('runs every run once, appends JSONL, and resumes after a kill', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-grid-'));
    const results = join(dir, 'results.jsonl');
    const runs = expandGrid(spec, registry);
    // a first, "killed" pass: only part of the runs, and a torn last line
    await runGrid({ runs: runs.slice(0, 5), resultsPath: results, data: provider });
    await writeFile(results, (await readFile(results, 'utf8')) + '{"id":"torn', { flag: 'w' });
    const summary = await runGrid({ runs, resultsPath: results, data: provider });
    expect(summary.skipped).toBe(5);
    expect(summary.completed).toBe(runs.length - 5);
    const read = readResults(results);
    expect(read.malformed).toBe(1);
    expect(new Set(read.results.map((r) => r.id))).toEqual(new Set(runs.map((r) => r.id)));
    for (const r of read.results) {
      expect(r.accuracy).toBeGreaterThanOrEqual(0);
      expect(r.accuracy).toBeLessThanOrEqual(100);
      expect(r.config.backbone).toBe('synthetic');
    }
  });

  it('gives the same results with and without GEN memoisation, reusing proxies across NORMpost/AGG', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-memo-'));
    const runs = expandGrid(spec, registry);
    const memo = await runGrid({ runs, resultsPath: join(dir, 'memo.jsonl'), data: provider });
    const plain = await runGrid({ runs, resultsPath: join(dir, 'plain.jsonl'), data: provider, memoize: false });
    expect(plain.memoHits).toBe(0);
    // per (split, seed, gen): 3 normPost × 2 agg = 6 runs share one proxy set (mean also across seeds)
    expect(memo.memoHits).toBe(runs.length - (2 * 2 + 2));
    const byId = (file: string) => new Map(readResults(join(dir, file)).results.map((r) => [r.id, r.accuracy]));
    expect(byId('memo.jsonl')).toEqual(byId('plain.jsonl'));
  });

  it('partitions runs into shards whose union is the grid, and merges shard outputs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-shards-'));
    const runs = expandGrid(spec, registry);
    const shards = [0, 1, 2].map((i) => shardRuns(runs, i, 3));
    expect(shards.flat().map((r) => r.id).sort()).toEqual(runs.map((r) => r.id).sort());
    for (let i = 0; i < 3; i++) await runGrid({ runs, resultsPath: join(dir, `shard${i}.jsonl`), data: provider, shard: { index: i, count: 3 } });
    const merged = mergeResults([0, 1, 2, 0].map((i) => join(dir, `shard${i}.jsonl`)));
    expect(merged.results).toHaveLength(runs.length);
    expect(merged.duplicates).toBe(shards[0].length);
  });

  it('gives the same results in worker threads (real data through the embedding cache)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-workers-'));
    const runs = expandGrid({ backbones: ['pixels'], datasets: ['mnist'], splits: ['all', 'short'], seeds: [0, 1], trainLimit: 200, testLimit: 100, methods: ['qi2018', { preset: 'imprintKmeans', k: 3 }] }, registry);
    const cacheDir = join(dir, 'cache');
    const threaded = await runGrid({ runs, resultsPath: join(dir, 'threads.jsonl'), workers: 2, cacheDir, log: () => undefined });
    const inline = await runGrid({ runs, resultsPath: join(dir, 'inline.jsonl'), workers: 1, cacheDir, log: () => undefined });
    expect(threaded.completed).toBe(runs.length);
    expect(inline.completed).toBe(runs.length);
    const byId = (file: string) => new Map(readResults(join(dir, file)).results.map((r) => [r.id, r.accuracy]));
    expect(byId('threads.jsonl')).toEqual(byId('inline.jsonl'));
    expect(Math.min(...byId('inline.jsonl').values())).toBeGreaterThan(50); // raw pixels on MNIST are far above chance
  });

  it('writes a report with tables, statistics and charts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-report-'));
    const runs = expandGrid({ ...baseGrid, splits: ['all', 'short', 'even', 'odd'], methods: ['qi2018', 'imprintKmeans', 'leastSquaresOracle', { preset: 'imprintKmeans', k: 5 }, { preset: 'imprintKmeans', k: 1 }] }, registry);
    await runGrid({ runs, resultsPath: join(dir, 'r.jsonl'), data: provider });
    const { analysis, files } = await writeReport(readResults(join(dir, 'r.jsonl')).results, dir, { nc1: { 'synthetic|modes': 1.5 } });
    expect(analysis.methods).toHaveLength(5);
    expect(analysis.groups).toHaveLength(4);
    expect(files).toEqual(expect.arrayContaining(['report.md', 'cd.svg', 'accuracy-vs-k-modes.svg', 'accuracy-vs-k-modes.png', 'gain-vs-nc1.svg', 'gain-vs-nc1.png']));
    expect([...(await readFile(join(dir, 'accuracy-vs-k-modes.png'))).subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const report = await readFile(join(dir, 'report.md'), 'utf8');
    expect(report).toMatch(/\| qi2018 \| \d+\.\d\d \| \d\.\d\d ± \d\.\d\d \| \d\.\d\d \| 4 \| \d+\.\d \|/);
    // rank spread by hand: ranks per group from the medians table, their sample std and std/√groups
    const rankRows = analysis.table.map((row) => averageRanks(row));
    analysis.methods.forEach((m, j) => {
      const ranks = rankRows.map((r) => r[j]!);
      const mean = ranks.reduce((a, b) => a + b, 0) / ranks.length;
      const std = Math.sqrt(ranks.reduce((a, r) => a + (r - mean) ** 2, 0) / (ranks.length - 1));
      expect(m.averageRank).toBeCloseTo(mean, 10);
      expect(m.rankStd).toBeCloseTo(std, 10);
      expect(m.rankStderr).toBeCloseTo(std / 2, 10);
      expect(m.medianGenerateMs).toBeGreaterThanOrEqual(0);
    });
    expect(report).toContain('Friedman test');
    expect(await readFile(join(dir, 'cd.svg'), 'utf8')).toMatch(/^<svg/);
    expect([...(await readFile(join(dir, 'cd.png'))).subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
    // GEN time per GEN setting and train rows: the splits have 3, 5 and 10 classes of 24 train rows each
    expect(report).toMatch(/## GEN time[\s\S]*\| GEN \| 72 \| 120 \| 240 \|\n\|---\|---:\|---:\|---:\|\n\| kmeans k=1 NORMpre=l2 \| \d+\.\d \| \d+\.\d \| \d+\.\d \|/);
    expect(readResults(join(dir, 'r.jsonl')).results.map((r) => r.trainRows).sort()).toContain(72);
    // per-method confusion matrices: rows of percent of the true class, from the runs' recorded counts
    const lines = readResults(join(dir, 'r.jsonl')).results;
    const first = lines.find((r) => r.config.split === 'all')!;
    expect(first.confusion!.flat().reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(first.confusion!.map((row, t) => row[t]!).reduce((a, b) => a + b, 0) / first.confusion!.flat().reduce((a, b) => a + b, 0)).toBeCloseTo(first.accuracy / 100, 10);
    const confusion = await readFile(join(dir, 'confusion.md'), 'utf8');
    expect(files).toContain('confusion.md');
    expect(confusion).toMatch(/### \S+.* \(\d+ runs\)/);
    for (const row of confusion.split('\n').filter((l) => l.startsWith('| **'))) {
      const cells = row.split('|').slice(2, -1).map((c) => Number(c.trim()));
      expect(cells.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 0);
    }
    expect(report).toContain('[confusion.md](confusion.md)');
    expect((await readdir(dir)).some((f) => f.includes('.tmp-'))).toBe(false);
  });
});

describe('tasks', () => {
  it('resolves the paper\'s splits and custom lists', () => {
    expect(resolveSplit('even')).toEqual([0, 2, 4, 6, 8]);
    expect(resolveSplit('short')).toEqual([0, 1, 2]);
    expect(resolveSplit('3, 7')).toEqual([3, 7]);
  });

  it('selects and merges classes', () => {
    const set = { embeddings: Float32Array.from([0, 1, 2, 3, 4, 5]), shape: [6, 1] as const, labels: Int32Array.from([0, 1, 2, 0, 1, 2]) };
    const picked = selectClasses(set, [0, 2], new Map([[2, 0]]));
    expect(Array.from(picked.embeddings)).toEqual([0, 2, 3, 5]);
    expect(Array.from(picked.labels)).toEqual([0, 0, 0, 0]);
  });

  it('builds CombiMNIST-d: 20 originals into 20/d multi-modal classes', () => {
    const digits = { embeddings: new Float32Array(10), shape: [10, 1] as const, labels: Int32Array.from({ length: 10 }, (_, i) => i) };
    const garments = { embeddings: new Float32Array(10).fill(1), shape: [10, 1] as const, labels: Int32Array.from({ length: 10 }, (_, i) => i) };
    expect(Array.from(combiMnist(digits, garments, 2).labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(new Set(combiMnist(digits, garments, 5).labels).size).toBe(4);
    expect(new Set(combiMnist(digits, garments, 1).labels).size).toBe(20);
    expect(() => combiMnist(digits, garments, 3)).toThrow(/needs d dividing 20/);
  });

  it('generates Gaussian-mode classes where k = d proxies beat the mean', () => {
    const { train } = gaussianModes({ classes: 3, modes: 4, dim: 5, perClass: 40 });
    expect(train.shape).toEqual([120, 5]);
    expect(new Set(train.labels).size).toBe(3);
  });
});
