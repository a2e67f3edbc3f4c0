import { ImprintError } from '@imprint/core';
import { loadFashionMnist } from './fashion-mnist.js';
import type { ImageDataset } from './image-source.js';
import { loadImageFolder } from './image-folder.js';
import { loadMnist } from './mnist.js';

export const DATASET_NAMES = ['mnist', 'fashion_mnist'] as const;

/** Open a data set split by name: `mnist`, `fashion_mnist`, or `folder:PATH` (class sub-folders). */
export async function openDataset(name: string, split: 'train' | 'test'): Promise<ImageDataset> {
  if (name === 'mnist') return loadMnist(split);
  if (name === 'fashion_mnist' || name === 'fashion-mnist' || name === 'fashionmnist') return loadFashionMnist(split);
  if (name.startsWith('folder:')) return loadImageFolder(name.slice('folder:'.length), { split });
  throw new ImprintError('UNKNOWN_PLUGIN', `unknown data set "${name}"; available: ${DATASET_NAMES.join(', ')}, folder:PATH`, { name });
}
