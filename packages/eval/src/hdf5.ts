import fs, { realpathSync } from 'node:fs';
import { access, open, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ImprintError, crc32 } from '@imprint/core';
import { assertRegularFile, ioError } from '@imprint/core/node';
import type * as H5wasmNode from 'h5wasm/node';
import type { EmbeddingSet } from './embedding-set.js';
import { badFile } from './file-errors.js';
import { labelsFromFile } from './file-labels.js';
import { checkInputBytes } from './input-limit.js';
import { validateEmbeddingSet, type ReadEmbeddingsOptions } from './validate-set.js';

type H5Module = typeof H5wasmNode;
let h5: Promise<H5Module> | undefined;

/** h5wasm (with direct file-system access in Node), loaded on first use. */
async function loadH5wasm(): Promise<H5Module> {
  h5 ??= import('h5wasm/node').then(async (module) => {
    await module.ready;
    return module;
  });
  return h5;
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** HDF5 files start with a signature at byte 0, 512, 1024, 2048, … */
async function assertHdf5(path: string): Promise<void> {
  await assertRegularFile(path, 'embeddings');
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw badFile(path, `cannot be opened: ${(error as Error).message}`);
  }
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(8);
    for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
      await handle.read(buffer, 0, 8, offset);
      if (HDF5_SIGNATURE.every((b, i) => buffer[i] === b)) return;
      if (offset >= 1 << 20) break;
    }
    throw badFile(path, 'is not an HDF5 file (no HDF5 signature found)');
  } finally {
    await handle.close();
  }
}

function toFloat32(value: unknown): Float32Array | undefined {
  if (value instanceof Float32Array) return value;
  if (value instanceof Float64Array || value instanceof Int32Array || value instanceof Int16Array || value instanceof Uint8Array || value instanceof Int8Array || value instanceof Uint16Array || value instanceof Uint32Array) {
    return Float32Array.from(value);
  }
  return undefined;
}

/**
 * Read embeddings in the reference HDF5 layout: dataset `embeddings` (float, rank 2) and
 * dataset `labels` (integer, rank 1, one per row). Fails with `BAD_FILE` naming the problem:
 * not HDF5, a missing dataset, a wrong rank, a row-count mismatch, non-finite values.
 */
export async function readHdf5Embeddings(path: string, { kernels }: ReadEmbeddingsOptions = {}): Promise<EmbeddingSet> {
  await assertHdf5(path);
  const h5wasm = await loadH5wasm();
  // libhdf5 prints its error stack (≈45 lines of HDF5-DIAG) to stderr; keep it out of the user's
  // terminal and put its innermost message into the typed error instead.
  const { value, error, diagnostics } = withStderrCaptured(() => readOpened(h5wasm, path));
  if (value?.otherFiles.length) {
    // HDF5 external storage (or an external link) makes libhdf5 read raw bytes from whatever path
    // the file names — /etc/passwd as embeddings. Such files are refused, whatever they point to.
    throw badFile(path, `reads data from other files (${value.otherFiles.join(', ')}) through HDF5 external storage or external links, which are not read: copy the data into the file (h5repack, or h5py without external=)`);
  }
  // h5wasm does not throw when libhdf5 fails a read (a damaged compressed chunk, a failed Fletcher-32
  // checksum, a missing external file): it returns zeros or stale memory and libhdf5 reports the
  // failure on its error stack. Such values are never data.
  const reported = innermostHdf5Message(diagnostics);
  if (error === undefined && reported !== undefined) throw badFile(path, `cannot be read as HDF5: ${reported}`);
  if (error === undefined) return validateEmbeddingSet(value!.set, path, kernels);
  const cause = innermostHdf5Message(diagnostics);
  if (error instanceof ImprintError && cause === undefined) throw error;
  throw badFile(path, `cannot be read as HDF5: ${cause ?? (error as Error).message}`);
}

/**
 * Read the two datasets, recording every other file libhdf5 opens meanwhile (h5wasm reaches the
 * disk through Node's `fs.openSync`): external raw-data files and external links.
 */
