import { createHash } from 'node:crypto';
import type { ImprintConfig } from '@imprint/core';

/** Where a run's embeddings come from and which task it solves. */
export interface DataKeys {
  backbone: string;
  /** Backbone input size; absent: the backbone's native size. */
  inputSize?: number;
  dataset: string;
  /** Task split: `all`, `even`, `odd`, `short`, or a class list like `"0,3,7"`. */
  split: string;
  /** First N train / test images of the source (absent: all). */
  trainLimit?: number;
  testLimit?: number;
}

/** The names of the {@link DataKeys}: carried in a run's config besides the imprinting keys. */
export const DATA_KEY_NAMES: readonly (keyof DataKeys)[] = Object.freeze(['backbone', 'inputSize', 'dataset', 'split', 'trainLimit', 'testLimit']);

/** One fully resolved run of a grid: data keys plus every imprinting key. */
export type RunConfig = DataKeys & ImprintConfig;

/** JSON with object keys sorted at every level: a canonical text for hashing. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Deterministic id of a run: the first 16 hex digits of the SHA-256 of its canonical config. */
export function runId(config: RunConfig): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 16);
}

/** Keys whose values change the generated proxies (GEN memoisation key). */
export const GEN_KEYS = ['backbone', 'inputSize', 'dataset', 'split', 'trainLimit', 'seed', 'fewshot', 'prefilter', 'prefilterQuantiles', 'normPre', 'gen', 'k', 'kMax', 'kSelect', 'lambda'] as const;

/** Keys that only act after GEN (or label the run): they never change the generated proxies. */
const AFTER_GEN_KEYS = new Set(['testLimit', 'normPost', 'normInf', 'agg', 'metric', 'm', 'weighting', 'preset', 'name', 'meta', 'id']);

/**
 * The key under which runs share their generated proxies. With `seedMatters: false` (a
 * deterministic generator and no random presampling) runs that differ only by seed share them.
 * Besides {@link GEN_KEYS}, every plugin-declared key (e.g. a k selector's `coverage`) is part of
 * it: a third-party key may change the proxies.
 */
export function generationKey(config: RunConfig, seedMatters = true): string {
  const picked: Record<string, unknown> = {};
  for (const key of GEN_KEYS) if (seedMatters || key !== 'seed') picked[key] = (config as Record<string, unknown>)[key];
  for (const [key, value] of Object.entries(config)) if (!(key in picked) && !AFTER_GEN_KEYS.has(key) && key !== 'seed') picked[key] = value;
  return canonicalJson(picked);
}
