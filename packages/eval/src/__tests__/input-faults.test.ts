import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ImprintError } from '@imprint/core';
import { alignClassNames, encodeNpy, loadImageFolder, parseNpy, readDataFile, readEmbeddings, writeEmbeddings, type EmbeddingSet } from '../index.js';

// Files that lie about themselves, are damaged, or are not files at all: each is refused with one
// BAD_FILE line naming the file and the fault — never read as data, never a raw JavaScript error,
// never a hang or an allocation the file's size does not justify.

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'imprint-faults-'));
});
afterEach(() => {
  delete process.env.IMPRINT_MAX_INPUT_BYTES;
});

const sample: EmbeddingSet = { embeddings: Float32Array.from({ length: 64 * 8 }, (_, i) => Math.sin(i)), shape: [64, 8], labels: Int32Array.from({ length: 64 }, (_, i) => i % 4) };

async function refused(path: string, message: RegExp): Promise<void> {
  const error = await readEmbeddings(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `${path} was read`).toBeInstanceOf(ImprintError);
  expect((error as ImprintError).code).toBe('BAD_FILE');
  expect((error as ImprintError).message).toContain(path);
  expect((error as ImprintError).message).toMatch(message);
}

/** A `.npy` file with a header written by hand (what other writers, or forgers, may produce). */
function npy(header: string, data: Uint8Array): Uint8Array {
  const padded = header + ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + padded.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, padded.length, true);
  out.set(new TextEncoder().encode(padded), 10);
  out.set(data, 10 + padded.length);
  return out;
}

const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const labelsNpy = encodeNpy(sample.labels, [64]);

async function npz(name: string, entries: Record<string, Uint8Array>, level: 0 | 9 = 0): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, zipSync(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, [v, { level }]]))));
  return path;
}

