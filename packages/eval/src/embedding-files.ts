import { extname } from 'node:path';
import type { EmbeddingSet } from './embedding-set.js';
import { badFile } from './file-errors.js';
import { readHdf5Embeddings, writeHdf5Embeddings } from './hdf5.js';
import { readNpzEmbeddings, writeNpzEmbeddings } from './npz.js';
import type { ReadEmbeddingsOptions } from './validate-set.js';

const HDF5_EXTENSIONS = ['.h5', '.hdf5', '.he5'];

/** Read an embedding file, choosing the format by extension: `.h5`/`.hdf5` or `.npz`. */
export async function readEmbeddings(path: string, options: ReadEmbeddingsOptions = {}): Promise<EmbeddingSet> {
  const extension = extname(path).toLowerCase();
  if (HDF5_EXTENSIONS.includes(extension)) return readHdf5Embeddings(path, options);
  if (extension === '.npz') return readNpzEmbeddings(path, options);
  throw badFile(path, `unknown embedding file type "${extension}"; use .h5/.hdf5 (reference layout) or .npz`);
}

/** Write an embedding file, choosing the format by extension: `.h5`/`.hdf5` or `.npz`. */
export async function writeEmbeddings(path: string, set: EmbeddingSet): Promise<void> {
  const extension = extname(path).toLowerCase();
  if (HDF5_EXTENSIONS.includes(extension)) return writeHdf5Embeddings(path, set);
  if (extension === '.npz') return writeNpzEmbeddings(path, set);
  throw badFile(path, `unknown embedding file type "${extension}"; use .h5/.hdf5 or .npz`);
}
