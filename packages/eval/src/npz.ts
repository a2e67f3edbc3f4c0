import { zipSync } from 'fflate';
import { assertRegularFile, readInputFile, writeFileAtomic } from '@imprint/core/node';
import type { EmbeddingSet } from './embedding-set.js';
import { badFile } from './file-errors.js';
import { labelsFromFile } from './file-labels.js';
import { checkInputBytes } from './input-limit.js';
import { encodeNpy, npyHeaderLength, parseNpy, parseNpyHeader, type NpyArray } from './npy.js';
import { validateEmbeddingSet, type ReadEmbeddingsOptions } from './validate-set.js';
import { readZipEntries, ZipFormatError, type ZipEntry } from './zip-entries.js';

function toFloat32(data: Exclude<NpyArray['data'], string[]>): Float32Array {
  if (data instanceof Float32Array) return data;
  if (data instanceof BigInt64Array) return Float32Array.from(data, (v) => Number(v));
  return Float32Array.from(data);
}

/**
 * Read embeddings from a numpy `.npz` archive holding `embeddings` `[n, d]` and `labels` `[n]`
 * (what `np.savez(path, embeddings=X, labels=y)` writes; compressed archives too). Labels are
 * integers or strings (class names, numbered in sorted order; see `EmbeddingSet.classNames`).
 * The file is read once; stored float32 embeddings are used where they lie in it, without a copy.
 * Every entry is checked against its CRC-32, and the arrays' declared shapes against the archive's
 * sizes and the input memory limit (IMPRINT_MAX_INPUT_BYTES) before anything is inflated.
 */
export async function readNpzEmbeddings(path: string, { kernels }: ReadEmbeddingsOptions = {}): Promise<EmbeddingSet> {
  checkInputBytes(path, await assertRegularFile(path, 'embeddings'), 'the file');
  const bytes = await readInputFile(path, 'embeddings');
  let names: string[];
  let entries: Map<string, ZipEntry>;
  try {
    ({ names, entries } = readZipEntries(bytes, new Set(['embeddings.npy', 'labels.npy'])));
  } catch (error) {
    if (!(error instanceof ZipFormatError)) throw error;
    throw badFile(path, `is not a valid .npz (zip) archive: it ${error.message}`);
  }
  for (const name of ['embeddings', 'labels']) {
    if (!entries.has(`${name}.npy`)) throw badFile(path, `has no array "${name}" (found: ${names.join(', ') || 'nothing'}); expected "embeddings" [n, d] and "labels" [n]`);
  }
  const arrays = ['embeddings', 'labels'].map((name) => {
    const entry = entries.get(`${name}.npy`)!;
    const source = `${path}:${name}`;
    try {
      // The header first (a few bytes inflated): its shape must account for the entry's size.
      const { headerStart, headerLength } = npyHeaderLength(entry.head(12), source);
      const header = parseNpyHeader(entry.head(headerStart + headerLength), source);
      if (header.dataStart + header.dataBytes !== entry.size) {
        throw badFile(path, `array "${name}" declares shape (${header.shape.join(', ')}) of ${header.descr} (${header.dataStart + header.dataBytes} bytes with its header), but the archive declares ${entry.size} bytes: the file is damaged`);
      }
      return { name, entry, header, source };
    } catch (error) {
      if (error instanceof ZipFormatError) throw badFile(path, `is not a valid .npz (zip) archive: it ${error.message}`);
      throw error;
    }
  });
  checkInputBytes(path, arrays.reduce((sum, a) => sum + a.header.dataBytes, 0), 'its arrays');
  const parse = ({ entry, source }: (typeof arrays)[number], share: boolean) => {
    try {
      // Stored (uncompressed) arrays are read in place: the embeddings are a view of the file's bytes.
      return parseNpy(entry.read(), source, { share });
    } catch (error) {
      if (error instanceof ZipFormatError) throw badFile(path, `is not a valid .npz (zip) archive: it ${error.message}`);
      throw error;
    }
  };
  const embeddings = parse(arrays[0], true);
  const labels = parse(arrays[1], false);
  if (embeddings.shape.length !== 2) throw badFile(path, `"embeddings" must have rank 2 [n, d], got shape (${embeddings.shape.join(', ')})`);
  if (labels.shape.length !== 1) throw badFile(path, `"labels" must have rank 1 [n], got shape (${labels.shape.join(', ')})`);
  if (Array.isArray(embeddings.data)) throw badFile(path, `"embeddings" must hold numbers, got strings (dtype ${embeddings.descr})`);
  const { labels: numbered, classNames } = labelsFromFile(labels.data, path);
  return validateEmbeddingSet({ embeddings: toFloat32(embeddings.data), shape: [embeddings.shape[0], embeddings.shape[1]], labels: numbered, ...(classNames === undefined ? {} : { classNames }) }, path, kernels);
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
