import { ImprintError } from '@imprint/core';
import type { EmbeddingSet } from './embedding-set.js';

/** Number of distinct labels of a set: what the reference counts as a data set's classes. */
export function distinctLabelCount(set: Pick<EmbeddingSet, 'labels'>): number {
  return new Set(set.labels).size;
}

/**
 * Several data sets as one, with the reference's semantics (`get_data` of DATEXIS/IMPRINT for a
 * list of data sets, e.g. CombiDigits = MNIST + MNIST-M + USPS + SVHN): rows of each set in the
 * order given, each set's labels shifted by the number of distinct labels of the sets before it
 * (`offsets[i]` of those sets' *train* parts, so that a test part is numbered like its train
 * part: see {@link combinationOffsets}). MNIST + FashionMNIST thus has classes 0–9 (digits) and
 * 10–19 (garments). Class names are kept when every set has them (with the set's name in front).
 */
export function combineEmbeddingSets(sets: readonly EmbeddingSet[], offsets: readonly number[], names: readonly string[] = sets.map((_, i) => `set ${i}`)): EmbeddingSet {
  if (sets.length === 0) throw new ImprintError('INVALID_CONFIG', 'a combination of data sets needs at least one data set');
  if (offsets.length !== sets.length) throw new ImprintError('INVALID_CONFIG', `a combination of ${sets.length} data sets needs ${sets.length} label offsets, got ${offsets.length}`);
  const dim = sets[0]!.shape[1];
  sets.forEach((set, i) => {
    if (set.shape[1] !== dim) throw new ImprintError('DIMENSION_MISMATCH', `data sets combined into one must have embeddings of one width: ${names[0]} has ${dim}, ${names[i]} ${set.shape[1]}`, { expected: dim, actual: set.shape[1] });
  });
  const rows = sets.reduce((n, set) => n + set.shape[0], 0);
  const embeddings = new Float32Array(rows * dim);
  const labels = new Int32Array(rows);
  let at = 0;
  sets.forEach((set, i) => {
    embeddings.set(set.embeddings.subarray(0, set.shape[0] * dim), at * dim);
    for (let r = 0; r < set.shape[0]; r++) labels[at + r] = set.labels[r]! + offsets[i]!;
    at += set.shape[0];
  });
  const named = sets.every((set) => set.classNames !== undefined);
  if (!named) return { embeddings, shape: [rows, dim], labels };
  const classNames: string[] = [];
  sets.forEach((set, i) => set.classNames!.forEach((name, label) => (classNames[label + offsets[i]!] = `${names[i]}/${name}`)));
  return { embeddings, shape: [rows, dim], labels, classNames: Array.from(classNames, (name, label) => name ?? String(label)) };
}

/** Label offsets of combined data sets from their train parts: 0, then the running sum of their distinct label counts. */
export function combinationOffsets(trainParts: readonly Pick<EmbeddingSet, 'labels'>[]): number[] {
  const offsets: number[] = [];
  let offset = 0;
  for (const part of trainParts) {
    offsets.push(offset);
    offset += distinctLabelCount(part);
  }
  return offsets;
}

/** A label remapping: original label (after a combination's offsets) → class. */
export type LabelRemapping = Readonly<Record<string, number>>;

/**
 * Check a label remapping: keys are labels (non-negative integers, as JSON/YAML object keys),
 * values classes (non-negative integers). Returns it as a map.
 */
export function checkLabelRemapping(remapping: unknown, source = 'label remapping'): Map<number, number> {
  if (typeof remapping !== 'object' || remapping === null || Array.isArray(remapping)) {
    throw new ImprintError('INVALID_CONFIG', `${source} must be an object of original label → class, such as {0: 0, 10: 0, 1: 1, 11: 1}, got ${JSON.stringify(remapping)}`);
  }
  const map = new Map<number, number>();
  for (const [key, value] of Object.entries(remapping)) {
    const label = Number(key);
    if (!/^\d+$/.test(key.trim()) || !Number.isSafeInteger(label)) throw new ImprintError('INVALID_CONFIG', `${source}: ${JSON.stringify(key)} is not a label (a non-negative integer)`);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new ImprintError('INVALID_CONFIG', `${source}: label ${key} maps to ${JSON.stringify(value)}; a class is a non-negative integer`);
    map.set(label, value);
  }
  return map;
}

/**
 * A set with its labels remapped as the reference does (`EmbeddingDataset` with a
 * `label_mapping`): label `l` becomes `remapping[l]`; labels the remapping does not list become
 * −1 there and can never be in a task, so their rows are left out here. Several labels mapped to
 * one class merge them (a multi-modal class: the paper's §5.3). An empty remapping changes
 * nothing (the reference's `{}`). Rows stay in their order.
 */
export function remapEmbeddingSet(set: EmbeddingSet, remapping: LabelRemapping | ReadonlyMap<number, number>, source = 'label remapping'): EmbeddingSet {
  const map = remapping instanceof Map ? (remapping as ReadonlyMap<number, number>) : checkLabelRemapping(remapping, source);
  if (map.size === 0) return set;
  const [rows, dim] = set.shape;
  const keep: number[] = [];
  for (let r = 0; r < rows; r++) if (map.has(set.labels[r]!)) keep.push(r);
  if (keep.length === 0) {
    const present = [...new Set(set.labels)].sort((a, b) => a - b);
    throw new ImprintError('INVALID_CONFIG', `${source} keeps no row of the data: it maps labels ${[...map.keys()].slice(0, 12).join(', ')}${map.size > 12 ? ', …' : ''}, the data has ${present.slice(0, 12).join(', ')}${present.length > 12 ? ', …' : ''}`);
  }
  const embeddings = new Float32Array(keep.length * dim);
  keep.forEach((r, i) => embeddings.set(set.embeddings.subarray(r * dim, (r + 1) * dim), i * dim));
  const labels = Int32Array.from(keep, (r) => map.get(set.labels[r]!)!);
  return { embeddings, shape: [keep.length, dim], labels };
}
