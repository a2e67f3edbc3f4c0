import { ImprintError } from '@imprint/core';
import type { EmbeddingSet } from './embedding-set.js';

/** The paper's task splits of a 10-class data set. */
export const TASK_SPLITS: Readonly<Record<string, readonly number[]>> = Object.freeze({
  all: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  even: [0, 2, 4, 6, 8],
  odd: [1, 3, 5, 7, 9],
  short: [0, 1, 2],
});

/** Classes of a split name (`all`, `even`, `odd`, `short`) or an explicit list like `"0,3,7"`. */
export function resolveSplit(split: string | readonly number[]): number[] {
  if (Array.isArray(split)) return [...split];
  const named = TASK_SPLITS[split as string];
  if (named !== undefined) return [...named];
  const listed = String(split).split(',').map((s) => Number(s.trim()));
  if (listed.length > 0 && listed.every((n) => Number.isInteger(n) && n >= 0)) return listed;
  throw new ImprintError('INVALID_CONFIG', `split must be one of ${Object.keys(TASK_SPLITS).join(', ')} or a list of class labels such as "0,3,7", got ${JSON.stringify(split)}`);
}

/**
 * The rows of `set` whose label is in `classes`, labels optionally remapped (several original
 * labels may map to one: merged, multi-modal classes). A class that `set` does not have fails
 * with `INVALID_CONFIG` naming it and the classes there are (a task must not silently run
 * without a class), unless `requireAll` is false (a test subset may lack a class).
 */
export function selectClasses(set: EmbeddingSet, classes: readonly number[], remap?: ReadonlyMap<number, number>, source = 'the data', { requireAll = true }: { requireAll?: boolean } = {}): EmbeddingSet {
  const wanted = new Set(classes);
  const present = new Set(set.labels);
  const missing = classes.filter((c) => !present.has(c));
  if (requireAll && missing.length > 0) {
    const available = [...present].sort((a, b) => a - b);
    throw new ImprintError(
      'INVALID_CONFIG',
      `the task asks for class${missing.length > 1 ? 'es' : ''} ${missing.join(', ')}, which ${source} does not have; its classes: ${available.join(', ') || '(none)'}`,
      { missing, available },
    );
  }
  const [rows, dim] = set.shape;
  const keep: number[] = [];
  for (let r = 0; r < rows; r++) if (wanted.has(set.labels[r])) keep.push(r);
  const embeddings = new Float32Array(keep.length * dim);
  keep.forEach((r, i) => embeddings.set(set.embeddings.subarray(r * dim, (r + 1) * dim), i * dim));
  const labels = Int32Array.from(keep, (r) => remap?.get(set.labels[r]) ?? set.labels[r]);
  return { embeddings, shape: [keep.length, dim], labels };
}

/**
 * CombiMNIST-d: MNIST (labels 0–9) and FashionMNIST (as 10–19) together — 20 original classes —
 * merged into 20/d classes of d modes each: original o goes to class o mod (20/d). For d = 2,
 * class i is digit i plus garment i; d = 1 keeps 20 classes. The real-data analogue of the paper's
 * ImageNet remapping experiment.
 */
export function combiMnist(mnist: EmbeddingSet, fashion: EmbeddingSet, d: number): EmbeddingSet {
  if (![1, 2, 4, 5, 10, 20].includes(d)) throw new ImprintError('INVALID_CONFIG', `CombiMNIST-d needs d dividing 20 (1, 2, 4, 5, 10, 20), got ${d}`);
  if (mnist.shape[1] !== fashion.shape[1]) throw new ImprintError('DIMENSION_MISMATCH', `MNIST embeddings have dimension ${mnist.shape[1]}, FashionMNIST ${fashion.shape[1]}`);
  const groups = 20 / d;
  const dim = mnist.shape[1];
  const rows = mnist.shape[0] + fashion.shape[0];
  const embeddings = new Float32Array(rows * dim);
  embeddings.set(mnist.embeddings, 0);
  embeddings.set(fashion.embeddings, mnist.embeddings.length);
  const labels = new Int32Array(rows);
  mnist.labels.forEach((l, i) => (labels[i] = l % groups));
  fashion.labels.forEach((l, i) => (labels[mnist.shape[0] + i] = (l + 10) % groups));
  return { embeddings, shape: [rows, dim], labels };
}
