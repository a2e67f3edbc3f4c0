export { startModuleWorker } from './module-worker.js';
export { ioError, isSystemError } from './io-error.js';
export { assertRegularFile, readInputFile, readInputFileSync } from './read-input-file.js';
import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ImprintError } from '../util/errors.js';
import type { Imprinter } from '../head/imprinter.js';
import type { Registry } from '../config/registry.js';
import { deserializeImprinter, serializeImprinter, type ReadHeadOptions } from '../head/serialization.js';
import { ioError } from './io-error.js';
import { readInputFile } from './read-input-file.js';

/**
 * Write `bytes` to `path` atomically: a temporary file beside it is written and flushed, then
 * renamed over `path`, so a crash leaves either the old file or the new one, never half of one.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw new ImprintError('IO', `cannot write ${path}: it is a directory, not a file (EISDIR)`, { path, errno: 'EISDIR' });
  try {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw ioError(error, 'write', path);
  }
}

/** The cache folder of this toolkit (embeddings, built ONNX models): `$IMPRINT_CACHE_DIR`, else `.imprint-cache` in the working directory. */
export function defaultCacheDir(): string {
  return resolve(process.env.IMPRINT_CACHE_DIR ?? '.imprint-cache');
}

/** Save a head to one file (see the format in `serializeImprinter`), atomically. */
export async function saveImprinter(head: Imprinter, path: string): Promise<void> {
  await writeFileAtomic(path, serializeImprinter(head));
}

/** Load a head saved by {@link saveImprinter}; corrupt or foreign files fail with `CORRUPT_FILE`, format-1 files with `UNVERIFIED_FILE` unless `allowUnverifiedManifest`. */
export async function loadImprinter(path: string, registry: Registry, options: ReadHeadOptions = {}): Promise<Imprinter> {
  return deserializeImprinter(await readInputFile(path, 'saved head'), registry, path, options);
}