describe('.npz archives are checked as numpy checks them', () => {
  it('refuses an entry whose bytes fail its CRC-32 (a stored array altered on disk is never read as data)', async () => {
    const path = join(dir, 'flipped.npz');
    await writeEmbeddings(path, sample);
    const bytes = new Uint8Array(await readFile(path));
    bytes[200] ^= 0x40; // inside the stored float32 embeddings
    await writeFile(path, bytes);
    await refused(path, /damaged entry embeddings\.npy: its CRC-32 is [0-9a-f]{8}, the archive records [0-9a-f]{8}/);
  });

  it('refuses a damaged deflate stream and a deflated entry that inflates to other than its declared size', async () => {
    const good = await npz('deflated.npz', { 'embeddings.npy': encodeNpy(sample.embeddings, [64, 8]), 'labels.npy': labelsNpy }, 9);
    const whole = new Uint8Array(await readFile(good));
    const damaged = whole.slice();
    for (let i = 120; i < 160; i++) damaged[i] ^= 0x5a; // inside embeddings.npy's deflate stream
    await writeFile(join(dir, 'damaged-deflate.npz'), damaged);
    await refused(join(dir, 'damaged-deflate.npz'), /damaged entry embeddings\.npy: (its deflate stream is damaged|it inflates to|its CRC-32)/);
    // The central directory declares 100 bytes more than the stream holds: caught from the header, before inflating.
    const short = whole.slice();
    const central = Buffer.from(short).indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const view = new DataView(short.buffer);
    view.setUint32(central + 24, view.getUint32(central + 24, true) + 100, true);
    await writeFile(join(dir, 'short.npz'), short);
    await refused(join(dir, 'short.npz'), /array "embeddings" declares shape \(64, 8\) of <f4 \(2176 bytes with its header\), but the archive declares 2276 bytes/);
  });

  it('refuses forged zip64 sizes with a line, not "Invalid typed array length" or a DataView error', async () => {
    const whole = new Uint8Array(await readFile(fixture('numpy-zip64.npz')));
    const centralAt = Buffer.from(whole).indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const view = new DataView(whole.buffer);
    const nameLength = view.getUint16(centralAt + 28, true);
    const extraAt = centralAt + 46 + nameLength;
    expect(view.getUint16(extraAt, true)).toBe(1); // numpy's zip64 extra field
    // 1. an uncompressed size of 2^40 bytes in the zip64 field
    const huge = whole.slice();
    new DataView(huge.buffer).setBigUint64(extraAt + 4, 2n ** 40n, true);
    await writeFile(join(dir, 'zip64-huge.npz'), huge);
    await refused(join(dir, 'zip64-huge.npz'), /declares \d+ bytes (in|from) \d+/);
    // 2. a zip64 field shorter than the sizes it must hold
    const cut = whole.slice();
    new DataView(cut.buffer).setUint16(extraAt + 2, 4, true);
    await writeFile(join(dir, 'zip64-cut.npz'), cut);
    await refused(join(dir, 'zip64-cut.npz'), /damaged zip64 extra field|damaged central directory|points outside the file/);
    // 3. a central-directory offset far past the end of the file
    const far = whole.slice();
    const eocd = Buffer.from(far).lastIndexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06]));
    new DataView(far.buffer).setBigUint64(eocd + 48, 2n ** 40n, true);
    await writeFile(join(dir, 'zip64-far.npz'), far);
    await refused(join(dir, 'zip64-far.npz'), /damaged central directory|points outside the file/);
  });

  it('reads a header whose key is given twice as numpy does (the last value), and refuses headers numpy refuses', async () => {
    const data = bytesOf(sample.embeddings);
    const twice = await npz('descr-twice.npz', { 'embeddings.npy': npy("{'descr': '<f8', 'descr': '<f4', 'fortran_order': False, 'shape': (64, 8), }", data), 'labels.npy': labelsNpy });
    expect(Array.from((await readEmbeddings(twice)).embeddings)).toEqual(Array.from(sample.embeddings));
    const extra = await npz('extra-key.npz', { 'embeddings.npy': npy("{'descr': '<f4', 'fortran_order': False, 'shape': (64, 8), 'offset': 16}", data), 'labels.npy': labelsNpy });
    await refused(extra, /its keys are descr, fortran_order, offset, shape; a \.npy header has exactly descr, fortran_order and shape/);
    const structured = await npz('structured.npz', { 'embeddings.npy': npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (64, 8), }", data), 'labels.npy': labelsNpy });
    await refused(structured, /structured array/);
    const garbage = await npz('garbage-header.npz', { 'embeddings.npy': npy("{'descr': '<f4', 'fortran_order': False, 'shape': (64, 8), __import__('os')}", data), 'labels.npy': labelsNpy });
    await refused(garbage, /malformed \.npy header/);
  });

  it('refuses an array whose header disagrees with the entry size, and a bomb before inflating it', async () => {
    const lying = await npz('lying-shape.npz', { 'embeddings.npy': npy("{'descr': '<f4', 'fortran_order': False, 'shape': (6400, 8), }", bytesOf(sample.embeddings)), 'labels.npy': labelsNpy });
    await refused(lying, /array "embeddings" declares shape \(6400, 8\) of <f4 .* but the archive declares \d+ bytes/);
    // 16 MiB of zeros deflate to a few kilobytes; a limit of 4 MiB refuses them from the header alone.
    const zeros = encodeNpy(new Float32Array(4 * 2 ** 20), [2 ** 16, 64]);
    const bomb = await npz('bomb.npz', { 'embeddings.npy': zeros, 'labels.npy': encodeNpy(new Int32Array(2 ** 16), [2 ** 16]) }, 9);
    expect((await readFile(bomb)).byteLength).toBeLessThan(100_000);
    process.env.IMPRINT_MAX_INPUT_BYTES = String(4 * 2 ** 20);
    await refused(bomb, /its arrays would take 16\.3 MiB .* more than the 4\.0 MiB allowed \(IMPRINT_MAX_INPUT_BYTES/);
    process.env.IMPRINT_MAX_INPUT_BYTES = 'lots';
    await expect(readEmbeddings(bomb)).rejects.toThrow(/IMPRINT_MAX_INPUT_BYTES must be a positive whole number of bytes, got "lots"/);
  });
});

describe('string labels in .npz (class names)', () => {
  it('reads U (UTF-32) and S (bytes) labels as class names numbered in sorted order, as np.unique numbers them', async () => {
    const names = ['cup', 'plate', 'cup', 'bowl'];
    const unicode = new Uint8Array(4 * 5 * 4);
    const dv = new DataView(unicode.buffer);
    names.forEach((name, i) => [...name].forEach((c, j) => dv.setUint32((i * 5 + j) * 4, c.codePointAt(0)!, true)));
    const ascii = new Uint8Array(4 * 5);
    names.forEach((name, i) => ascii.set(new TextEncoder().encode(name), i * 5));
    const embeddings = encodeNpy(sample.embeddings.subarray(0, 32), [4, 8]);
    for (const [name, labels] of [
      ['u-labels.npz', npy("{'descr': '<U5', 'fortran_order': False, 'shape': (4,), }", unicode)],
      ['s-labels.npz', npy("{'descr': '|S5', 'fortran_order': False, 'shape': (4,), }", ascii)],
    ] as const) {
      const set = await readEmbeddings(await npz(name, { 'embeddings.npy': embeddings, 'labels.npy': labels }));
      expect(set.classNames).toEqual(['bowl', 'cup', 'plate']);
      expect(Array.from(set.labels)).toEqual([1, 2, 1, 0]);
    }
    expect(parseNpy(npy("{'descr': '<U5', 'fortran_order': False, 'shape': (4,), }", unicode)).data).toEqual(names);
    const pickled = await npz('object-labels.npz', { 'embeddings.npy': embeddings, 'labels.npy': npy("{'descr': '|O', 'fortran_order': False, 'shape': (4,), }", new Uint8Array(32)) });
    // A test file without "bowl" numbers cup 0 and plate 1; aligned, they take the train file's numbers.
    const train: EmbeddingSet = { embeddings: new Float32Array(3), shape: [3, 1], labels: Int32Array.from([0, 1, 2]), classNames: ['bowl', 'cup', 'plate'] };
    const test: EmbeddingSet = { embeddings: new Float32Array(3), shape: [3, 1], labels: Int32Array.from([1, 0, 2]), classNames: ['cup', 'plate', 'spoon'] };
    const aligned = alignClassNames(train, test, { train: 'train.npz', test: 'test.npz' });
    expect(Array.from(aligned.labels)).toEqual([2, 1, 3]);
    expect(aligned.classNames).toEqual(['bowl', 'cup', 'plate', 'spoon']);
    expect(() => alignClassNames(train, { ...test, classNames: undefined }, { train: 'train.npz', test: 'test.npz' })).toThrow(/train\.npz labels its rows with class names \(strings\), test\.npz with integers/);
    await refused(pickled, /holds Python objects \(dtype object, pickled\).*labels\.astype\(str\)/);
  });
});

