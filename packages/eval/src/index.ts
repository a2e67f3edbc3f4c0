export type { EmbeddingSet } from './embedding-set.js';
export { readEmbeddings, writeEmbeddings } from './embedding-files.js';
export { readHdf5Embeddings, writeHdf5Embeddings } from './hdf5.js';
export { readNpzEmbeddings, writeNpzEmbeddings } from './npz.js';
export { encodeNpy, parseNpy, type NpyArray } from './npy.js';
export { accuracy, confusionMatrix, f1Scores, type F1Scores } from './metrics.js';
export { createStandardRegistry } from './standard-registry.js';
export { evaluateConfig, type RunResult } from './evaluate.js';
