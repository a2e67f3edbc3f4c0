import { writeEmbeddings, embedDataset } from '@imprint/eval';
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
  out: string;
  cache?: boolean;
}

/** `imprint-bench embed`: embed a data set split with a backbone and write reference-layout HDF5. */
export async function embedCommand(options: EmbedOptions, loader?: BackboneLoader): Promise<void> {
  if (options.split !== 'train' && options.split !== 'test') throw new ImprintError('INVALID_CONFIG', `--split must be train or test, got ${JSON.stringify(options.split)}`);
  const { limit, inputSize, workers } = options;
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
