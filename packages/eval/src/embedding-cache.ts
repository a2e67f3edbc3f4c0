import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { defaultCacheDir, ioError } from '@imprint/core/node';
import { warnOnce } from '@imprint/core';
import { EMBEDDED_BACKBONES, embedImages, tfjsBackbones, type BackboneLoader, type EmbeddedBackboneName } from '@imprint/backbones';
import type { EmbeddingSet } from './embedding-set.js';
import { limitDataset, sliceDataset } from './image-source.js';
import { embedSharedEntry, embedWholeEntry, readCacheEntry, type EntryShare } from './embedding-parts.js';
import { openDataset } from './datasets.js';

export interface EmbedDatasetOptions {
  dataset: string;
  split: 'train' | 'test';
  backbone: string;
  /** Square input size of the backbone. @default the backbone's native size */
  inputSize?: number;
  /** Only the first `limit` images, in the source's order. */
  limit?: number;
  /** Worker threads for embedding. @default the number of cores */
  workers?: number;
  /** Cache folder. @default $IMPRINT_CACHE_DIR or ./.imprint-cache */
  cacheDir?: string;
  /** Use and fill the cache. @default true */
  cache?: boolean;
  /** Progress and cache messages. @default stderr */
  log?: (line: string) => void;
  onProgress?: (done: number, total: number) => void;
  /**
   * Where backbones come from (an engine's, e.g. `onnxBackbones()` of @imprint/onnx). Part of the
   * cache key when it is not tf.js. @default tfjsBackbones
   */
  loader?: BackboneLoader;
  /**
   * Embed a cache entry together with other tasks (on a shared cache): the entry is cut into
   * parts (of `rows / count` rows, at most `PART_ROWS`; `IMPRINT_PART_ROWS` sets it); this task embeds parts `index`, `index + count`, … first, then any
   * part nobody has taken, then waits for the rest, and whoever finds every part there joins them
   * into the entry. Needs the cache.
   */
  share?: EntryShare;
}

export interface EmbeddedDataset extends EmbeddingSet {
  readonly key: string;
  readonly path?: string;
  readonly cached: boolean;
  readonly skipped: number;
  /** Rows this process embedded (0: all from the cache or from other tasks). */
  readonly embeddedRows: number;
}

/** How images are turned into model input; part of the cache key, bump on any change. */
export const PREPROCESSING = 'uint8/255, gray→rgb, bilinear resize, model range; v1';

function packageVersion(): string {
  return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
}

export { defaultCacheDir };

/** The input size a backbone embeds at: the one asked for, else an embedded FM's native size (undefined when only the model knows it). */
function resolvedInputSize(options: Pick<EmbedDatasetOptions, 'backbone' | 'inputSize'>): number | undefined {
  return options.inputSize ?? EMBEDDED_BACKBONES[options.backbone as EmbeddedBackboneName]?.defaultSize;
}

/** The content address of an embedding: everything that changes its values. */
export function embeddingCacheKey(options: Pick<EmbedDatasetOptions, 'dataset' | 'split' | 'backbone' | 'inputSize' | 'limit' | 'loader'> & { fingerprint?: string }): string {
  const inputSize = resolvedInputSize(options) ?? null;
  const engine = options.loader === undefined || options.loader.name === 'tfjs' ? {} : { engine: options.loader.name };
  const model = options.loader?.identity?.(options.backbone);
  const identity = { dataset: options.dataset, ...(options.fingerprint === undefined ? {} : { contents: options.fingerprint }), split: options.split, limit: options.limit ?? null, backbone: options.backbone, inputSize, preprocessing: PREPROCESSING, version: packageVersion(), ...engine, ...(model === undefined ? {} : { model }) };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

/**
 * Embeddings of a data set split with a backbone, from a content-addressed cache when present
 * (key: data set, split, subset, backbone, input size, preprocessing, package version). A cache
 * file that cannot be read (truncated, corrupt) is reported through `log`, removed and rebuilt;
 * new files are written atomically, so a killed run never leaves a half-written entry. The cache
 * may be shared by several processes or machines (`IMPRINT_CACHE_DIR` on a shared file system):
 * an entry is embedded under a lock (`ENTRY.h5.lock`: host, pid, refreshed while held), so no
 * entry is embedded twice and one left by a killed process is taken over; with `share`, the
 * entry is embedded in parts that several tasks split among themselves (see `embedSharedEntry`).
 */
export async function embedDataset(options: EmbedDatasetOptions): Promise<EmbeddedDataset> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const source = limitDataset(await openDataset(options.dataset, options.split), options.limit);
  // A folder's contents are part of the key: replaced images are embedded anew.
  const key = embeddingCacheKey({ ...options, ...(source.fingerprint === undefined ? {} : { fingerprint: source.fingerprint }) });
  const useCache = options.cache ?? true;
  const dir = options.cacheDir ?? defaultCacheDir();
  const engine = options.loader === undefined || options.loader.name === 'tfjs' ? '' : `-${options.loader.name}`;
  const name = `${options.dataset.replace(/[^A-Za-z0-9_-]+/g, '_')}-${options.split}-${options.backbone.replace(/[^A-Za-z0-9_-]+/g, '_').slice(-60)}-${resolvedInputSize(options) ?? 'native'}-${options.limit ?? 'all'}${engine}-${key.slice(0, 16)}.h5`;
  const path = join(dir, name);
  if (source.skipped > 0) warnOnce(`${options.dataset}: ${source.skipped} images of the data set's source are malformed (e.g. the fashion-mnist package's two empty rows) and are left out; the split has ${source.count} images`, log);
  const describe = `${options.dataset} ${options.split} images with ${options.backbone}${options.inputSize ? ` at ${options.inputSize}px` : ''}${options.loader === undefined ? '' : ` (${options.loader.name})`}`;
  const embedRows = async (start: number, rows: number, onProgress?: (done: number, total: number) => void): Promise<EmbeddingSet> => {
    const part = sliceDataset(source, start, rows);
    const { dim, data } = await embedImages(part, {
      backbone: options.backbone,
      ...(options.loader === undefined ? {} : { loader: options.loader }),
      ...(options.inputSize === undefined ? {} : { inputSize: options.inputSize }),
      ...(options.workers === undefined ? {} : { workers: options.workers }),
      ...(onProgress === undefined ? {} : { onProgress }),
    });
    return { embeddings: data, shape: [rows, dim], labels: Int32Array.from(source.labels.subarray(start, start + rows)) };
  };
  if (!useCache) {
    log(`embedding ${source.count} ${describe}`);
    const set = await embedRows(0, source.count, options.onProgress);
    return { ...set, key, cached: false, skipped: source.skipped, embeddedRows: source.count };
  }
  const cached = await readCacheEntry(path, source.count, log);
  if (cached !== undefined) return { ...cached, key, path, cached: true, skipped: source.skipped, embeddedRows: 0 };
  await mkdir(dir, { recursive: true }).catch((error: unknown) => {
    throw ioError(error, 'create the cache folder', dir);
  });
  const entry = { path, rows: source.count, batchSize: options.loader?.batchSize ?? tfjsBackbones.batchSize ?? 32, log, describe, embedRows, ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }) };
  const result = options.share === undefined ? await embedWholeEntry(entry) : await embedSharedEntry(entry, options.share);
  return { ...result.set, key, path, cached: result.embeddedRows === 0, skipped: source.skipped, embeddedRows: result.embeddedRows };
}
