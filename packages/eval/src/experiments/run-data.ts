import { ImprintError } from '@imprint/core';
import type { BackboneLoader } from '@imprint/backbones';
import { embedDataset } from '../embedding-cache.js';
import type { EmbeddingSet } from '../embedding-set.js';
import type { EntryShare } from '../embedding-parts.js';
import { groupByLabel } from '../group-by-label.js';
import { combiMnist } from '../tasks.js';
import type { DataKeys } from './run-config.js';

export interface RunDataOptions {
  cacheDir?: string;
  /** Embedding worker threads. */
  workers?: number;
  log?: (line: string) => void;
  /** Where backbones come from (see `embedDataset`). */
  loader?: BackboneLoader;
  /** Embed missing cache entries together with other tasks (see `embedDataset`'s `share`). */
  share?: EntryShare;
}

/**
 * The embeddings a grid run needs, through the embedding cache. Besides the data sets of
 * `openDataset`, `combi_mnist:D` is CombiMNIST-D: MNIST and FashionMNIST embeddings merged into
 * 20/D classes of D modes (both limited by the run's train/test limit).
 */
export async function loadRunData(keys: DataKeys, part: 'train' | 'test', options: RunDataOptions = {}): Promise<EmbeddingSet> {
  const limit = part === 'train' ? keys.trainLimit : keys.testLimit;
  const embed = (dataset: string) =>
    embedDataset({
      dataset,
      split: part,
      backbone: keys.backbone,
      ...(keys.inputSize === undefined ? {} : { inputSize: keys.inputSize }),
      ...(limit === undefined ? {} : { limit }),
      ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
      ...(options.workers === undefined ? {} : { workers: options.workers }),
      ...(options.log === undefined ? {} : { log: options.log }),
      ...(options.loader === undefined ? {} : { loader: options.loader }),
      ...(options.share === undefined ? {} : { share: options.share }),
    });
  const combi = /^combi_mnist:(\d+)$/.exec(keys.dataset);
  if (combi === null && keys.dataset.startsWith('combi_mnist')) throw new ImprintError('INVALID_CONFIG', `CombiMNIST is named combi_mnist:D with D dividing 20, got ${JSON.stringify(keys.dataset)}`);
  const set = combi !== null ? combiMnist(await embed('mnist'), await embed('fashion_mnist'), Number(combi[1])) : await embed(keys.dataset);
  // Train classes consecutive, so that GEN uses their rows in place (see groupByLabel).
  return part === 'train' ? groupByLabel(set) : set;
}
