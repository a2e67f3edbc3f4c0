import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { Imprinter, checkInteger, errorFromTransfer, errorToTransfer, type Label, type Registry, type TransferredError } from '@imprint/core';
import { startModuleWorker } from '@imprint/core/node';
import { assembleRunData, dataSetRequests, loadDataSet } from './run-data.js';
import type { BackboneLoader } from '@imprint/backbones';
import type { EmbeddingSet } from '../embedding-set.js';
import { scoreHead } from '../evaluate.js';
import { createStandardRegistry } from '../standard-registry.js';
import { resolvePluginModule } from '../plugin-modules.js';
import { resolveSplit, selectClasses } from '../tasks.js';
import { appendResult, readResults, terminateLastLine } from './results.js';
import { lockResultsFile } from './results-lock.js';
import { dataLabel } from './data-combination.js';
import { DATA_KEY_NAMES, canonicalJson, generationKey, type DataKeys, type RunConfig } from './run-config.js';
import type { EntryShare } from '../embedding-parts.js';
import { dataSizes, type DataSizes } from './run-cost.js';
import { planShards, type PlanOptions, type ShardPlan } from './shard-plan.js';

export type GridRun = RunConfig & { id: string };

/**
 * Embeddings of one data set split for a run (train or test, limited as the run says): one data set
 * (never a combination, and without the run's label remapping: the grid puts those together, see
 * `assembleRunData`). `share`:
 * this task's place among the grid's tasks that need the same embeddings, for filling a shared
 * cache together (providers that do not embed ignore it).
 */
export type DataProvider = (keys: DataKeys, part: 'train' | 'test', context?: { share?: EntryShare }) => Promise<EmbeddingSet>;

export interface RunGridOptions {
  runs: readonly GridRun[];
  /** JSONL results file; runs whose id is already in it are skipped (resume). */
  resultsPath: string;
  registry?: Registry;
  /** Worker threads, each with its own WASM backend. @default 1 */
  workers?: number;
  /**
   * Run only shard `index` of `count` (0-based) of `planShards(runs, count)`: a deterministic cut by
   * data locality and estimated cost, the same in every task. The shard's embeddings are filled
   * first, together with the other shards that need them (parts of each cache entry, see
   * `embedDataset`'s `share`), so a shared cache is filled by all tasks with nothing embedded twice.
   */
  shard?: { index: number; count: number };
  /** Reuse generated proxies across runs that share data, seed, few-shot, NORMpre, GEN and k. @default true */
  memoize?: boolean;
  /**
   * Plugin modules (specifiers or file URLs, see `usePluginModules`) that `registry` was extended
   * with: worker threads load them too, so third-party plugin names work with `workers > 1`.
   */
  pluginModules?: readonly string[];
  /**
   * Module (specifier or file URL) exporting `createEngine({ threads })`, when `registry` has an
   * engine: worker threads make their own from it, with the cores shared among them.
   */
  engineModule?: string;
  /**
   * Options that worker threads pass to `createEngine` besides their share of the cores (e.g.
   * `{ device: 'webgpu' }`): the engine a worker makes is then the one the caller made. Plain data.
   */
  engineOptions?: Readonly<Record<string, string | number | boolean>>;
  /** Where backbones come from when embeddings are not cached yet (see `embedDataset`). @default tf.js */
  backboneLoader?: BackboneLoader;
  /**
   * Module (specifier or file URL) exporting `createBackboneLoader()`, when `backboneLoader` is not
   * tf.js: worker threads use it for the cache keys (the embeddings are computed before they start).
   */
  backboneLoaderModule?: string;
  /** Where embeddings come from. @default embedDataset (cached) */
  data?: DataProvider;
  cacheDir?: string;
  onProgress?: (done: number, total: number) => void;
  log?: (line: string) => void;
}

export interface RunGridSummary {
  /** Runs of this shard (of the grid when not sharded). */
  readonly total: number;
  /** Of those, runs already in the results file. */
  readonly skipped: number;
  readonly completed: number;
  readonly memoHits: number;
  readonly seconds: number;
}

/**
 * The runs of shard `index`/`count` (see `planShards`: by data locality and estimated cost; runs
 * sharing generated proxies stay in one shard).
 */
