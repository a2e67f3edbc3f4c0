import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImprintError } from '@imprint/core';
import { embedDataset, encodeNpy, parseNpy, readEmbeddings, writeEmbeddings, type EmbeddingSet } from '../index.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'imprint-files-'));
});

const sample: EmbeddingSet = {
  embeddings: Float32Array.from([0.1, -2, 3.5, 1e-7, 42, -0.25]),
  shape: [3, 2],
  labels: Int32Array.from([5, -1, 5]),
};

async function expectBadFile(promise: Promise<unknown>, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImprintError);
  expect((error as ImprintError).code).toBe('BAD_FILE');
  expect((error as ImprintError).message).toMatch(message);
}

async function writeRawHdf5(path: string, datasets: { name: string; data: Float32Array | Int32Array; shape: number[] }[]): Promise<void> {
  const h5wasm = await import('h5wasm/node');
  await h5wasm.ready;
  const file = new h5wasm.File(path, 'w');
  for (const d of datasets) file.create_dataset({ name: d.name, data: d.data, shape: d.shape });
  file.close();
}

describe('HDF5 embedding files (reference layout)', () => {
  it('round-trips embeddings and labels exactly', async () => {
    const path = join(dir, 'roundtrip.h5');
    await writeEmbeddings(path, sample);
    const read = await readEmbeddings(path);
    expect(read.shape).toEqual([3, 2]);
    expect(Array.from(read.embeddings)).toEqual(Array.from(sample.embeddings));
    expect(Array.from(read.labels)).toEqual([5, -1, 5]);
    expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('reads the committed example files', async () => {
    const train = await readEmbeddings(fileURLToPath(new URL('../../../../apps/benchmark/fixtures/example-train.h5', import.meta.url)));
    expect(train.shape).toEqual([120, 12]);
    expect(new Set(train.labels)).toEqual(new Set([0, 1, 2, 3]));
  });

  it('rejects a file that is not HDF5', async () => {
    const path = join(dir, 'fake.h5');
    await writeFile(path, 'just text, not HDF5');
    await expectBadFile(readEmbeddings(path), /fake\.h5: is not an HDF5 file/);
  });

  it('rejects a missing dataset, naming what it found', async () => {
    const path = join(dir, 'no-labels.h5');
    await writeRawHdf5(path, [{ name: 'embeddings', data: new Float32Array(4), shape: [2, 2] }]);
    await expectBadFile(readEmbeddings(path), /has no dataset "labels" \(found: embeddings\)/);
  });

  it('a read that libhdf5 fails (a damaged gzip chunk) is an error, never zeros as data', async () => {
    const h5wasm = (await import('h5wasm/node')).default;
    await h5wasm.ready;
    const dir = await mkdtemp(join(tmpdir(), 'imprint-h5-gz-'));
    const path = join(dir, 'gz.h5');
    const file = new h5wasm.File(path, 'w');
    file.create_dataset({ name: 'embeddings', data: new Float32Array(2000 * 16).map((_, i) => Math.sin(i)), shape: [2000, 16], dtype: '<f4', chunks: [500, 16], compression: 'gzip' } as never);
    file.create_dataset({ name: 'labels', data: new Int32Array(2000).map((_, i) => i % 3), shape: [2000], dtype: '<i4' });
    file.close();
    expect((await readEmbeddings(path)).shape).toEqual([2000, 16]);
    const bytes = await readFile(path);
    for (let i = 6000; i < 6400; i++) bytes[i] ^= 0xff; // inside the first compressed chunk
    await writeFile(path, bytes);
    await expect(readEmbeddings(path)).rejects.toThrow(/cannot be read as HDF5: filter returned failure during read/);
  });

  it('a written file goes into place only when it reads back exactly (a full disk leaves a short file h5wasm does not report)', async () => {
    const { verifyWritten } = await import('../hdf5.js');
    const dir = await mkdtemp(join(tmpdir(), 'imprint-h5-verify-'));
    const path = join(dir, 'set.h5');
    const set: EmbeddingSet = { embeddings: Float32Array.from([1, 2, 3, 4]), shape: [2, 2], labels: Int32Array.from([0, 1]) };
    await writeEmbeddings(path, set);
    await expect(verifyWritten(path, path, set)).resolves.toBeUndefined();
    await expect(verifyWritten(path, path, { ...set, embeddings: Float32Array.from([1, 2, 3, 5]) })).rejects.toThrow(/reads back different values \(is the disk full\?\)/);
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length >> 1)); // what a full disk leaves
    await expect(verifyWritten(path, path, set)).rejects.toThrow(/does not read back .*is the disk full\?/);
  });

  it('refuses a file altered on disk after it was written (its checksum attribute), and the cache rebuilds such an entry', async () => {
    const path = join(dir, 'altered.h5');
    const set: EmbeddingSet = { embeddings: Float32Array.from({ length: 64 }, (_, i) => i / 7), shape: [16, 4], labels: Int32Array.from({ length: 16 }, (_, i) => i % 3) };
    await writeEmbeddings(path, set);
    expect(Array.from((await readEmbeddings(path)).embeddings)).toEqual(Array.from(set.embeddings));
    const bytes = await readFile(path);
    const at = bytes.indexOf(Buffer.from(set.embeddings.buffer));
    expect(at).toBeGreaterThan(0);
    bytes.writeFloatLE(123.5, at + 4 * 10); // one value changed, the file still valid HDF5
    await writeFile(path, bytes);
    await expectBadFile(readEmbeddings(path), /altered.h5: does not hold what was written to it .* altered or damaged on disk/);

    const cacheDir = join(dir, 'altered-cache');
    const options = { dataset: 'mnist', split: 'test', backbone: 'pixels', inputSize: 8, limit: 40, workers: 1, cacheDir } as const;
    const first = await embedDataset({ ...options, log: () => undefined });
    const entry = await readFile(first.path!);
    const offset = entry.indexOf(Buffer.from(first.embeddings.buffer, first.embeddings.byteOffset, first.embeddings.byteLength));
    expect(offset).toBeGreaterThan(0);
    entry.writeFloatLE(-1, offset + 4 * 100);
    await writeFile(first.path!, entry);
    const lines: string[] = [];
    const again = await embedDataset({ ...options, log: (line) => lines.push(line) });
    expect(lines.join('\n')).toMatch(/is unreadable .* altered or damaged on disk.*; rebuilding it/);
    expect(again.cached).toBe(false);
    expect(Array.from(again.embeddings)).toEqual(Array.from(first.embeddings));
  });

  it('rejects wrong ranks', async () => {
    const flat = join(dir, 'rank1.h5');
    await writeRawHdf5(flat, [
      { name: 'embeddings', data: new Float32Array(4), shape: [4] },
      { name: 'labels', data: new Int32Array(4), shape: [4] },
    ]);
    await expectBadFile(readEmbeddings(flat), /dataset "embeddings" must have rank 2 \[n, d\], got shape \[4\]/);
    const labels2d = join(dir, 'labels2d.h5');
    await writeRawHdf5(labels2d, [
      { name: 'embeddings', data: new Float32Array(4), shape: [2, 2] },
      { name: 'labels', data: new Int32Array(4), shape: [2, 2] },
    ]);
    await expectBadFile(readEmbeddings(labels2d), /dataset "labels" must have rank 1/);
  });

  it('rejects a row count mismatch between embeddings and labels', async () => {
    const path = join(dir, 'mismatch.h5');
    await writeRawHdf5(path, [
      { name: 'embeddings', data: new Float32Array(6), shape: [3, 2] },
      { name: 'labels', data: new Int32Array(2), shape: [2] },
    ]);
    await expectBadFile(readEmbeddings(path), /embeddings have 3 rows but labels have 2 entries/);
  });

  it('rejects non-finite embeddings and refuses to write them', async () => {
    const path = join(dir, 'nan.h5');
    await writeRawHdf5(path, [
      { name: 'embeddings', data: Float32Array.from([1, Number.NaN]), shape: [1, 2] },
      { name: 'labels', data: Int32Array.from([0]), shape: [1] },
    ]);
    await expectBadFile(readEmbeddings(path), /contain NaN at row 0, column 1/);
    await expectBadFile(writeEmbeddings(join(dir, 'out.h5'), { ...sample, embeddings: Float32Array.from([1, 2, 3, 4, 5, Infinity]) }), /Infinity/);
  });

  it('checks large files through an engine kernel when given one, with the same errors', async () => {
    const rows = 1100;
    const dim = 1000; // 1.1 M values: large enough for the kernel
    const embeddings = new Float32Array(rows * dim);
    for (let i = 0; i < embeddings.length; i++) embeddings[i] = Math.cos(i);
    const labels = Int32Array.from({ length: rows }, (_, i) => i % 4);
    let calls = 0;
    const kernels = {
      rowSquaredNorms: ({ values, rows: n, dim: d }: { values: Float32Array; rows: number; dim: number }) => {
        calls++;
        const norms = new Float32Array(n);
        for (let i = 0; i < n * d; i++) norms[Math.floor(i / d)] += values[i] * values[i];
        return norms;
      },
    };
    for (const extension of ['npz', 'h5']) {
      const path = join(dir, `large.${extension}`);
      await writeEmbeddings(path, { embeddings, shape: [rows, dim], labels });
      const read = await readEmbeddings(path, { kernels });
      expect(read.shape).toEqual([rows, dim]);
      expect(Buffer.compare(Buffer.from(read.embeddings.buffer, read.embeddings.byteOffset, read.embeddings.byteLength), Buffer.from(embeddings.buffer)), 'embeddings read back bit for bit').toBe(0);
    }
    expect(calls).toBe(2);
    const poisoned = Float32Array.from(embeddings);
    poisoned[777 * dim + 3] = Number.NEGATIVE_INFINITY;
    const path = join(dir, 'poisoned.h5');
    await writeRawHdf5(path, [
      { name: 'embeddings', data: poisoned, shape: [rows, dim] },
      { name: 'labels', data: labels, shape: [rows] },
    ]);
    await expectBadFile(readEmbeddings(path, { kernels }), /contain -Infinity at row 777, column 3/);
    expect(calls).toBe(3);
  });

  it('rejects unknown extensions and missing files', async () => {
    await expectBadFile(readEmbeddings(join(dir, 'x.csv')), /unknown embedding file type ".csv"/);
    await expectBadFile(readEmbeddings(join(dir, 'missing.h5')), /cannot read embeddings .*missing\.h5: no such file or directory \(ENOENT\)/);
  });
});

