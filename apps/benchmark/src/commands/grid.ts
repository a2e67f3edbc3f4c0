import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ImprintError, didYouMean, type Registry } from '@imprint/core';
import { BACKBONE_NAMES } from '@imprint/backbones';
import { createStandardRegistry, dataSizes, readReferenceConfigFile, referenceDataCombinations, referenceGridSpecs, referenceRunCount, type ReferenceConfig, describeShard, expandGrid, fillGridCache, planShards, readGridFile, readResults, gridParts, selectGridScale, type GridSpec, resolveShard, runGrid, type GridRun, type RunGridOptions, type ShardPlan } from '@imprint/eval';
import { Progress } from '../progress.js';
import { writeGridNc } from './grid-nc.js';

export interface GridOptions {
  out?: string;
  workers?: number;
  /** `i/n` or `auto` (a Slurm job array or a Kubernetes Indexed Job). */
  shard?: string;
  /** Number of shards for `--shard auto` under Kubernetes and for `--plan`. */
  shards?: number;
  memo?: boolean;
  dryRun?: boolean;
  /** Print how the grid is cut into shards (runs, pairs, estimated cost, balance) and exit. */
  plan?: boolean;
  /** With `--plan`: one JSON object on stdout. */
  json?: boolean;
  /** Only fill the embedding cache (together with the other shards) and exit. */
  embedOnly?: boolean;
  /** For a reference config file: `NAME=VALUE` mappings of its backbone and data set names. */
  map?: string[];
  /** For grids with scales: which (default: the first the grid lists). */
  scale?: string;
  /** FMs to run instead of the grid's `backbones`. */
  backbones?: string[];
  /** Also write the NC measures of every FM × data set the grid uses to this JSON file (for `report --nc1`). */
  nc?: string;
}

/** `--map NAME=VALUE` flags as a record; a flag without `=` fails naming it. */
function parseMappings(flags: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const flag of flags) {
    const at = flag.indexOf('=');
    if (at <= 0 || at === flag.length - 1) throw new ImprintError('INVALID_CONFIG', `--map ${JSON.stringify(flag)} must be NAME=VALUE, e.g. --map resnet18=onnx:./resnet18.onnx or --map CIFAR10=folder:./cifar10`, { flag });
    out[flag.slice(0, at)] = flag.slice(at + 1);
  }
  return out;
}

/** Whether this CLI can run a backbone name as it is (an embedded FM, `pixels`, `onnx:PATH`). */
const runnableBackbone = (name: string) => name.startsWith('onnx:') || (BACKBONE_NAMES as readonly string[]).includes(name);
/** Whether a data set name opens here (a data set of ours, `folder:PATH`, `synthetic…`, `combi…`). */
const runnableDataset = (name: string) => /^[a-z0-9_]+$/.test(name) || name.startsWith('folder:') || name.startsWith('synthetic');

/**
 * The grid's backbones are ones this CLI can load — an embedded FM, `pixels`, or `onnx:PATH` (an
 * existing file, with the onnx engine) — checked before anything runs, `--dry-run` included.
 */
function checkBackbones(backbones: readonly string[], file: string, onnx: boolean): void {
  for (const name of backbones) {
    if (name.startsWith('onnx:')) {
      const path = name.slice('onnx:'.length);
      if (!existsSync(path)) throw new ImprintError('BAD_FILE', `${file}: backbone ${name}: no such file (${resolve(path)})`, { backbone: name });
      if (!onnx) throw new ImprintError('UNSUPPORTED', `${file}: backbone ${name} is an ONNX model, which runs on the onnx engine: use --engine onnx`, { backbone: name });
    } else if (!(BACKBONE_NAMES as readonly string[]).includes(name)) {
      throw new ImprintError('UNKNOWN_PLUGIN', `${file}: unknown backbone "${name}"${didYouMean(name, BACKBONE_NAMES)}; available: ${BACKBONE_NAMES.join(', ')}, or onnx:PATH`, { backbone: name });
    }
  }
}

/** A grid (and each of its parts) on other FMs. */
function withBackbones(spec: GridSpec, backbones: readonly string[]): GridSpec {
  if (backbones.length === 0) throw new ImprintError('INVALID_CONFIG', '--backbones needs at least one FM name');
  return { ...spec, backbones: [...backbones], ...(spec.parts === undefined ? {} : { parts: spec.parts.map((part) => ({ ...part, backbones: [...backbones] })) }) };
}