export function shardRuns<T extends RunConfig>(runs: readonly T[], index: number, count: number, options: PlanOptions = {}): T[] {
  return planShards(runs, count, options).shards[index]?.runs ?? [];
}

function dataKey(keys: DataKeys, part: 'train' | 'test'): string {
  return JSON.stringify([keys.backbone, keys.inputSize ?? null, keys.dataset, part, part === 'train' ? (keys.trainLimit ?? null) : (keys.testLimit ?? null), keys.remapLabels === undefined ? null : canonicalJson(keys.remapLabels)]);
}

function defaultProvider(cacheDir: string | undefined, log: (line: string) => void, loader: BackboneLoader | undefined): DataProvider {
  return (keys, part, context) => loadDataSet(keys, part, { ...(cacheDir === undefined ? {} : { cacheDir }), log, ...(loader === undefined ? {} : { loader }), ...(context?.share === undefined ? {} : { share: context.share }) });
}

/**
 * For each data split a shard's runs use: the shard's place among the shards that use it (sorted),
 * so that they share the embedding of its missing cache entries.
 */
function entryShares(plan: ShardPlan<GridRun>, index: number): Map<string, EntryShare> {
  const users = new Map<string, number[]>();
  for (const shard of plan.shards) {
    const keys = new Set(shard.runs.flatMap((run) => [...dataSetRequests(run, 'train'), ...dataSetRequests(run, 'test')].map((r) => dataKey(r.keys, r.part))));
    for (const key of keys) users.set(key, [...(users.get(key) ?? []), shard.index]);
  }
  const shares = new Map<string, EntryShare>();
  for (const [key, shards] of users) if (shards.includes(index)) shares.set(key, { index: shards.indexOf(index), count: shards.length });
  return shares;
}

interface HostProxies {
  label: Label;
  values: Float32Array;
  rows: number;
}

/**
 * Train rows a run imprints from: every row of its task, or with a few-shot size n the first n of
 * each class (fewer where a class has fewer); undefined under other presamplers (a prefilter's
 * count depends on the data).
 */
