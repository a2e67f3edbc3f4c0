import { readFileSync } from 'node:fs';
import type { ImprintConfigInput } from '@imprint/core';
import type { EmbeddingSet } from '../index.js';

export interface ParityCase {
  config: ImprintConfigInput & { name: string };
  predictions: number[];
  proxies: number[][][];
  accuracy: number;
  scores?: number[][];
}

interface Split {
  embeddings: number[][];
  labels: number[];
}

export interface ParityFixture {
  train: Split;
  test: Split;
  cases: ParityCase[];
  neural_collapse: { nc1: number; vci: number };
  quantile_norm: { x: number[][]; reference: number[][]; result: number[][] };
}

/** The reference outputs of ../shared/fixtures/parity.json, copied into the repo. */
export const parity = JSON.parse(readFileSync(new URL('./fixtures/parity.json', import.meta.url), 'utf8')) as ParityFixture;

export function toSet(split: Split): EmbeddingSet {
  return { embeddings: Float32Array.from(split.embeddings.flat()), shape: [split.embeddings.length, split.embeddings[0].length], labels: Int32Array.from(split.labels) };
}

export function parityCase(name: string): ParityCase {
  const found = parity.cases.find((c) => c.config.name === name);
  if (found === undefined) throw new Error(`no parity case ${name}`);
  return found;
}