describe('.npz / .npy embedding files', () => {
  it('round-trips through .npz', async () => {
    const path = join(dir, 'roundtrip.npz');
    await writeEmbeddings(path, sample);
    const read = await readEmbeddings(path);
    expect(read.shape).toEqual([3, 2]);
    expect(Array.from(read.embeddings)).toEqual(Array.from(sample.embeddings));
    expect(Array.from(read.labels)).toEqual([5, -1, 5]);
  });

  it.each(['numpy-int64-labels.npz', 'numpy-compressed-f8.npz', 'numpy-fortran.npz'])('reads %s written by numpy', async (name) => {
    const read = await readEmbeddings(fixture(name));
    expect(read.shape).toEqual([3, 4]);
    expect(Array.from(read.embeddings)).toEqual(Array.from({ length: 12 }, (_, i) => (i - 5.5) / 2));
    expect(Array.from(read.labels)).toEqual([3, 1, 3]);
  });

  it('reads zip64 archives (numpy writes zip64 records; here the end record defers to them)', async () => {
    const read = await readEmbeddings(fixture('numpy-zip64.npz'));
    expect(read.shape).toEqual([4, 3]);
    expect(Array.from(read.embeddings)).toEqual(Array.from({ length: 12 }, (_, i) => i / 4));
    expect(Array.from(read.labels)).toEqual([0, 1, 0, 2]);
  });

  it('reads stored float32 embeddings in place, without a copy of the file’s bytes', async () => {
    const path = join(dir, 'in-place.npz');
    await writeEmbeddings(path, sample);
    const read = await readEmbeddings(path);
    expect(read.embeddings.buffer.byteLength).toBeGreaterThan(read.embeddings.byteLength); // a view of the whole file
    expect(Array.from(read.embeddings)).toEqual(Array.from(sample.embeddings));
    const bytes = encodeNpy(sample.embeddings, [3, 2]);
    const shared = parseNpy(bytes, 'x', { share: true });
    expect((shared.data as Float32Array).buffer).toBe(bytes.buffer);
    expect((parseNpy(bytes).data as Float32Array).buffer).not.toBe(bytes.buffer); // a copy unless asked
    const unaligned = new Uint8Array(bytes.length + 1);
    unaligned.set(bytes, 1);
    expect(Array.from(parseNpy(unaligned.subarray(1), 'x', { share: true }).data as Float32Array)).toEqual(Array.from(sample.embeddings)); // copied when misaligned
  });

  it('rejects damaged archives with the reason', async () => {
    const path = join(dir, 'whole.npz');
    await writeEmbeddings(path, sample);
    const whole = new Uint8Array(await readFile(path));
    const truncated = join(dir, 'truncated.npz');
    await writeFile(truncated, whole.subarray(0, whole.length - 30));
    await expectBadFile(readEmbeddings(truncated), /is not a valid \.npz \(zip\) archive: it has no end-of-central-directory record/);
    const damaged = whole.slice();
    const central = Buffer.from(damaged).lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); // a central-directory entry's signature
    damaged[central] = 0;
    const damagedPath = join(dir, 'damaged.npz');
    await writeFile(damagedPath, damaged);
    await expectBadFile(readEmbeddings(damagedPath), /is not a valid \.npz \(zip\) archive: it has a damaged central directory/);
    const oversized = whole.slice();
    const firstCentral = Buffer.from(oversized).indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); // embeddings.npy's entry
    new DataView(oversized.buffer).setUint32(firstCentral + 20, whole.length * 2, true); // its compressed size, past the end
    const oversizedPath = join(dir, 'oversized.npz');
    await writeFile(oversizedPath, oversized);
    await expectBadFile(readEmbeddings(oversizedPath), /is not a valid \.npz \(zip\) archive: it is truncated: entry embeddings\.npy needs \d+ bytes, the file has \d+/);
  });

  it('rejects archives without labels or with the wrong rank', async () => {
    await expectBadFile(readEmbeddings(fixture('numpy-no-labels.npz')), /has no array "labels" \(found: embeddings\.npy\)/);
    await expectBadFile(readEmbeddings(fixture('numpy-rank3.npz')), /"embeddings" must have rank 2 \[n, d\], got shape \(3, 2, 2\)/);
    const path = join(dir, 'notzip.npz');
    await writeFile(path, 'not a zip');
    await expectBadFile(readEmbeddings(path), /is not a valid \.npz \(zip\) archive/);
  });

  it('encodes and parses .npy with 64-byte aligned headers', () => {
    const bytes = encodeNpy(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect((bytes.length - 24) % 64).toBe(0);
    const parsed = parseNpy(bytes);
    expect(parsed.shape).toEqual([2, 3]);
    expect(parsed.descr).toBe('<f4');
    expect(Array.from(parsed.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => parseNpy(new Uint8Array(20))).toThrow(/missing \\x93NUMPY magic/);
    expect(() => parseNpy(bytes.subarray(0, bytes.length - 4))).toThrow(/data truncated/);
  });
});