function readOpened(h5wasm: H5Module, path: string): { set: EmbeddingSet; otherFiles: string[] } {
  const itself = realpathSync(path);
  const otherFiles = new Set<string>();
  const originalOpenSync = fs.openSync;
  fs.openSync = ((target: fs.PathLike, ...rest: unknown[]) => {
    const opened = String(target);
    let real = resolve(opened);
    try {
      real = realpathSync(opened);
    } catch {
      // a file that does not exist: libhdf5 reports it
    }
    if (real !== itself) otherFiles.add(opened);
    return (originalOpenSync as (...args: unknown[]) => number)(target, ...rest);
  }) as typeof fs.openSync;
  try {
    return { set: readDatasets(h5wasm, path), otherFiles: [...otherFiles] };
  } catch (error) {
    if (otherFiles.size > 0) return { set: undefined as never, otherFiles: [...otherFiles] };
    throw error;
  } finally {
    fs.openSync = originalOpenSync;
  }
}

function readDatasets(h5wasm: H5Module, path: string): EmbeddingSet {
  let file;
  try {
    file = new h5wasm.File(path, 'r');
  } catch (error) {
    throw badFile(path, `cannot be read as HDF5: ${(error as Error).message}`);
  }
  try {
    const keys = file.keys();
    for (const name of ['embeddings', 'labels']) {
      if (!keys.includes(name)) throw badFile(path, `has no dataset "${name}" (found: ${keys.join(', ') || 'nothing'}); the reference layout needs "embeddings" [n, d] and "labels" [n]`);
    }
    const embeddings = file.get('embeddings');
    const labels = file.get('labels');
    if (!(embeddings instanceof h5wasm.Dataset)) throw badFile(path, '"embeddings" is not a dataset');
    if (!(labels instanceof h5wasm.Dataset)) throw badFile(path, '"labels" is not a dataset');
    const shape = embeddings.shape ?? [];
    if (shape.length !== 2) throw badFile(path, `dataset "embeddings" must have rank 2 [n, d], got shape [${shape.join(', ')}]`);
    const labelShape = labels.shape ?? [];
    const labelsFlat = labelShape.length === 1 || (labelShape.length === 2 && labelShape[1] === 1);
    if (!labelsFlat) throw badFile(path, `dataset "labels" must have rank 1 [n], got shape [${labelShape.join(', ')}]`);
    // Declared sizes first: a small gzip-compressed file may declare gigabytes.
    const itemSize = Math.max(4, embeddings.metadata.size);
    checkInputBytes(path, shape[0] * shape[1] * itemSize + (labelShape[0] ?? 0) * Math.max(4, labels.metadata.size), 'its datasets');
    const values = toFloat32(embeddings.value);
    if (values === undefined) throw badFile(path, `dataset "embeddings" must hold numbers, got dtype ${String(embeddings.dtype)}`);
    const { labels: numbered, classNames } = labelsFromFile(labels.value, path);
    const set: EmbeddingSet = { embeddings: values, shape: [shape[0], shape[1]], labels: numbered, ...(classNames === undefined ? {} : { classNames }) };
    const written = embeddings.attrs[CHECKSUM_ATTRIBUTE]?.value;
    if (typeof written === 'string' && written !== contentChecksum(set)) {
      throw badFile(path, `does not hold what was written to it (its ${CHECKSUM_ATTRIBUTE} attribute is ${written}, its contents give ${contentChecksum(set)}): the file was altered or damaged on disk`);
    }
    return set;
  } catch (error) {
    if (error instanceof ImprintError) throw error;
    throw badFile(path, `cannot be read: ${(error as Error).message}`);
  } finally {
    file.close();
  }
}

/**
 * Run `body` with everything written to stderr collected instead of printed. libhdf5 writes
 * through h5wasm's raw file-system layer (`fs.writeSync` on descriptor 2), other code through
 * `process.stderr`; both are caught.
 */
/**
 * The attribute of "embeddings" in files this package writes: the CRC-32 of the embeddings' and
 * the labels' bytes (float32 and int32, little-endian). Files without it (other writers) are read
 * as they are; with it, a file altered or damaged on disk after it was written is refused.
 */
export const CHECKSUM_ATTRIBUTE = 'imprint_crc32';

function hex(value: number): string {
  return value.toString(16).padStart(8, '0');
}

function contentChecksum(set: EmbeddingSet): string {
  const bytes = (view: Float32Array | Int32Array) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  return `embeddings ${hex(crc32(bytes(set.embeddings)))} labels ${hex(crc32(bytes(set.labels)))}`;
}

