import { readFile } from 'node:fs/promises';
import { zipSync } from 'fflate';
import { writeFileAtomic } from '@imprint/core/node';
import type { EmbeddingSet } from './embedding-set.js';
import { badFile } from './file-errors.js';
import { exactInt32Labels } from './file-labels.js';
import { encodeNpy, parseNpy, type NpyArray } from './npy.js';
import { validateEmbeddingSet, type ReadEmbeddingsOptions } from './validate-set.js';
import { readZipEntries, ZipFormatError } from './zip-entries.js';

function toFloat32(array: NpyArray): Float32Array {
  if (array.data instanceof Float32Array) return array.data;
  if (array.data instanceof BigInt64Array) return Float32Array.from(array.data, (v) => Number(v));
  return Float32Array.from(array.data);
}

/**
 * Read embeddings from a numpy `.npz` archive holding `embeddings` `[n, d]` and `labels` `[n]`
 * (what `np.savez(path, embeddings=X, labels=y)` writes; compressed archives too). The file is
 * read once; stored float32 embeddings are used where they lie in it, without a copy.
 */
export async function readNpzEmbeddings(path: string, { kernels }: ReadEmbeddingsOptions = {}): Promise<EmbeddingSet> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw badFile(path, `cannot be opened: ${(error as Error).message}`);
  }
  let names: string[];
  let entries: Map<string, Uint8Array>;
  try {
    ({ names, entries } = readZipEntries(bytes, new Set(['embeddings.npy', 'labels.npy'])));
  } catch (error) {
    if (!(error instanceof ZipFormatError)) throw error;
    throw badFile(path, `is not a .npz (zip) archive: it ${error.message}`);
  }
  for (const name of ['embeddings', 'labels']) {
    if (!entries.has(`${name}.npy`)) throw badFile(path, `has no array "${name}" (found: ${names.join(', ') || 'nothing'}); expected "embeddings" [n, d] and "labels" [n]`);
  }
  // Stored (uncompressed) arrays are read in place: the embeddings are a view of the file's bytes.
  const embeddings = parseNpy(entries.get('embeddings.npy')!, `${path}:embeddings`, { share: true });
  const labels = parseNpy(entries.get('labels.npy')!, `${path}:labels`);
  if (embeddings.shape.length !== 2) throw badFile(path, `"embeddings" must have rank 2 [n, d], got shape (${embeddings.shape.join(', ')})`);
  if (labels.shape.length !== 1) throw badFile(path, `"labels" must have rank 1 [n], got shape (${labels.shape.join(', ')})`);
  return validateEmbeddingSet({ embeddings: toFloat32(embeddings), shape: [embeddings.shape[0], embeddings.shape[1]], labels: exactInt32Labels(labels.data, path) }, path, kernels);
}

/** Write embeddings as a `.npz` archive (float32 `embeddings`, int32 `labels`), atomically. */
export async function writeNpzEmbeddings(path: string, set: EmbeddingSet): Promise<void> {
  validateEmbeddingSet(set, path);
  const archive = zipSync({
    'embeddings.npy': [encodeNpy(set.embeddings, set.shape), { level: 0 }],
    'labels.npy': [encodeNpy(set.labels, [set.labels.length]), { level: 0 }],
  });
  await writeFileAtomic(path, archive);
}
