import { createHash } from 'node:crypto';
import type { ImprintConfig, OptionTable } from '@imprint/core';
import { standardOptions } from '../standard-registry.js';

/** Where a run's embeddings come from and which task it solves. */
export interface DataKeys {
  backbone: string;
  /** Backbone input size; absent: the backbone's native size. */
  inputSize?: number;
  /** A data set name, or several joined by `" + "`: combined into one (labels offset one after another). */
  dataset: string;
  /** Name of the label remapping applied to the data (absent: none). */
  remap?: string;
  /** The remapping itself: original label → class; rows of labels it does not list are left out. */
  remapLabels?: Record<string, number>;
  /** Task split: `all`, `even`, `odd`, `short`, or a class list like `"0,3,7"`. */
  split: string;
  /** First N train / test images of the source (absent: all). */
  trainLimit?: number;
  testLimit?: number;
}

/** The names of the {@link DataKeys}: carried in a run's config besides the imprinting keys. */
export const DATA_KEY_NAMES: readonly (keyof DataKeys)[] = Object.freeze(['backbone', 'inputSize', 'dataset', 'remap', 'remapLabels', 'split', 'trainLimit', 'testLimit']);

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

/** Data keys that only act after GEN, and the run id. */
const AFTER_GEN_DATA_KEYS = new Set(['testLimit', 'id']);

/**
 * The key under which runs share their generated proxies: every key of the config except those
 * whose declared stage is after GEN (`head`: NORMpost, NORMinf, AGG and their options), `runtime`
 * (threads) or `label` (name, preset, meta), and the test limit. Keys nobody declared (a plugin not
 * loaded here) are kept: an unknown key may change the proxies. With `seedMatters: false` (a
 * deterministic generator and no random presampling) runs that differ only by seed share them.
 * `options`: the registry's option table (default: the standard registry's).
 */
export function generationKey(config: RunConfig, seedMatters = true, options: OptionTable = standardOptions()): string {
  const picked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (AFTER_GEN_DATA_KEYS.has(key) || (key === 'seed' && !seedMatters)) continue;
    const stage = options.get(key)?.stage;
    if (stage === undefined || stage === 'gen') picked[key] = value;
  }
  return canonicalJson(picked);
}
