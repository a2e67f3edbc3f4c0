import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImprintError } from '@imprint/core';
import {
  createStandardRegistry,
  dataSizes,
  embedDataset,
  estimateRunCost,
  expandGrid,
  partRowsFor,
  planShards,
  readHdf5Embeddings,
  readResults,
  resolveShard,
  runGrid,
  tryLock,
  type GridSpec,
} from '../index.js';
import { generationKey } from '../experiments/run-config.js';

const registry = createStandardRegistry();

function invalid(run: () => unknown, text: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ImprintError);
  expect((caught as ImprintError).code).toBe('INVALID_CONFIG');
  expect((caught as Error).message).toMatch(text);
}

describe('resolveShard', () => {
  it('reads i/n and checks it', () => {
    expect(resolveShard('3/16', { env: {} })).toEqual({ index: 3, count: 16, source: 'flag' });
    expect(resolveShard(undefined, { env: { SLURM_ARRAY_TASK_ID: '1' } })).toBeUndefined();
    invalid(() => resolveShard('16/16', { env: {} }), /0 ≤ i < 16/);
    invalid(() => resolveShard('a/b', { env: {} }), /i\/n .* or auto/);
    invalid(() => resolveShard('1/4', { shards: 8, env: {} }), /disagree/);
  });

  it('reads a Slurm job array, offset by its first index and step', () => {
    expect(resolveShard('auto', { env: { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '2', SLURM_ARRAY_TASK_COUNT: '8' } })).toEqual({ index: 3, count: 8, source: 'slurm' });
    expect(resolveShard('auto', { env: { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_STEP: '2', SLURM_ARRAY_TASK_COUNT: '4' } })).toEqual({ index: 2, count: 4, source: 'slurm' });
    invalid(() => resolveShard('auto', { env: { SLURM_ARRAY_TASK_ID: '5' } }), /SLURM_ARRAY_TASK_COUNT is not/);
    invalid(() => resolveShard('auto', { env: { SLURM_ARRAY_TASK_ID: 'x', SLURM_ARRAY_TASK_COUNT: '8' } }), /SLURM_ARRAY_TASK_ID must be a non-negative integer, got "x"/);
    invalid(() => resolveShard('auto', { shards: 4, env: { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '8' } }), /disagrees with the Slurm job array's 8 tasks/);
  });

  it('reads a Kubernetes Indexed Job, with the count from --shards or IMPRINT_SHARD_COUNT', () => {
    expect(resolveShard('auto', { shards: 6, env: { JOB_COMPLETION_INDEX: '5' } })).toEqual({ index: 5, count: 6, source: 'kubernetes' });
    expect(resolveShard('auto', { env: { JOB_COMPLETION_INDEX: '0', IMPRINT_SHARD_COUNT: '2' } })).toEqual({ index: 0, count: 2, source: 'kubernetes' });
    invalid(() => resolveShard('auto', { env: { JOB_COMPLETION_INDEX: '0' } }), /pass --shards N .* or set IMPRINT_SHARD_COUNT/);
    invalid(() => resolveShard('auto', { env: { JOB_COMPLETION_INDEX: '6', IMPRINT_SHARD_COUNT: '6' } }), /0 ≤ i < 6/);
  });

  it('says that no scheduler is there', () => {
    invalid(() => resolveShard('auto', { env: {} }), /neither SLURM_ARRAY_TASK_ID .* nor JOB_COMPLETION_INDEX/);
  });
});

describe('planShards', () => {
  const spec: GridSpec = {
    backbones: ['mobilenet_v2_140', 'inception_v3_nsfw'],
    datasets: ['mnist', 'fashion_mnist'],
    splits: ['all', 'even', 'short'],
    seeds: [0, 1, 2],
    normPre: ['l2'],
    gen: ['mean', 'kmeans', 'all', 'ls'],
    k: [1, 5, 20],
    normPost: ['none', 'l2'],
    agg: ['max', 'mnn'],
    m: [1, 5],
  };
  const runs = expandGrid(spec, registry);

  it('cuts the grid into disjoint shards whose union is the grid, the same way every time', async () => {
    const sizes = await dataSizes(runs);
    const plan = planShards(runs, 6, { registry, sizes });
    const ids = plan.shards.flatMap((s) => s.runs.map((r) => r.id));
    expect(ids.length).toBe(runs.length);
    expect(new Set(ids)).toEqual(new Set(runs.map((r) => r.id)));
    const again = planShards([...runs].reverse(), 6, { registry, sizes });
    expect(again.shards.map((s) => s.runs.map((r) => r.id).sort())).toEqual(plan.shards.map((s) => s.runs.map((r) => r.id).sort()));
  });

  it('keeps runs that share generated proxies together, loads few FM × data set pairs and balances the estimated cost', async () => {
    const plan = planShards(runs, 6, { registry, sizes: await dataSizes(runs) });
    const shardOf = new Map<string, number>();
    for (const shard of plan.shards) {
      for (const run of shard.runs) {
        const key = `${run.backbone} ${run.dataset} ${generationKey(run, true, registry.options())}`;
        expect(shardOf.get(key) ?? shard.index).toBe(shard.index);
        shardOf.set(key, shard.index);
      }
    }
    expect(plan.pairs).toBe(4);
    expect(plan.pairLoads).toBeLessThanOrEqual(plan.pairs + 6 - 1);
    expect(plan.maxOverMean).toBeLessThanOrEqual(1.2);
    const costs = plan.shards.map((s) => s.cost);
    expect(costs.reduce((a, b) => a + b, 0)).toBeCloseTo(plan.totalCost, -3);
  });

  it('weighs runs by what they compute', () => {
    const sizes = new Map([
      ['mnist|train', { rows: 60000, classes: 10 }],
      ['mnist|test', { rows: 10000, classes: 10 }],
    ]);
    const [mean, kmeans, all] = expandGrid({ backbones: ['mobilenet_v2_140'], datasets: ['mnist'], splits: ['all'], seeds: [0], methods: [{ gen: 'mean' }, { gen: 'kmeans', k: 20 }, { gen: 'all', agg: 'mnn', m: 5 }] }, registry);
    const cost = (run: typeof mean) => estimateRunCost(run!, sizes);
    // k-means: 12 assignment steps over 20 centroids; every run passes over its rows; all + mnn scores 60 000 proxies
    expect(cost(kmeans).generate).toBeGreaterThan(5 * cost(mean).generate);
    expect(cost(kmeans).predict).toBeGreaterThan(cost(mean).predict);
    expect(cost(all).predict).toBeGreaterThan(10 * cost(mean).predict);
  });
});

describe('locks on a shared cache', () => {
  it('lets one process hold a lock and says who holds it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-lock-'));
    const path = join(dir, 'entry.h5.lock');
    const first = tryLock(path);
    expect('held' in first).toBe(true);
    const second = tryLock(path);
    expect('heldBy' in second && second.heldBy?.pid).toBe(process.pid);
    if ('held' in first) first.held.release();
    expect(existsSync(path)).toBe(false);
    const third = tryLock(path);
    expect('held' in third).toBe(true);
    if ('held' in third) third.held.release();
  });

  it('takes over the lock of a dead process on this host, and of any host when it was not refreshed in time', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-lock-'));
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const path = join(dir, 'a.lock');
    await writeFile(path, JSON.stringify({ host: hostname(), pid: Number(dead), since: new Date().toISOString() }));
    const taken = tryLock(path);
    expect('held' in taken).toBe(true);
    if ('held' in taken) taken.held.release();

    const remote = join(dir, 'b.lock');
    await writeFile(remote, JSON.stringify({ host: 'another-node', pid: 1, since: new Date().toISOString() }));
    expect('heldBy' in tryLock(remote)).toBe(true); // fresh: its owner may be alive on its node
    const old = new Date(Date.now() - 3600_000);
    await utimes(remote, old, old);
    const takenRemote = tryLock(remote);
    expect('held' in takenRemote).toBe(true);
    if ('held' in takenRemote) takenRemote.held.release();
  });
});

