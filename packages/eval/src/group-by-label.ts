import type { EmbeddingSet } from './embedding-set.js';

/**
 * Reorder `set` in place so that each label's rows are consecutive, labels ascending and each
 * label's rows in their original order (a stable counting sort). Rows move along the cycles of
 * the permutation through one row of scratch space, so no second copy of the embeddings is made
 * (for 60 000 × 1280 float32 about 60 ms, where a grouped copy costs more than twice that in
 * fresh memory). Imprinting grouped data with `{ borrow: true }` then uses each class's rows
 * where they lie, and joint generators see the classes back to back. Returns `set`.
 */
export function groupByLabel(set: EmbeddingSet): EmbeddingSet {
  const { embeddings, labels } = set;
  const [rows, dim] = set.shape;
  const counts = new Map<number, number>();
  let sorted = true;
  for (let i = 0; i < rows; i++) {
    counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1);
    if (i > 0 && labels[i] < labels[i - 1]) sorted = false;
  }
  if (sorted) return set;
  const next = new Map<number, number>();
  let offset = 0;
  for (const label of [...counts.keys()].sort((a, b) => a - b)) {
    next.set(label, offset);
    offset += counts.get(label)!;
  }
  const destination = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const at = next.get(labels[i])!;
    destination[i] = at;
    next.set(labels[i], at + 1);
  }
  const carried = new Float32Array(dim);
  const displaced = new Float32Array(dim);
  const placed = new Uint8Array(rows);
  for (let start = 0; start < rows; start++) {
    if (placed[start] === 1) continue;
    if (destination[start] === start) {
      placed[start] = 1;
      continue;
    }
    // Follow the cycle start → destination[start] → …, carrying one row (and its label) along.
    carried.set(embeddings.subarray(start * dim, (start + 1) * dim));
    let carriedLabel = labels[start];
    let from = start;
    while (placed[from] === 0) {
      placed[from] = 1;
      const to = destination[from];
      displaced.set(embeddings.subarray(to * dim, (to + 1) * dim));
      const displacedLabel = labels[to];
      embeddings.set(carried, to * dim);
      labels[to] = carriedLabel;
      carried.set(displaced);
      carriedLabel = displacedLabel;
      from = to;
    }
  }
  return set;
}
