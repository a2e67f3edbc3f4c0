import { firstNonFinite, type Kernels } from '@imprint/core';
import type { EmbeddingSet } from './embedding-set.js';
import { badFile } from './file-errors.js';

/** Options of the embedding readers. */
export interface ReadEmbeddingsOptions {
  /** An engine's kernels: large files are checked for NaN and ±Infinity natively (see `firstNonFinite` in `@imprint/core`). */
  readonly kernels?: Kernels;
}

/** Check shapes and values of an embedding set read from `path`. */
export function validateEmbeddingSet(set: EmbeddingSet, path: string, kernels?: Kernels): EmbeddingSet {
  const [rows, dim] = set.shape;
  if (set.embeddings.length !== rows * dim) badFileThrow(path, `embeddings hold ${set.embeddings.length} values, not ${rows} × ${dim}`);
  if (set.labels.length !== rows) {
    badFileThrow(path, `embeddings have ${rows} rows but labels have ${set.labels.length} entries; they must match`);
  }
  const at = firstNonFinite(set.embeddings, dim, kernels);
  if (at >= 0) badFileThrow(path, `embeddings contain ${set.embeddings[at]} at row ${Math.floor(at / dim)}, column ${at % dim}; only finite values are valid`);
  return set;
}

function badFileThrow(path: string, problem: string): never {
  throw badFile(path, problem);
}
