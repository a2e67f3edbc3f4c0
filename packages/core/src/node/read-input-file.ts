import { readFileSync, statSync, type Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { ImprintError } from '../util/errors.js';
import { ioError } from './io-error.js';

/** What a path that is not a regular file is, in words. */
function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function notAFile(path: string, what: string, stats: Stats): ImprintError {
  return new ImprintError('BAD_FILE', `cannot read ${what} ${path}: it is ${kindOf(stats)}, not a regular file (give the file itself; pipes and devices are not read because they may never end)`, { path });
}

/**
 * Check that `path` is a regular file (symbolic links followed) before anything opens it: a FIFO
 * would block the open forever and `/dev/zero` would be read until memory runs out. Returns its
 * size. Fails with `BAD_FILE` naming the path and what it is.
 */
export async function assertRegularFile(path: string, what: string): Promise<number> {
  let stats: Stats;
  try {
    stats = await stat(path);
  } catch (error) {
    throw ioError(error, `read ${what}`, path, 'BAD_FILE');
  }
  if (!stats.isFile()) throw notAFile(path, what, stats);
  return stats.size;
}

/**
 * Read an input file whole — only a regular file (see {@link assertRegularFile}). System errors
 * become one `BAD_FILE` line: "cannot read embeddings x.npz: no such file or directory (ENOENT)".
 */
export async function readInputFile(path: string, what: string): Promise<Buffer> {
  await assertRegularFile(path, what);
  try {
    return await readFile(path);
  } catch (error) {
    throw ioError(error, `read ${what}`, path, 'BAD_FILE');
  }
}

/** {@link readInputFile}, synchronously. */
export function readInputFileSync(path: string, what: string): Buffer {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    throw ioError(error, `read ${what}`, path, 'BAD_FILE');
  }
  if (!stats.isFile()) throw notAFile(path, what, stats);
  try {
    return readFileSync(path);
  } catch (error) {
    throw ioError(error, `read ${what}`, path, 'BAD_FILE');
  }
}