/** `imprint-bench grid GRID.yaml --out RESULTS.jsonl`: expand, validate, run (resumable). */
export async function gridCommand(file: string, options: GridOptions, registry: Registry = createStandardRegistry(), workerSetup: Pick<RunGridOptions, 'pluginModules' | 'engineModule' | 'engineOptions' | 'backboneLoader' | 'backboneLoaderModule'> = {}): Promise<void> {
  const reference = await readReferenceConfigFile(file);
  let runs: GridRun[];
  if (reference !== undefined) {
    // A config file of the Python reference: its runs, through its names mapped to ours.
    let specs;
    try {
      specs = referenceGridSpecs(reference, { source: file, map: parseMappings(options.map), runnable: { backbone: runnableBackbone, dataset: runnableDataset }, allowUnmapped: options.plan === true });
    } catch (error) {
      // --plan still counts the reference's runs of a file that cannot run here yet.
      if (options.plan && error instanceof ImprintError && error.code === 'UNSUPPORTED') return referencePlan(file, reference, undefined, options, error.message);
      throw error;
    }
    const byId = new Map<string, GridRun>();
    for (const spec of specs) {
      if (!options.plan) checkBackbones(spec.backbones, file, workerSetup.backboneLoader !== undefined);
      for (const run of expandGrid(spec, registry)) byId.set(run.id, run);
    }
    runs = [...byId.values()];
    if (options.plan) return referencePlan(file, reference, runs.length, options);
    process.stderr.write(`${file}: a config file of the Python reference, ${referenceRunCount(reference, file)} runs by its expansion, ${runs.length} distinct runs here\n`);
  } else {
    const read = await readGridFile(file, registry.options());
    const { spec: scaled, scale } = selectGridScale(read, options.scale, file);
    const spec = options.backbones === undefined ? scaled : withBackbones(scaled, options.backbones);
    for (const part of gridParts(spec)) checkBackbones(part.backbones, file, workerSetup.backboneLoader !== undefined);
    if (scale !== undefined) process.stderr.write(`${file}: scale ${scale}${options.scale === undefined ? ` (the first of its scales ${Object.keys(read.scales ?? {}).join(', ')}; choose with --scale)` : ''}\n`);
    runs = expandGrid(spec, registry);
  }
  const shard = resolveShard(options.shard, options.shards === undefined ? {} : { shards: options.shards });
  if (options.plan) {
    const count = shard?.count ?? options.shards ?? 1;
    const plan = planShards(runs, count, { registry, sizes: await dataSizes(runs) });
    process.stdout.write(options.json ? `${JSON.stringify(planJson(plan, runs.length))}\n` : formatPlan(plan, file, runs.length));
    return;
  }
  process.stderr.write(`${file}: ${runs.length} runs after filters${shard ? `, ${describeShard(shard)}` : ''}\n`);
  if (options.dryRun) {
    process.stdout.write(`${JSON.stringify(runs.map((r) => r.id))}\n`);
    return;
  }
  if (options.embedOnly) {
    const start = performance.now();
    const splits = await fillGridCache({ runs, ...(shard === undefined ? {} : { share: shard }), ...(workerSetup.backboneLoader === undefined ? {} : { backboneLoader: workerSetup.backboneLoader }) });
    process.stderr.write(`done: the embeddings of ${splits} data splits are in the cache (${((performance.now() - start) / 1000).toFixed(1)} s)\n`);
    return;
  }
  if (options.out === undefined) throw new ImprintError('INVALID_CONFIG', 'grid: --out RESULTS.jsonl is required to run a grid (not for --plan, --dry-run or --embed-only)');
  const out = options.out;
  let progress: Progress | undefined;
  const start = performance.now();
  // Ctrl-C: say what is kept and how to go on (finished runs are in the results file, line by line).
  const ids = new Set(runs.map((r) => r.id));
  const interrupted = () => {
    const kept = readResults(out).results.filter((r) => ids.has(r.id)).length;
    process.stderr.write(`\ninterrupted: ${kept} of ${runs.length} runs of ${file} are in ${out}; run the same command again to resume\n`);
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  let summary;
  try {
    summary = await runGrid({
      runs,
      resultsPath: out,
      registry,
      ...(options.workers === undefined ? {} : { workers: options.workers }),
      ...(shard === undefined ? {} : { shard }),
      memoize: options.memo !== false,
      ...workerSetup,
      onProgress: (done, total) => {
        progress ??= new Progress('runs', total, '', start);
        progress.update(done);
      },
    });
  } finally {
    process.off('SIGINT', interrupted);
  }
  process.stderr.write(
    `done: ${summary.completed} runs in ${summary.seconds.toFixed(1)} s (${(summary.completed / Math.max(summary.seconds, 1e-9)).toFixed(1)} runs/s), ${summary.skipped} already in ${out}, ${summary.memoHits} proxy sets reused\n`,
  );
  if (options.nc !== undefined) {
    const measured = await writeGridNc(runs, options.nc, { ...(workerSetup.backboneLoader === undefined ? {} : { loader: workerSetup.backboneLoader }), log: (line) => process.stderr.write(`${line}\n`) });
    process.stderr.write(`NC measures of ${Object.keys(measured).length} FM × data set pairs in ${options.nc} (imprint-bench report … --nc1 ${options.nc})\n`);
  }
}

function formatCost(seconds: number): string {
  return seconds >= 3600 ? `${(seconds / 3600).toFixed(1)} h` : seconds >= 60 ? `${(seconds / 60).toFixed(1)} min` : `${seconds.toFixed(1)} s`;
}

/** `grid --plan`: per shard its runs, the FM × data set pairs it loads and its estimated cost. */
export function formatPlan(plan: ShardPlan<GridRun>, file: string, runs: number): string {
  const lines = [`${file}: ${runs} runs in ${plan.shards.length} shards; ${plan.pairs} FM × data set pairs, ${plan.pairLoads} pair loads in all`, ''];
  lines.push(`${'shard'.padStart(5)} ${'runs'.padStart(7)} ${'pairs'.padStart(5)} ${'est. cost'.padStart(10)} ${'× mean'.padStart(7)}  pairs loaded`);
  const mean = plan.totalCost / plan.shards.length;
  for (const shard of plan.shards) {
    lines.push(`${String(shard.index).padStart(5)} ${String(shard.runs.length).padStart(7)} ${String(shard.pairs.length).padStart(5)} ${formatCost(shard.cost).padStart(10)} ${(mean > 0 ? shard.cost / mean : 1).toFixed(2).padStart(7)}  ${shard.pairs.join('; ')}`);
  }
  lines.push('', `balance: max/mean estimated cost ${plan.maxOverMean.toFixed(3)} (1 is perfect); cost is an estimate of seconds on one core (GEN once per shared GEN key, data passes and prediction per run), for balance, not a promise`);
  return `${lines.join('\n')}\n`;
}

/** `grid --plan --json`. */
export function planJson(plan: ShardPlan<GridRun>, runs: number): Record<string, unknown> {
  return {
    runs,
    shards: plan.shards.map((s) => ({ index: s.index, runs: s.runs.length, pairs: s.pairs, cost: s.cost })),
    pairs: plan.pairs,
    pairLoads: plan.pairLoads,
    totalCost: plan.totalCost,
    maxOverMean: plan.maxOverMean,
  };
}

/**
 * `grid REF.yaml --plan` for a config file of the Python reference: the runs its own expansion
 * gives (per backbone, data set, label remapping and task split) beside the distinct runs this
 * CLI executes after collapsing settings that do not apply (`runs`).
 */
function referencePlan(file: string, config: ReferenceConfig, runs: number | undefined, options: GridOptions, unsupported?: string): void {
  const combinations = referenceDataCombinations(config, file);
  const referenceRuns = combinations.reduce((sum, c) => sum + c.runs, 0);
  const seeds = Array.isArray(config.seeds) ? config.seeds.length : 3;
  const by = (key: (c: (typeof combinations)[number]) => string) => {
    const totals = new Map<string, number>();
    for (const c of combinations) totals.set(key(c), (totals.get(key(c)) ?? 0) + c.runs);
    return Object.fromEntries(totals);
  };
  const summary = {
    file,
    format: 'reference',
    referenceRuns,
    ...(runs === undefined ? { unsupported } : { runs }),
    perDataCombination: combinations[0]?.runs ?? 0,
    seeds,
    dataCombinations: combinations.length,
    byBackbone: by((c) => c.backbone),
    byDataset: by((c) => c.datasets.join('+')),
    byRemapping: by((c) => c.mapping),
    bySplit: by((c) => c.split),
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  const table = (title: string, rows: Record<string, number>) => [`  ${title}:`, ...Object.entries(rows).map(([name, count]) => `    ${name.padEnd(28)} ${String(count).padStart(8)}`)];
  const remappings = Object.keys(summary.byRemapping);
  process.stdout.write(
    [
      `${file}: a config file of the Python reference`,
      `  ${referenceRuns} runs by the reference's expansion: ${combinations.length} data combinations × ${summary.perDataCombination / Math.max(1, seeds)} settings × ${seeds} seeds`,
      ...table('per backbone', summary.byBackbone),
      ...table('per data set (combined data sets joined by +)', summary.byDataset),
      ...(remappings.length > 12 ? [`  per label remapping: ${remappings.length} remappings, ${summary.byRemapping[remappings[0]!]} runs each`] : table('per label remapping', summary.byRemapping)),
      ...table('per task split', summary.bySplit),
      runs === undefined
        ? `  not runnable here yet: ${unsupported}`
        : `  ${runs} distinct runs here, after collapsing settings that do not apply (mnn with m = 1 ignores its weighting; an m above 10 proxies per class after mean/ls take k = 1 is dropped)`,
      '',
    ].join('\n'),
  );
}