describe('HDF5 files (written by h5py) that point elsewhere or declare too much', () => {
  it('refuses external storage: a dataset whose raw data is /etc/passwd is never read as embeddings', async () => {
    await refused(fixture('hdf5-external-etc-passwd.h5'), /reads data from other files \(\/etc\/passwd\) through HDF5 external storage/);
    // a relative external file that does not exist beside the working directory: still refused, never zeros
    await refused(fixture('hdf5-external-storage.h5'), /external/);
  });

  it('refuses a gzip dataset declaring more than the input limit before inflating it', async () => {
    expect((await readEmbeddings(fixture('hdf5-gzip-bomb.h5'))).shape).toEqual([65536, 64]);
    process.env.IMPRINT_MAX_INPUT_BYTES = String(4 * 2 ** 20);
    await refused(fixture('hdf5-gzip-bomb.h5'), /its datasets would take 16\.3 MiB \(17039360 bytes\) in memory, more than the 4\.0 MiB allowed \(IMPRINT_MAX_INPUT_BYTES/);
  });

  it('reads variable-length string labels as class names', async () => {
    const set = await readEmbeddings(fixture('hdf5-string-labels.h5'));
    expect(set.classNames).toEqual(['bowl', 'cup', 'plate']);
    expect(Array.from(set.labels)).toEqual([1, 2, 1, 0]);
  });
});

describe('paths that are not regular files are refused before they are opened', () => {
  it('a FIFO (which would block forever) and a character device (/dev/zero, which never ends)', async () => {
    const fifo = join(dir, 'pipe.npz');
    execFileSync('mkfifo', [fifo]);
    await refused(fifo, /it is a FIFO \(named pipe\), not a regular file/);
    const fifoH5 = join(dir, 'pipe.h5');
    execFileSync('mkfifo', [fifoH5]);
    await refused(fifoH5, /it is a FIFO \(named pipe\), not a regular file/);
    const zero = join(dir, 'zero.npz');
    await symlink('/dev/zero', zero);
    await refused(zero, /it is a character device, not a regular file/);
  });

  it('an image folder holding a directory or a symbolic-link loop where an image should be: BAD_FILE naming it, before anything is embedded', async () => {
    for (const [name, make, message] of [
      ['dir.png', (path: string) => mkdir(path), /cannot read image .*dir\.png: it is a directory, not a regular file/],
      ['loop.png', (path: string) => symlink('loop.png', path), /cannot read image .*loop\.png: a loop of symbolic links \(ELOOP\)/],
    ] as const) {
      const root = await mkdtemp(join(dir, 'folder-'));
      await mkdir(join(root, 'cats'));
      await make(join(root, 'cats', name));
      await expect(loadImageFolder(root)).rejects.toMatchObject({ code: 'BAD_FILE', message: expect.stringMatching(message) });
    }
  });

  it('a JSON or YAML file nested 100 000 levels deep is one BAD_FILE line, not a stack overflow', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    for (const [name, text] of [
      ['deep.json', `[{"gen": "mean", "meta": ${deep}}]`],
      ['deep.yaml', `methods:\n  - {gen: mean, meta: ${deep}}\n`],
    ] as const) {
      await writeFile(join(dir, name), text);
      await expect(readDataFile(join(dir, name), 'configs file')).rejects.toMatchObject({ code: 'BAD_FILE', message: expect.stringMatching(/configs file nests lists and objects 10000[12] levels deep; at most 64 are read/) });
    }
    // strings holding brackets do not count
    await writeFile(join(dir, 'strings.json'), JSON.stringify({ name: '['.repeat(500), list: [[1]] }));
    expect(await readDataFile(join(dir, 'strings.json'), 'configs file')).toMatchObject({ list: [[1]] });
  });
});
