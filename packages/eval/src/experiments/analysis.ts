import { describeConfig, type DescribeSource } from '@imprint/core';
import { compareMethods, type MethodComparison } from '../stats/compare.js';
import { averageRanks, median } from '../stats/ranks.js';
import { standardDescribeSource, standardOptions } from '../standard-registry.js';
import { DATA_KEY_NAMES, canonicalJson } from './run-config.js';
import type { ResultLine } from './results.js';

/** Keys that neither define the method nor the group. */
const IGNORED_KEYS = ['seed', 'preset', 'name', 'meta'] as const;

/** The method a result belongs to: every imprinting key except the seed and options of stage `runtime` or `label`. */
export function methodKey(config: ResultLine['config']): string {
  const rest: Record<string, unknown> = { ...config };
  for (const key of [...DATA_KEY_NAMES, ...IGNORED_KEYS]) delete rest[key];
  const options = standardOptions();
  for (const key of Object.keys(rest)) {
    const stage = options.get(key)?.stage;
    if (stage === 'runtime' || stage === 'label') delete rest[key];
  }
  return canonicalJson(rest);
}

/** The group a result belongs to: FM × data set × split (× input size and subset). */
export function groupKey(config: ResultLine['config']): string {
  const picked: Record<string, unknown> = {};
  for (const key of DATA_KEY_NAMES) picked[key] = (config as Record<string, unknown>)[key];
  return canonicalJson(picked);
}

/**
 * A readable method name (`describeConfig` of @imprint/core, without the data keys): its preset or
 * name, else its pipeline and the label of every further option. `source`: the registry whose
 * option declarations label the keys (default: the standard registry; keys it does not declare show
 * as `key=value`).
 */
export function methodLabel(config: ResultLine['config'], source: DescribeSource = standardDescribeSource()): string {
  return describeConfig(config, source, { skip: [...DATA_KEY_NAMES, 'id'] });
}

export interface MethodSummary {
  readonly key: string;
  readonly label: string;
  /** Mean over groups of the per-group median accuracy over seeds. */
  readonly meanAccuracy: number;
  /** Mean rank over the groups where every method ran (1 = best). */
  readonly averageRank: number;
  /** Standard deviation of those ranks over the groups (sample, n − 1; NaN with fewer than 2 groups). */
  readonly rankStd: number;
  /** Standard error of the average rank: rankStd / √groups. */
  readonly rankStderr: number;
  /** Median milliseconds of proxy generation per run, over the runs that generated (not memoised); undefined if none did. */
  readonly medianGenerateMs?: number;
  readonly groups: number;
  /** Mean number of proxies a head of this method stored (runs that recorded it; undefined if none did). */
  readonly meanProxies?: number;
}

export interface Analysis {
  readonly methods: MethodSummary[];
  readonly groups: string[];
  /** `groups × methods` medians over seeds (NaN where a method did not run in a group). */
  readonly table: number[][];
  /** Statistics over the complete groups; undefined with fewer than 2 methods or groups. */
  readonly comparison?: MethodComparison;
}

/**
 * The paper's aggregation: per group (FM × data set × split) the median accuracy over seeds; ranks
 * of the methods within each group; average rank and mean accuracy per method; Friedman and
 * Wilcoxon–Holm over the groups in which every method ran. Methods are sorted by average rank.
 */
export function analyzeResults(results: readonly ResultLine[], alpha = 0.05, source: DescribeSource = standardDescribeSource()): Analysis {
  const methodKeys: string[] = [];
  const labels = new Map<string, string>();
  const cells = new Map<string, Map<string, number[]>>();
  const proxies = new Map<string, number[]>();
  const generateMs = new Map<string, number[]>();
  for (const r of results) {
    const m = methodKey(r.config);
    if (r.timings !== undefined && !r.timings.memoised && Number.isFinite(r.timings.generateMs)) {
      if (!generateMs.has(m)) generateMs.set(m, []);
      generateMs.get(m)!.push(r.timings.generateMs);
    }
    const g = groupKey(r.config);
    if (typeof r.proxies === 'number') {
      if (!proxies.has(m)) proxies.set(m, []);
      proxies.get(m)!.push(r.proxies);
    }
    if (!labels.has(m)) {
      labels.set(m, methodLabel(r.config, source));
      methodKeys.push(m);
    }
    if (!cells.has(g)) cells.set(g, new Map());
    const perMethod = cells.get(g)!;
    if (!perMethod.has(m)) perMethod.set(m, []);
    perMethod.get(m)!.push(r.accuracy);
  }
  const groups = [...cells.keys()];
  const table = groups.map((g) => methodKeys.map((m) => (cells.get(g)!.has(m) ? median(cells.get(g)!.get(m)!) : Number.NaN)));
  const complete = table.filter((row) => row.every((v) => !Number.isNaN(v)));
  const rankRows = complete.map((row) => averageRanks(row));
  const summaries = methodKeys.map((key, j) => {
    const values = table.map((row) => row[j]).filter((v) => !Number.isNaN(v));
    const ranks = rankRows.map((r) => r[j]);
    const averageRank = ranks.length > 0 ? ranks.reduce((s, r) => s + r, 0) / ranks.length : Number.NaN;
    const rankStd = ranks.length > 1 ? Math.sqrt(ranks.reduce((s, r) => s + (r - averageRank) ** 2, 0) / (ranks.length - 1)) : Number.NaN;
    return {
      key,
      label: labels.get(key)!,
      meanAccuracy: values.reduce((a, b) => a + b, 0) / values.length,
      averageRank,
      rankStd,
      rankStderr: rankStd / Math.sqrt(ranks.length),
      ...(generateMs.has(key) ? { medianGenerateMs: median(generateMs.get(key)!) } : {}),
      groups: values.length,
      ...(proxies.has(key) ? { meanProxies: proxies.get(key)!.reduce((a, b) => a + b, 0) / proxies.get(key)!.length } : {}),
    };
  });
  const comparison = complete.length >= 2 && methodKeys.length >= 2 ? compareMethods(complete, alpha) : undefined;
  const order = summaries.map((s, i) => i).sort((a, b) => summaries[a].averageRank - summaries[b].averageRank || summaries[b].meanAccuracy - summaries[a].meanAccuracy);
  const remap = new Map(order.map((old, i) => [old, i]));
  return {
    methods: order.map((i) => summaries[i]),
    groups,
    table: table.map((row) => order.map((i) => row[i])),
    ...(comparison === undefined
      ? {}
      : {
          comparison: {
            friedman: { ...comparison.friedman, averageRanks: order.map((i) => comparison.friedman.averageRanks[i]) },
            pairs: comparison.pairs.map((p) => ({ ...p, a: remap.get(p.a)!, b: remap.get(p.b)! })),
            cliques: comparison.cliques.map((c) => c.map((m) => remap.get(m)!)),
          },
        }),
  };
}
