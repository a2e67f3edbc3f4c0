// @imprint/eval/datasets — Image data sets (MNIST, FashionMNIST, image folders), task splits and the embedding cache.
export { limitDataset, sliceDataset, type ImageDataset } from '../image-source.js';
export { loadMnist, mnistDataDirectory, parseIdx } from '../mnist.js';
export { FASHION_MNIST_CLASSES, FASHION_MNIST_TRAIN_PER_CLASS, fashionMnistDirectory, loadFashionMnist } from '../fashion-mnist.js';
export { decodeImage, loadImageFolder, type DecodedImage, type ImageFolderOptions } from '../image-folder.js';
export { DATASET_NAMES, openDataset } from '../datasets.js';
export { PREPROCESSING, defaultCacheDir, embedDataset, embeddingCacheKey, type EmbedDatasetOptions, type EmbeddedDataset } from '../embedding-cache.js';
export { PART_ROWS, partRowsFor, readCacheEntry, embedSharedEntry, embedWholeEntry, type CacheEntryJob, type EntryShare, type FilledEntry } from '../embedding-parts.js';
export { describeOwner, lockStaleSeconds, tryLock, type HeldLock, type LockAttempt, type LockOwner } from '../cache-lock.js';
export { TASK_SPLITS, combiMnist, resolveSplit, selectClasses } from '../tasks.js';
export { checkLabelRemapping, combinationOffsets, combineEmbeddingSets, distinctLabelCount, remapEmbeddingSet, type LabelRemapping } from '../combine-sets.js';
export { gaussianModes, type GaussianModesOptions } from '../synthetic.js';
