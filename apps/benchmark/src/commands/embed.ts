import { randomBytes } from 'node:crypto';
import { link, rename, rm, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { writeEmbeddings, embedDataset, describeShard, resolveShard } from '@imprint/eval';
import { ImprintError } from '@imprint/core';
import type { BackboneLoader } from '@imprint/backbones';
import { Progress } from '../progress.js';

export interface EmbedOptions {
  dataset: string;
  split: string;
  backbone: string;
  inputSize?: number;
  limit?: number;
  workers?: number;
  /** Output file; optional with `shard` (the shared cache is then the output). */
  out?: string;
  cache?: boolean;
  /** `i/n` or `auto`: embed together with other tasks into the shared cache. */
  shard?: string;
  /** Task count for `--shard auto` under a Kubernetes Indexed Job. */
  shards?: number;
}

/**
 * Put an HDF5 `out` in place as a hard link to the cache entry (the same reference-layout file):
 * one copy on disk instead of two. Atomic (a link beside `out`, renamed over it). False where a
 * link cannot be made — another file system, another format (`.npz`), no permission — and the
 * caller writes a copy. Editing the file in place edits the entry too; the entry's checksum then
 * refuses it and the cache embeds it anew.
 */
async function linkToCacheEntry(entry: string, out: string): Promise<boolean> {
  if (!['.h5', '.hdf5', '.he5'].includes(extname(out).toLowerCase())) return false;
  const temporary = `${out}.link-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    if ((await stat(out).catch(() => undefined))?.isDirectory()) return false;
    await link(entry, temporary);
    await rename(temporary, out);
    return true;
  } catch {
    await rm(temporary, { force: true });
    return false;
  }
}

/** `imprint-bench embed`: embed a data set split with a backbone and write reference-layout HDF5. */
export async function embedCommand(options: EmbedOptions, loader?: BackboneLoader): Promise<void> {
  if (options.split !== 'train' && options.split !== 'test') throw new ImprintError('INVALID_CONFIG', `--split must be train or test, got ${JSON.stringify(options.split)}`);
  const { limit, inputSize, workers } = options;
  const share = resolveShard(options.shard, options.shards === undefined ? {} : { shards: options.shards });
  if (share !== undefined && options.cache === false) throw new ImprintError('INVALID_CONFIG', '--shard embeds into the shared embedding cache; it cannot be combined with --no-cache');
  if (share === undefined && options.out === undefined) throw new ImprintError('INVALID_CONFIG', 'embed: --out FILE is required (optional only with --shard, where the cache is the output)');
  if (share !== undefined) process.stderr.write(`embed: ${describeShard(share)} of ${options.dataset} ${options.split} with ${options.backbone}\n`);
  let progress: Progress | undefined;
  const start = performance.now();
  const result = await embedDataset({
    dataset: options.dataset,
    split: options.split,
    backbone: options.backbone,
    ...(inputSize === undefined ? {} : { inputSize }),
    ...(limit === undefined ? {} : { limit }),
    ...(workers === undefined ? {} : { workers }),
    cache: options.cache !== false,
    ...(loader === undefined ? {} : { loader }),
    ...(share === undefined ? {} : { share }),
    onProgress: (done, total) => {
      progress ??= new Progress('embedding', total, 'images', start);
      progress.update(done);
    },
  });
  const seconds = (performance.now() - start) / 1000;
  const embedded = result.embeddedRows;
  const how = result.cached && embedded === 0 ? 'from cache' : `${embedded} rows embedded here, ${(embedded / seconds).toFixed(1)} img/s`;
  if (options.out === undefined) {
    process.stderr.write(`cache entry ${result.path ?? ''}: ${result.shape[0]} × ${result.shape[1]} (${how}, ${seconds.toFixed(1)} s)\n`);
    return;
  }
  const linked = result.path !== undefined && (await linkToCacheEntry(result.path, options.out));
  if (!linked) await writeEmbeddings(options.out, result);
  process.stderr.write(`wrote ${options.out}: ${result.shape[0]} × ${result.shape[1]} (${how}, ${seconds.toFixed(1)} s${linked ? '; a hard link to the cache entry, not a second copy' : ''})\n`);
}
