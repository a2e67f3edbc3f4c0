// @imprint/eval/files — Embedding files: the reference HDF5 layout, .npz/.npy, JSON/YAML data files — no image models, metrics or charts.
export type { EmbeddingSet } from '../embedding-set.js';
export { alignClassNames } from '../embedding-set.js';
export { readEmbeddings, writeEmbeddings } from '../embedding-files.js';
export type { ReadEmbeddingsOptions } from '../validate-set.js';
export { readHdf5Embeddings, writeHdf5Embeddings } from '../hdf5.js';
export { readNpzEmbeddings, writeNpzEmbeddings } from '../npz.js';
export { encodeNpy, parseNpy, type NpyArray, type ParseNpyOptions } from '../npy.js';
export { groupByLabel } from '../group-by-label.js';
export { readDataFile } from '../data-file.js';