function trainRowsOf(config: RunConfig, train: EmbeddingSet, presamplers: number): { trainRows?: number } {
  if (presamplers === 0) return { trainRows: train.shape[0] };
  const n = config.fewshot;
  if (presamplers !== 1 || typeof n !== 'number') return {};
  const counts = new Map<number, number>();
  for (const label of train.labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return { trainRows: [...counts.values()].reduce((sum, count) => sum + Math.min(n, count), 0) };
}

/** Run grid runs in this thread; returns completed and memo-hit counts. */
async function runInProcess(runs: readonly GridRun[], options: RunGridOptions, provide: DataProvider, progress: (n: number) => void, loaded = new Map<string, Promise<EmbeddingSet>>()): Promise<{ completed: number; memoHits: number }> {
  const registry = options.registry ?? createStandardRegistry();
  const memoize = options.memoize ?? true;
  const sets = loaded;
  const single = (keys: DataKeys, part: 'train' | 'test') => {
    const key = dataKey(keys, part);
    if (!sets.has(key)) sets.set(key, provide(keys, part));
    return sets.get(key)!;
  };
  // A run's data: its data set, or a combination of several, label remapping applied.
  const load = (keys: DataKeys, part: 'train' | 'test') => assembleRunData(keys, part, single);
  const tasks = new Map<string, EmbeddingSet>();
  const task = async (keys: DataKeys, part: 'train' | 'test') => {
    const key = `${dataKey(keys, part)}|${keys.split}`;
    // split '*': every class of the data (e.g. the 20/d classes of CombiMNIST-d)
    if (!tasks.has(key)) tasks.set(key, keys.split === '*' ? await load(keys, part) : selectClasses(await load(keys, part), resolveSplit(keys.split), undefined, `${dataLabel(keys)} (${part})`, { requireAll: part === 'train' }));
    return tasks.get(key)!;
  };
  const memo = new Map<string, HostProxies[]>();
  let completed = 0;
  let memoHits = 0;
  // Runs that share generated proxies run back to back.
  const ordered = [...runs].sort((a, b) => generationKey(a).localeCompare(generationKey(b)));
  for (const run of ordered) {
    const { id, ...config } = run;
    const [train, test] = await Promise.all([task(config, 'train'), task(config, 'test')]);
    const head = Imprinter.fromConfig(config, registry, { extraKeys: DATA_KEY_NAMES });
    try {
      const generateStart = performance.now();
      const { generator, presamplers } = head.pipeline;
      const key = generationKey(config, !(generator.deterministic === true && presamplers.length === 0), registry.options());
      let raw = memoize ? memo.get(key) : undefined;
      const memoised = raw !== undefined;
      if (raw === undefined) {
        // Train data is neither changed nor freed during the grid: its class rows are used in place.
        const generated = await head.generateRaw({ data: train.embeddings, shape: train.shape }, Array.from(train.labels), { borrow: true });
        raw = generated.map(({ label, proxies }) => {
          const values = proxies.dataSync() as Float32Array;
          const rows = proxies.shape[0];
          proxies.dispose();
          return { label, values: Float32Array.from(values), rows };
        });
        if (memoize) memo.set(key, raw);
      } else memoHits++;
      for (const { label, values, rows } of raw) {
        const proxies = tf.tensor2d(values, [rows, values.length / rows]);
        head.storeGenerated(label, proxies);
        proxies.dispose();
      }
      const generateMs = performance.now() - generateStart;
      const predictStart = performance.now();
      const scores = scoreHead(head, test);
      const predictMs = performance.now() - predictStart;
      appendResult(options.resultsPath, { id, config: head.config as RunConfig, accuracy: scores.accuracy, f1Weighted: scores.f1Weighted, proxies: head.proxyCounts.reduce((a, b) => a + b, 0), timings: { generateMs, predictMs, memoised }, classes: scores.classes, confusion: scores.confusion, ...trainRowsOf(config, train, head.pipeline.presamplers.length) });
    } finally {
      head.dispose();
    }
    completed++;
    progress(1);
  }
  return { completed, memoHits };
}

/**
 * Make sure the embeddings of `runs` are there, one data split after another in the same order in
 * every task; `shareOf` gives this task's place among those filling each split's cache entries.
 */
async function embedGridData(runs: readonly GridRun[], provide: DataProvider, shareOf: (key: string) => EntryShare | undefined, keep?: Map<string, Promise<EmbeddingSet>>): Promise<number> {
  const needed = new Map<string, { keys: DataKeys; part: 'train' | 'test' }>();
  for (const run of runs) for (const part of ['train', 'test'] as const) for (const request of dataSetRequests(run, part)) if (!needed.has(dataKey(request.keys, request.part))) needed.set(dataKey(request.keys, request.part), request);
  for (const key of [...needed.keys()].sort()) {
    const { keys, part } = needed.get(key)!;
    const share = shareOf(key);
    const set = provide(keys, part, share === undefined ? {} : { share });
    await set;
    keep?.set(key, set);
  }
  return needed.size;
}

export interface FillGridCacheOptions extends Pick<RunGridOptions, 'cacheDir' | 'backboneLoader' | 'log'> {
  runs: readonly GridRun[];
  /** This task among the tasks filling the cache together (e.g. a Slurm array's): `index` of `count`. */
  share?: EntryShare;
}

/**
 * Fill the embedding cache with every embedding a grid needs, without running it: the embedding
 * phase of a cluster (`grid --embed-only --shard auto`), where each task embeds its parts of every
 * entry and all tasks end with the whole cache. Returns the number of data splits.
 */
export async function fillGridCache(options: FillGridCacheOptions): Promise<number> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const provide = defaultProvider(options.cacheDir, log, options.backboneLoader);
  return embedGridData(options.runs, provide, () => options.share);
}

/**
 * Run an experiment grid: skip runs already in the results file, keep this shard's runs, make
 * sure every embedding exists (cache), then run — in this thread or in worker threads that each
 * take a deterministic part of the runs — appending one JSON line per finished run.
 */
export async function runGrid(options: RunGridOptions): Promise<RunGridSummary> {
  const start = performance.now();
  if (options.workers !== undefined) checkInteger(options.workers, 'workers', { min: 1 });
  const release = lockResultsFile(options.resultsPath);
  try {
    return await runGridLocked(options, start);
  } finally {
    release();
  }
}

