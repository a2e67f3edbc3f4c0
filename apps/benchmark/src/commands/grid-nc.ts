import { existsSync, readFileSync } from 'node:fs';
import { ImprintError } from '@imprint/core';
import { writeFileAtomic } from '@imprint/core/node';
import type { BackboneLoader } from '@imprint/backbones';
import { dataLabel, loadRunData, neuralCollapse, type GridRun } from '@imprint/eval';

/** Rows NC is computed on at most: larger train sets are thinned by a fixed stride (every ⌈n/NC_ROWS⌉-th row). */
export const NC_ROWS = 5000;

export interface NcMeasures {
  readonly nc1: number;
  readonly traceWithin: number;
  readonly traceBetween: number;
  readonly rankBetween: number;
  /** Train rows NC was computed on. */
  readonly rows: number;
}

/**
 * `grid … --nc FILE`: the neural-collapse measures of the train embeddings of every FM × data set
 * (combination and label remapping applied, no task split: the whole data, as the reference's
 * neural-collapse script takes it) that the grid's runs use, keyed `backbone|data label` — the keys
 * `imprint-bench report --nc1 FILE` reads (a remapped data set's label carries its remapping's name,
 * so the report can draw NC1 against d, the paper's Fig. 11a). Keys already in FILE that this grid
 * does not measure are kept (shards may write one file in turn); the file is replaced atomically.
 */
export async function writeGridNc(runs: readonly GridRun[], path: string, options: { loader?: BackboneLoader; log?: (line: string) => void } = {}): Promise<Record<string, NcMeasures>> {
  const previous: Record<string, unknown> = {};
  if (existsSync(path)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new ImprintError('BAD_FILE', `--nc ${path} exists but is not JSON (${(error as Error).message}); give another path or remove it`, { path });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ImprintError('BAD_FILE', `--nc ${path} exists but is not a JSON object keyed "backbone|dataset"; give another path or remove it`, { path });
    Object.assign(previous, parsed);
  }
  const wanted = new Map<string, GridRun>();
  for (const run of runs) {
    const key = `${run.backbone}|${dataLabel(run)}`;
    if (!wanted.has(key)) wanted.set(key, run);
  }
  const measured: Record<string, NcMeasures> = {};
  for (const [key, run] of wanted) {
    const train = await loadRunData(run, 'train', { ...(options.loader === undefined ? {} : { loader: options.loader }), ...(options.log === undefined ? {} : { log: options.log }) });
    const [rows, dim] = train.shape;
    const stride = Math.ceil(rows / NC_ROWS);
    const picked = Math.ceil(rows / stride);
    const embeddings = new Float32Array(picked * dim);
    const labels = new Int32Array(picked);
    for (let i = 0; i < picked; i++) {
      embeddings.set(train.embeddings.subarray(i * stride * dim, (i * stride + 1) * dim), i * dim);
      labels[i] = train.labels[i * stride]!;
    }
    const nc = neuralCollapse({ embeddings, shape: [picked, dim], labels }, { vci: false });
    measured[key] = { nc1: nc.nc1, traceWithin: nc.traceWithin, traceBetween: nc.traceBetween, rankBetween: nc.rankBetween, rows: picked };
    options.log?.(`NC1 ${key.replace('|', ' × ')}: ${nc.nc1.toFixed(3)} (${picked} train rows)`);
  }
  const merged = { ...previous, ...measured };
  await writeFileAtomic(path, new TextEncoder().encode(`${JSON.stringify(merged, null, 2)}\n`));
  return measured;
}