function withStderrCaptured<T>(body: () => T): { value?: T; error?: unknown; diagnostics: string } {
  const chunks: string[] = [];
  const text = (chunk: unknown, offset?: number, length?: number) => {
    if (typeof chunk === 'string') return chunk;
    const bytes = chunk as Uint8Array;
    return Buffer.from(bytes.buffer, bytes.byteOffset + (offset ?? 0), length ?? bytes.byteLength - (offset ?? 0)).toString('utf8');
  };
  const originalWrite = process.stderr.write;
  const originalWriteSync = fs.writeSync;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    chunks.push(text(chunk));
    return true;
  }) as typeof process.stderr.write;
  fs.writeSync = ((fd: number, buffer: string | Uint8Array, offset?: number, length?: number, ...rest: unknown[]) => {
    if (fd !== 2) return (originalWriteSync as (...args: unknown[]) => number)(fd, buffer, offset, length, ...rest);
    const written = text(buffer, typeof buffer === 'string' ? undefined : offset, typeof buffer === 'string' ? undefined : length);
    chunks.push(written);
    return typeof buffer === 'string' ? Buffer.byteLength(buffer) : (length ?? buffer.byteLength - (offset ?? 0));
  }) as typeof fs.writeSync;
  try {
    return { value: body(), diagnostics: chunks.join('') };
  } catch (error) {
    return { error, diagnostics: chunks.join('') };
  } finally {
    process.stderr.write = originalWrite;
    fs.writeSync = originalWriteSync;
    // Anything that was not libhdf5's error stack still reaches the terminal.
    const rest = chunks.join('').split('\n').filter((line) => line !== '' && !/^(HDF5-DIAG|\s+#\d+:|\s+(major|minor):)/.test(line));
    if (rest.length > 0) originalWrite.call(process.stderr, `${rest.join('\n')}\n`);
  }
}

/** The message of the deepest frame of the first HDF5-DIAG error stack, e.g. "truncated file: eof = 3000, …". */
function innermostHdf5Message(diagnostics: string): string | undefined {
  const firstStack = diagnostics.split(/HDF5-DIAG[^\n]*\n/)[1];
  if (firstStack === undefined) return undefined;
  const frames = [...firstStack.matchAll(/#\d+:.* in [^(]+\(\): (.*)/g)];
  return frames.at(-1)?.[1].trim();
}

/**
 * Write embeddings in the reference HDF5 layout, atomically (temporary file, then rename).
 */
export async function verifyWritten(temporary: string, path: string, set: EmbeddingSet): Promise<void> {
  let back: EmbeddingSet;
  try {
    back = await readHdf5Embeddings(temporary);
  } catch (error) {
    throw new ImprintError('IO', `cannot write ${path}: the file written does not read back (${(error as Error).message}); is the disk full?`, { path });
  }
  const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const same = back.shape[0] === set.shape[0] && back.shape[1] === set.shape[1] && bytes(back.embeddings).equals(bytes(set.embeddings)) && bytes(back.labels).equals(bytes(Int32Array.from(set.labels)));
  if (!same) throw new ImprintError('IO', `cannot write ${path}: the file written reads back different values (is the disk full?)`, { path });
}

export async function writeHdf5Embeddings(path: string, set: EmbeddingSet): Promise<void> {
  validateEmbeddingSet(set, path);
  // A missing folder is said as the file system says it (libhdf5's text names the temporary file).
  await access(dirname(path)).catch((error: unknown) => {
    throw ioError(error, 'write', path);
  });
  const h5wasm = await loadH5wasm();
  const temporary = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    // libhdf5's error stack stays out of the terminal (see readHdf5Embeddings)
    const { error, diagnostics } = withStderrCaptured(() => {
      const file = new h5wasm.File(temporary, 'w');
      try {
        const embeddings = file.create_dataset({ name: 'embeddings', data: set.embeddings, shape: [set.shape[0], set.shape[1]], dtype: '<f4' });
        embeddings.create_attribute(CHECKSUM_ATTRIBUTE, contentChecksum(set));
        file.create_dataset({ name: 'labels', data: set.labels, shape: [set.labels.length], dtype: '<i4' });
      } finally {
        file.close();
      }
    });
    const cause = innermostHdf5Message(diagnostics);
    if (error !== undefined) throw cause === undefined ? error : new ImprintError('IO', `cannot write ${path}: ${cause}`, { path });
    if (cause !== undefined) throw new ImprintError('IO', `cannot write ${path}: ${cause}`, { path });
    // h5wasm ignores failed writes (a full disk leaves a short file that reads as zeros): the file
    // goes into place only when it reads back as exactly what was written.
    await verifyWritten(temporary, path, set);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw ioError(error, 'write', path);
  }
}
