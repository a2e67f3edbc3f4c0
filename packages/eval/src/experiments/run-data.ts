import { ImprintError } from '@imprint/core';
import type { BackboneLoader } from '@imprint/backbones';
import { embedDataset } from '../embedding-cache.js';
import type { EmbeddingSet } from '../embedding-set.js';
import type { EntryShare } from '../embedding-parts.js';
import { groupByLabel } from '../group-by-label.js';
import { combiMnist } from '../tasks.js';
import { combineEmbeddingSets, combinationOffsets, remapEmbeddingSet } from '../combine-sets.js';
import { combinationParts } from './data-combination.js';
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
 * The embeddings of one data set a grid run needs, through the embedding cache: a data set of
 * `openDataset`, or `combi_mnist:D` — CombiMNIST-D, MNIST and FashionMNIST embeddings merged into
 * 20/D classes of D modes (both limited by the run's train/test limit). A combination or a label
 * remapping in `keys` is put together by {@link assembleRunData} (use {@link loadRunData} for a whole run).
 */
export async function loadDataSet(keys: DataKeys, part: 'train' | 'test', options: RunDataOptions = {}): Promise<EmbeddingSet> {
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

/** One data set (no combination, no remapping) of a run: what a data provider is asked for. */
export interface DataSetRequest {
  readonly keys: DataKeys;
  readonly part: 'train' | 'test';
}

/**
 * The single data sets a run's data is made of, in the order they are combined: each data set of
 * a combination (`mnist + fashion_mnist`) for `part`, and — for the test part of a combination —
 * their train parts too, whose distinct labels give the label offsets. No remapping.
 */
export function dataSetRequests(keys: DataKeys, part: 'train' | 'test'): DataSetRequest[] {
  const { remap: _remap, remapLabels: _labels, ...base } = keys;
  const names = combinationParts(keys.dataset);
  const requests = names.map((dataset) => ({ keys: { ...base, dataset }, part }));
  if (names.length > 1 && part === 'test') requests.push(...names.map((dataset) => ({ keys: { ...base, dataset }, part: 'train' as const })));
  return requests;
}

/**
 * A run's data from its single data sets (`single`, e.g. {@link loadDataSet} or a test's
 * provider), with the reference's `get_data` semantics: a `dataset` of several names joined by
 * `" + "` is those data sets combined into one (`combineEmbeddingSets`: labels offset by the
 * distinct labels of the train parts before), then `remapLabels` remaps the labels
 * (`remapEmbeddingSet`: unlisted labels left out). Without either, `single`'s set as it is.
 */
export async function assembleRunData(keys: DataKeys, part: 'train' | 'test', single: (keys: DataKeys, part: 'train' | 'test') => Promise<EmbeddingSet>): Promise<EmbeddingSet> {
  const names = combinationParts(keys.dataset);
  const requests = dataSetRequests(keys, part);
  let set: EmbeddingSet;
  if (names.length === 1) set = await single(requests[0]!.keys, part);
  else {
    // One after another (not at once): embedding a missing part may take all the cores.
    const sets: EmbeddingSet[] = [];
    for (const request of requests) sets.push(await single(request.keys, request.part));
    const parts = sets.slice(0, names.length);
    const trainParts = part === 'train' ? parts : sets.slice(names.length);
    set = combineEmbeddingSets(parts, combinationOffsets(trainParts), names);
  }
  if (keys.remapLabels !== undefined) set = remapEmbeddingSet(set, keys.remapLabels, `label remapping ${JSON.stringify(keys.remap ?? '')} of ${keys.dataset} (${part})`);
  // Train classes consecutive, so that GEN uses their rows in place (see groupByLabel).
  return part === 'train' && (names.length > 1 || keys.remapLabels !== undefined) ? groupByLabel(set) : set;
}

/** The embeddings a grid run needs (its data set, combination and label remapping), through the embedding cache. */
export async function loadRunData(keys: DataKeys, part: 'train' | 'test', options: RunDataOptions = {}): Promise<EmbeddingSet> {
  return assembleRunData(keys, part, (one, p) => loadDataSet(one, p, options));
}
