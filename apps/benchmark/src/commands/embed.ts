import { writeEmbeddings, embedDataset } from '@imprint/eval';
import { ImprintError } from '@imprint/core';
import { Progress } from '../progress.js';

export interface EmbedOptions {
  dataset: string;
  split: string;
  backbone: string;
  inputSize?: string;
  limit?: string;
  workers?: string;
  out: string;
  cache?: boolean;
}

function positive(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ImprintError('INVALID_CONFIG', `--${flag} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

/** `imprint-bench embed`: embed a data set split with a backbone and write reference-layout HDF5. */
export async function embedCommand(options: EmbedOptions): Promise<void> {
  if (options.split !== 'train' && options.split !== 'test') throw new ImprintError('INVALID_CONFIG', `--split must be train or test, got ${JSON.stringify(options.split)}`);
  const limit = positive('limit', options.limit);
  const inputSize = positive('input-size', options.inputSize);
  const workers = positive('workers', options.workers);
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
    onProgress: (done, total) => {
      progress ??= new Progress('embedding', total, 'images', start);
      progress.update(done);
    },
  });
  await writeEmbeddings(options.out, result);
  const seconds = (performance.now() - start) / 1000;
  process.stderr.write(
    `wrote ${options.out}: ${result.shape[0]} × ${result.shape[1]} (${result.cached ? 'from cache' : `${(result.shape[0] / seconds).toFixed(1)} img/s`}, ${seconds.toFixed(1)} s)\n`,
  );
}
