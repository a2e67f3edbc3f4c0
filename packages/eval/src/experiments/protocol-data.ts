import { ImprintError } from '@imprint/core';
import type { EmbeddingSet } from '../embedding-set.js';

/** The rows of `set` whose label passes `keep`, in order. */
export function rowsWhere(set: EmbeddingSet, keep: (label: number, row: number) => boolean): EmbeddingSet {
  const [rows, dim] = set.shape;
  const picked: number[] = [];
  for (let r = 0; r < rows; r++) if (keep(set.labels[r], r)) picked.push(r);
  const embeddings = new Float32Array(picked.length * dim);
  picked.forEach((r, i) => embeddings.set(set.embeddings.subarray(r * dim, (r + 1) * dim), i * dim));
  return { embeddings, shape: [picked.length, dim], labels: Int32Array.from(picked, (r) => set.labels[r]) };
}

/** Sorted distinct labels of a set. */
export function labelsOf(set: EmbeddingSet): number[] {
  return [...new Set(set.labels)].sort((a, b) => a - b);
}

/** Check that every class in `classes` has rows in `set` (named `what` in the error). */
export function requireClasses(set: EmbeddingSet, classes: readonly number[], what: string): void {
  const present = new Set(set.labels);
  const missing = classes.filter((c) => !present.has(c));
  if (missing.length > 0) throw new ImprintError('EMPTY_CLASS', `${what} has no samples of class ${missing.join(', ')}; classes present: ${labelsOf(set).join(', ')}`, { missing });
}