describe('embedding on a shared cache', () => {
  const previous = process.env.IMPRINT_PART_ROWS;
  beforeAll(() => {
    process.env.IMPRINT_PART_ROWS = '256'; // 1000 rows in 4 parts
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.IMPRINT_PART_ROWS;
    else process.env.IMPRINT_PART_ROWS = previous;
  });
  it('cuts an entry into one part per task, in whole batches, at most PART_ROWS rows a part', () => {
    delete process.env.IMPRINT_PART_ROWS;
    try {
      expect(partRowsFor(2000, 8, 16)).toBe(256);
      expect(partRowsFor(60000, 2, 16)).toBe(4096);
      expect(partRowsFor(10, 4, 32)).toBe(32);
      process.env.IMPRINT_PART_ROWS = '100';
      expect(partRowsFor(60000, 2, 32)).toBe(128);
      process.env.IMPRINT_PART_ROWS = 'many';
      expect(() => partRowsFor(60000, 2, 32)).toThrow(/IMPRINT_PART_ROWS must be a positive integer .* got "many"/);
    } finally {
      process.env.IMPRINT_PART_ROWS = '256';
    }
  });
  const base = { dataset: 'mnist', split: 'test', backbone: 'pixels', limit: 1000, workers: 1, log: () => undefined } as const;

  it('splits an entry among tasks, embeds every part once and equals the one-machine embedding', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-shared-'));
    const whole = await embedDataset({ ...base, cacheDir: join(dir, 'one') });
    expect(whole.embeddedRows).toBe(1000);
    const shared = join(dir, 'shared');
    const tasks = await Promise.all([0, 1, 2].map((index) => embedDataset({ ...base, cacheDir: shared, share: { index, count: 3 } })));
    expect(tasks.reduce((a, t) => a + (t.embeddedRows ?? 0), 0)).toBe(1000);
    for (const task of tasks) {
      expect(task.shape).toEqual(whole.shape);
      expect(Buffer.from(task.embeddings.buffer).equals(Buffer.from(whole.embeddings.buffer))).toBe(true);
      expect(Array.from(task.labels)).toEqual(Array.from(whole.labels));
    }
    const onDisk = await readHdf5Embeddings(tasks[0]!.path!);
    expect(Buffer.from(onDisk.embeddings.buffer).equals(Buffer.from(whole.embeddings.buffer))).toBe(true);
    expect((await readdir(shared)).sort()).toEqual([whole.path!.split('/').pop()]); // no parts, locks or temp files left
    const again = await embedDataset({ ...base, cacheDir: shared, share: { index: 1, count: 3 } });
    expect(again.cached).toBe(true);
    expect(again.embeddedRows).toBe(0);
  });

  it('recovers from a task killed mid-entry: its part lock is taken over, its finished parts are kept', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-killed-'));
    const whole = await embedDataset({ ...base, cacheDir: join(dir, 'one') });
    const shared = join(dir, 'shared');
    // A first task finished parts 0 and 2, left a temp file and was killed holding part 1's lock.
    const name = whole.path!.split('/').pop()!;
    const folder = join(shared, `${name}.parts-256`);
    await mkdir(folder, { recursive: true });
    const { writeHdf5Embeddings } = await import('../hdf5.js');
    for (const p of [0, 2]) {
      await writeHdf5Embeddings(join(folder, `part-0000${p}-of-4.h5`), { embeddings: whole.embeddings.slice(p * 256 * 784, (p + 1) * 256 * 784), shape: [256, 784], labels: whole.labels.slice(p * 256, (p + 1) * 256) });
    }
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    await writeFile(join(folder, 'part-00001-of-4.h5.lock'), JSON.stringify({ host: hostname(), pid: Number(dead), since: new Date().toISOString() }));
    await writeFile(join(folder, 'part-00001-of-4.h5.tmp-999-dead'), 'half a part');
    const resumed = await embedDataset({ ...base, cacheDir: shared, share: { index: 0, count: 2 } });
    expect(resumed.embeddedRows).toBe(256 + (1000 - 3 * 256)); // parts 1 and 3 only
    expect(Buffer.from(resumed.embeddings.buffer).equals(Buffer.from(whole.embeddings.buffer))).toBe(true);
    expect(await readdir(shared)).toEqual([name]);
  });

  it('runs a grid in shards on one shared cache: the union of the shards is the one-machine grid', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-shard-grid-'));
    const runs = expandGrid({ backbones: ['pixels'], datasets: ['mnist', 'fashion_mnist'], splits: ['all', 'short'], seeds: [0], trainLimit: 300, testLimit: 200, methods: ['qi2018', { preset: 'imprintKmeans', k: 3 }, 'leastSquaresOracle'] }, registry);
    const one = await runGrid({ runs, resultsPath: join(dir, 'one.jsonl'), cacheDir: join(dir, 'cache-one'), log: () => undefined });
    expect(one.completed).toBe(runs.length);
    const summaries = await Promise.all([0, 1, 2].map((index) => runGrid({ runs, resultsPath: join(dir, `shard-${index}.jsonl`), cacheDir: join(dir, 'cache-shared'), shard: { index, count: 3 }, log: () => undefined })));
    expect(summaries.reduce((a, s) => a + s.total, 0)).toBe(runs.length);
    const byId = (files: string[]) => new Map(files.flatMap((f) => readResults(join(dir, f)).results.map((r) => [r.id, r.accuracy] as const)));
    const sharded = byId([0, 1, 2].map((i) => `shard-${i}.jsonl`));
    expect(sharded.size).toBe(runs.length);
    expect(sharded).toEqual(byId(['one.jsonl']));
    expect((await readdir(join(dir, 'cache-shared'))).sort()).toEqual((await readdir(join(dir, 'cache-one'))).sort());
  });
});