async function runGridLocked(options: RunGridOptions, start: number): Promise<RunGridSummary> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  terminateLastLine(options.resultsPath);
  const done = new Set(readResults(options.resultsPath).results.map((r) => r.id));
  let runs: readonly GridRun[] = options.runs;
  let shares = new Map<string, EntryShare>();
  // Data set sizes for the cost estimates (listed once: a folder data set is read from disk).
  let sizes: DataSizes | undefined;
  if (options.shard !== undefined) {
    // The plan of the whole grid (not of the runs left here), so that every task cuts it alike.
    sizes ??= await dataSizes(options.runs);
    const plan = planShards(options.runs, options.shard.count, { ...(options.registry === undefined ? {} : { registry: options.registry }), sizes });
    runs = plan.shards[options.shard.index]?.runs ?? [];
    shares = entryShares(plan, options.shard.index);
  }
  const total = runs.length;
  runs = runs.filter((r) => !done.has(r.id));
  const skipped = total - runs.length;
  const provide = options.data ?? defaultProvider(options.cacheDir, log, options.backboneLoader);
  let finished = 0;
  const progress = (n: number) => {
    finished += n;
    options.onProgress?.(finished, runs.length);
  };
  let workers = Math.max(1, Math.min(options.workers ?? 1, runs.length));
  const engine = options.registry?.engine;
  if (workers > 1 && engine !== undefined && options.engineModule === undefined) {
    // Workers could not make the registry's engine: they would run on tf.js, a different engine.
    options.log?.(`grid: one thread, not ${workers}: the engine ${engine.name} has no module for worker threads (engineModule)`);
    workers = 1;
  }
  const inProcess = workers === 1 || options.data !== undefined;
  // Embeddings first, in one order in every task (so that tasks sharing an entry fill it together);
  // in this thread they are kept for the runs, for worker threads only the cache is filled.
  const loaded = new Map<string, Promise<EmbeddingSet>>();
  if (!inProcess || options.shard !== undefined) await embedGridData(runs, provide, (key) => shares.get(key), inProcess ? loaded : undefined);
  if (inProcess) {
    const { completed, memoHits } = await runInProcess(runs, options, provide, progress, loaded);
    return { total, skipped, completed, memoHits, seconds: (performance.now() - start) / 1000 };
  }
  sizes ??= await dataSizes(runs);
  const parts = planShards(runs, workers, { ...(options.registry === undefined ? {} : { registry: options.registry }), sizes }).shards.map((s) => s.runs);
  let memoHits = 0;
  let completed = 0;
  await Promise.all(
    parts.map(
      (part) =>
        new Promise<void>((resolve, reject) => {
          if (part.length === 0) return resolve();
          const worker = startModuleWorker(import.meta.url, 'grid-worker', {
            runs: part,
            resultsPath: options.resultsPath,
            memoize: options.memoize ?? true,
            cacheDir: options.cacheDir,
            pluginModules: (options.pluginModules ?? []).map((m) => resolvePluginModule(m)),
            ...(options.engineModule === undefined ? {} : { engine: { module: resolvePluginModule(options.engineModule), options: { ...options.engineOptions, threads: Math.max(1, Math.floor(availableParallelism() / workers)) } } }),
            ...(options.backboneLoaderModule === undefined ? {} : { backboneLoaderModule: resolvePluginModule(options.backboneLoaderModule) }),
          });
          worker.on('message', (message: { progress?: number; done?: { completed: number; memoHits: number }; error?: TransferredError }) => {
            if (message.progress !== undefined) progress(message.progress);
            if (message.done !== undefined) {
              completed += message.done.completed;
              memoHits += message.done.memoHits;
              void worker.terminate().then(() => resolve());
            }
            if (message.error !== undefined) void worker.terminate().then(() => reject(errorFromTransfer(message.error!, 'grid worker')));
          });
          worker.on('error', (error) => reject(errorFromTransfer(errorToTransfer(error), 'grid worker')));
        }),
    ),
  );
  return { total, skipped, completed, memoHits, seconds: (performance.now() - start) / 1000 };
}

export { runInProcess as runGridInProcess };
