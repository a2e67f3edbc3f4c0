import { resolvePipeline, type Registry } from '@imprint/core';
import { createStandardRegistry } from '../standard-registry.js';
import { estimateRunCost, type DataSizes } from './run-cost.js';
import { DATA_KEY_NAMES, canonicalJson, generationKey, type RunConfig } from './run-config.js';

/** One shard of a plan: its runs, the data pairs (FM × data set embeddings) it loads, its estimated cost. */
export interface PlannedShard<T> {
  readonly index: number;
  readonly runs: T[];
  /** The FM × data set pairs whose embeddings the shard loads (`backbone@size dataset`). */
  readonly pairs: string[];
  /** Estimated seconds on one core (`estimateRunCost`): GEN once per shared GEN key, the rest per run. */
  readonly cost: number;
}

export interface ShardPlan<T> {
  readonly shards: PlannedShard<T>[];
  readonly totalCost: number;
  /** Distinct FM × data set pairs of the whole grid. */
  readonly pairs: number;
  /** Sum over shards of the pairs each loads (as low as `pairs` + shards − 1 with contiguous cuts). */
  readonly pairLoads: number;
  /** The largest shard's cost over the mean cost: 1 is perfect balance. */
  readonly maxOverMean: number;
}

export interface PlanOptions {
  registry?: Registry;
  /** Data set sizes (see `dataSizes`); unknown ones count as 10 000 rows of 10 classes. */
  sizes?: DataSizes;
}

/** The FM × data set pair of a run's embeddings, as a short readable key. */
export function dataPairKey(run: Pick<RunConfig, 'backbone' | 'inputSize' | 'dataset' | 'trainLimit' | 'testLimit'>): string {
  const limits = run.trainLimit === undefined && run.testLimit === undefined ? '' : ` (${run.trainLimit ?? 'all'}/${run.testLimit ?? 'all'})`;
  return `${run.backbone}${run.inputSize === undefined ? '' : `@${run.inputSize}`} ${run.dataset}${limits}`;
}

interface Unit<T> {
  readonly pair: string;
  readonly key: string;
  readonly runs: T[];
  cost: number;
}

/**
 * Cut a grid into `count` shards by data locality and cost. Runs that share generated proxies (one
 * GEN key, as the memo of `runGrid` uses) form one unit, weighed by `estimateRunCost` (GEN once,
 * prediction per run). FM × data set pairs are laid end to end by cost, so each shard holds one
 * pair, or two where a pair ends (at most pairs + shards − 1 pair loads in all), and each pair's
 * units, heaviest first, go to the shard of that pair with the most room left. Deterministic: the
 * same runs give the same plan in every task.
 */
export function planShards<T extends RunConfig>(runs: readonly T[], count: number, options: PlanOptions = {}): ShardPlan<T> {
  const registry = options.registry ?? createStandardRegistry();
  const sizes = options.sizes ?? new Map();
  const table = registry.options();
  const seedMatters = new Map<string, boolean>();
  const units = new Map<string, Unit<T>>();
  for (const run of runs) {
    const withSeed = generationKey(run, true, table);
    let matters = seedMatters.get(withSeed);
    if (matters === undefined) {
      try {
        const { id: _id, ...config } = run as T & { id?: string };
        const pipeline = resolvePipeline(config, registry, { extraKeys: DATA_KEY_NAMES });
        matters = !(pipeline.generator.deterministic === true && pipeline.presamplers.length === 0);
      } catch {
        matters = true; // an invalid run fails when it runs; here it is its own unit
      }
      seedMatters.set(withSeed, matters);
    }
    const key = matters ? withSeed : generationKey(run, false, table);
    const pair = dataPairKey(run);
    const unitKey = canonicalJson([pair, key]);
    let unit = units.get(unitKey);
    const cost = estimateRunCost(run, sizes);
    if (unit === undefined) {
      unit = { pair, key: unitKey, runs: [], cost: cost.generate };
      units.set(unitKey, unit);
    }
    unit.runs.push(run);
    unit.cost += cost.predict;
  }
  const byPair = new Map<string, Unit<T>[]>();
  for (const unit of units.values()) byPair.set(unit.pair, [...(byPair.get(unit.pair) ?? []), unit]);
  const pairs = [...byPair.keys()].sort();
  const pairCost = pairs.map((pair) => byPair.get(pair)!.reduce((a, u) => a + u.cost, 0));
  const totalCost = pairCost.reduce((a, b) => a + b, 0);
  const shards: { runs: T[]; pairs: Set<string>; cost: number }[] = Array.from({ length: count }, () => ({ runs: [], pairs: new Set<string>(), cost: 0 }));
  // Pairs laid end to end on [0, count) by cost: shard j holds the pairs that overlap [j, j + 1),
  // each with room in proportion to the overlap, so a pair is spread over as few shards as its
  // cost needs. Then each pair's units, heaviest first, go where its room left is largest.
  let position = 0;
  for (const [p, pair] of pairs.entries()) {
    const from = position;
    const to = totalCost > 0 ? Math.min(count, position + (pairCost[p]! / totalCost) * count) : count;
    position = to;
    const first = Math.min(count - 1, Math.floor(from + 1e-9));
    const last = Math.max(first, Math.min(count - 1, Math.ceil(to - 1e-9) - 1));
    const room = new Map<number, number>();
    for (let j = first; j <= last; j++) room.set(j, Math.max(0, Math.min(to, j + 1) - Math.max(from, j)) * (totalCost / count));
    const list = byPair.get(pair)!.sort((a, b) => b.cost - a.cost || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const unit of list) {
      let best = first;
      for (let j = first; j <= last; j++) if (room.get(j)! > room.get(best)!) best = j;
      room.set(best, room.get(best)! - unit.cost);
      const shard = shards[best]!;
      shard.runs.push(...unit.runs);
      shard.pairs.add(pair);
      shard.cost += unit.cost;
    }
  }
  const mean = totalCost / count;
  const planned = shards.map((s, i) => ({ index: i, runs: s.runs, pairs: [...s.pairs], cost: s.cost }));
  return {
    shards: planned,
    totalCost,
    pairs: pairs.length,
    pairLoads: planned.reduce((a, s) => a + s.pairs.length, 0),
    maxOverMean: mean > 0 ? Math.max(...planned.map((s) => s.cost)) / mean : 1,
  };
}
