import { checkInteger } from '@imprint/core';
import type { ImageBatchSource } from '@imprint/backbones';

/** A labelled image data set split, readable in batches. */
export interface ImageDataset extends ImageBatchSource {
  /** Name used in cache keys and reports, e.g. `mnist`. */
  readonly name: string;
  readonly split: 'train' | 'test';
  /** Label of every image, in source order. */
  readonly labels: Int32Array;
  /** Class names by label, when known. */
  readonly classNames?: readonly string[];
  /** Rows of the source that were malformed and skipped. */
  readonly skipped: number;
  /** What identifies the images beyond the name (a folder's files, sizes and times): part of cache keys. */
  readonly fingerprint?: string;
}

/** The first `limit` images of a data set (the source's order). */
export function limitDataset(dataset: ImageDataset, limit: number | undefined): ImageDataset {
  if (limit !== undefined) checkInteger(limit, 'limit (images to use)', { min: 1 });
  if (limit === undefined || limit >= dataset.count) return dataset;
  return {
    name: dataset.name,
    split: dataset.split,
    count: limit,
    height: dataset.height,
    width: dataset.width,
    channels: dataset.channels,
    labels: dataset.labels.subarray(0, limit),
    ...(dataset.classNames === undefined ? {} : { classNames: dataset.classNames }),
    skipped: dataset.skipped,
    ...(dataset.fingerprint === undefined ? {} : { fingerprint: dataset.fingerprint }),
    read: (start, count) => dataset.read(start, Math.min(count, limit - start)),
  };
}

/** Rows `start` … `start + count − 1` of a data set, as a data set of their own (for embedding in parts). */
export function sliceDataset(dataset: ImageDataset, start: number, count: number): ImageDataset {
  if (start === 0 && count === dataset.count) return dataset;
  if (start < 0 || count < 0 || start + count > dataset.count) throw new RangeError(`rows ${start}…${start + count - 1} are outside the ${dataset.count} rows of ${dataset.name}`);
  return {
    name: dataset.name,
    split: dataset.split,
    count,
    height: dataset.height,
    width: dataset.width,
    channels: dataset.channels,
    labels: dataset.labels.subarray(start, start + count),
    ...(dataset.classNames === undefined ? {} : { classNames: dataset.classNames }),
    skipped: dataset.skipped,
    ...(dataset.fingerprint === undefined ? {} : { fingerprint: dataset.fingerprint }),
    read: (from, n) => dataset.read(start + from, Math.min(n, count - from)),
  };
}
