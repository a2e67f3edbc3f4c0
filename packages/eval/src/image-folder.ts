import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { ImprintError } from '@imprint/core';
import { assertRegularFile, readInputFile } from '@imprint/core/node';
import type { ImageDataset } from './image-source.js';

const EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  /** RGBA, row-major. */
  readonly rgba: Uint8Array;
}

/** Most pixels an image may declare (50 megapixels: 200 MB decoded); larger ones are refused before decoding. */
export const MAX_IMAGE_PIXELS = 50_000_000;

/** A PNG's declared size, from its IHDR chunk (bytes 16–23), or undefined for a file too short to have one. */
function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 24) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Decode a PNG or JPEG file (pngjs / jpeg-js); anything else fails with BAD_FILE naming the file. */
export function decodeImage(bytes: Uint8Array, path: string): DecodedImage {
  const extension = extname(path).toLowerCase();
  const declared = extension === '.png' ? pngSize(bytes) : undefined;
  if (declared !== undefined && declared.width * declared.height > MAX_IMAGE_PIXELS) {
    throw new ImprintError('BAD_FILE', `${path}: declares ${declared.width} × ${declared.height} pixels, more than ${MAX_IMAGE_PIXELS / 1e6} megapixels; refused before decoding (resize it first)`, { path });
  }
  try {
    if (extension === '.png') {
      const png = PNG.sync.read(Buffer.from(bytes));
      return { width: png.width, height: png.height, rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    }
    if (extension === '.jpg' || extension === '.jpeg') {
      // jpeg-js refuses a declared size above the bound before allocating
      const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6, maxMemoryUsageInMB: 1024 });
      return { width: image.width, height: image.height, rgba: image.data };
    }
  } catch (error) {
    throw new ImprintError('BAD_FILE', `${path}: cannot be decoded as ${extension.slice(1).toUpperCase()}: ${(error as Error).message}`, { path });
  }
  throw new ImprintError('BAD_FILE', `${path}: unsupported image type "${extension}"; use PNG or JPEG`, { path });
}

/** `channels`-channel pixels of a decoded image, resized bilinearly to `height × width`. */
function toPixels(image: DecodedImage, height: number, width: number, channels: 1 | 3): Uint8Array {
  const pixels = image.width * image.height;
  const plain = new Uint8Array(pixels * channels);
  for (let i = 0; i < pixels; i++) {
    const r = image.rgba[4 * i];
    const g = image.rgba[4 * i + 1];
    const b = image.rgba[4 * i + 2];
    if (channels === 1) plain[i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    else plain.set([r, g, b], 3 * i);
  }
  if (image.width === width && image.height === height) return plain;
  const resized = tf.tidy(() => tf.image.resizeBilinear(tf.tensor3d(plain, [image.height, image.width, channels], 'int32'), [height, width]));
  const values = Uint8Array.from(resized.dataSync(), (v) => Math.max(0, Math.min(255, Math.round(v))));
  resized.dispose();
  return values;
}

export interface ImageFolderOptions {
  /** Resize every image to `size × size`; by default the first image's size is used. */
  size?: number;
  /** 1 (grayscale) or 3 (RGB). @default 3 */
  channels?: 1 | 3;
  /**
   * The split to read. A folder with `train/` and `test/` sub-folders (each with class
   * sub-folders) has both; a folder whose sub-folders are the classes has one split only, read as
   * `train` — asking it for `test` fails, instead of returning the train images again. @default 'train'
   */
  split?: 'train' | 'test';
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/**
 * The folder that holds a split's class sub-folders: `PATH/train` or `PATH/test` when the folder
 * has both, else PATH itself for `train` (a folder of class sub-folders is one split). Asking such
 * a folder for `test` is an error: it has no test images of its own.
 */
export async function imageFolderSplit(folder: string, split: 'train' | 'test'): Promise<string> {
  if ((await isDirectory(join(folder, 'train'))) && (await isDirectory(join(folder, 'test')))) return join(folder, split);
  if (split === 'train') return folder;
  throw new ImprintError(
    'INVALID_CONFIG',
    `folder:${folder} has no test split: its sub-folders are its classes, so its test images would be its train images. Arrange it as ${join(folder, 'train')}/<class>/… and ${join(folder, 'test')}/<class>/…, or embed a folder of held-out images with --split train as a data set of its own`,
    { path: folder },
  );
}

/** A fingerprint of the images of a folder (relative paths, sizes, modification times): replaced images give a new one. */
async function fingerprintOf(folder: string, files: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) {
    // Every image is checked to be a readable regular file before anything is embedded.
    await assertRegularFile(file, 'image');
    const info = await stat(file);
    hash.update(`${file.slice(folder.length)}\t${info.size}\t${info.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

/**
 * A folder of PNG/JPEG images with one sub-folder per class (class names sorted become labels
 * 0, 1, …). Images are decoded when read; a file that cannot be decoded fails with BAD_FILE.
 */
export async function loadImageFolder(root: string, { size, channels = 3, split = 'train' }: ImageFolderOptions = {}): Promise<ImageDataset> {
  let classNames: string[];
  let folder: string;
  try {
    folder = await imageFolderSplit(root, split);
    const entries = await readdir(folder, { withFileTypes: true });
    // Class folders that are symbolic links count as folders too.
    const flags = await Promise.all(entries.map(async (e) => e.isDirectory() || (e.isSymbolicLink() && (await isDirectory(join(folder, e.name))))));
    classNames = entries.filter((_, i) => flags[i]).map((e) => e.name).sort();
  } catch (error) {
    if (error instanceof ImprintError) throw error;
    throw new ImprintError('BAD_FILE', `${root}: cannot be read as an image folder: ${(error as Error).message}`, { path: root });
  }
  const files: string[] = [];
  const labels: number[] = [];
  for (const [label, name] of classNames.entries()) {
    const entries = (await readdir(join(folder, name))).filter((f) => EXTENSIONS.has(extname(f).toLowerCase())).sort();
    for (const file of entries) {
      files.push(join(folder, name, file));
      labels.push(label);
    }
  }
  if (files.length === 0) throw new ImprintError('BAD_FILE', `${folder}: no PNG or JPEG images in class sub-folders`, { path: folder });
  const fingerprint = await fingerprintOf(folder, files);
  const first = decodeImage(await readInputFile(files[0], 'image'), files[0]);
  const height = size ?? first.height;
  const width = size ?? first.width;
  return {
    name: `folder:${root}`,
    split,
    fingerprint,
    count: files.length,
    height,
    width,
    channels,
    labels: Int32Array.from(labels),
    classNames,
    skipped: 0,
    async read(start, n) {
      const out = new Uint8Array(n * height * width * channels);
      for (let i = 0; i < n; i++) {
        const path = files[start + i];
        out.set(toPixels(decodeImage(await readInputFile(path, 'image'), path), height, width, channels), i * height * width * channels);
      }
      return out;
    },
  };
}
