import { existsSync } from 'node:fs';
import { mkdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ImprintError } from '@imprint/core';
import { describeOwner, tryLock, type LockOwner } from './cache-lock.js';
import type { EmbeddingSet } from './embedding-set.js';
import { readHdf5Embeddings, writeHdf5Embeddings } from './hdf5.js';

/** This task's place among the tasks that embed one cache entry together: `index` of `count`. */
export interface EntryShare {
  readonly index: number;
  readonly count: number;
}

/** A cache entry to fill: where it goes and how its rows are embedded. */
export interface CacheEntryJob {
  readonly path: string;
  readonly rows: number;
  /** The embedder's batch size: parts start on batch boundaries, so every batch is the one-machine batch. */
  readonly batchSize: number;
  readonly describe: string;
  readonly log: (line: string) => void;
  readonly onProgress?: (done: number, total: number) => void;
  embedRows(start: number, rows: number, onProgress?: (done: number, total: number) => void): Promise<EmbeddingSet>;
}

export interface FilledEntry {
  readonly set: EmbeddingSet;
  /** Rows this process embedded. */
  readonly embeddedRows: number;
}

/** The most rows in one part of a shared entry (before rounding up to whole batches). */
export const PART_ROWS = 4096;

/**
 * Rows per part of an entry of `rows` rows shared by `count` tasks, in whole batches:
 * `IMPRINT_PART_ROWS` when set, else `rows / count` (so that every task has a part of every
 * entry, and none waits for another's whole entry) but at most `PART_ROWS`. Tasks that share an
 * entry agree on it (same count); tasks with another count or setting use other part files and
 * may embed rows twice, never wrongly.
 */
export function partRowsFor(rows: number, count: number, batchSize: number): number {
  const text = process.env.IMPRINT_PART_ROWS;
  let target: number;
  if (text !== undefined && text !== '') {
    target = Number(text);
    if (!Number.isInteger(target) || target < 1) throw new ImprintError('INVALID_CONFIG', `IMPRINT_PART_ROWS must be a positive integer (rows per part of a shared cache entry), got ${JSON.stringify(text)}`, { IMPRINT_PART_ROWS: text });
  } else {
    target = Math.min(PART_ROWS, Math.ceil(rows / count));
  }
  return batchSize * Math.max(1, Math.ceil(target / batchSize));
}
/** Seconds between looks at an entry that another process is filling. @default 2 */
function pollSeconds(): number {
  const value = Number(process.env.IMPRINT_LOCK_POLL_SECONDS);
  return Number.isFinite(value) && value > 0 ? value : 2;
}

/** Read a cache entry if it is there and sound; an unreadable one is reported, removed and `undefined`. */
export async function readCacheEntry(path: string, rows: number, log: (line: string) => void): Promise<EmbeddingSet | undefined> {
  if (!existsSync(path)) return undefined;
  try {
    const set = await readHdf5Embeddings(path);
    if (set.shape[0] !== rows) throw new ImprintError('BAD_FILE', `${path}: holds ${set.shape[0]} rows, expected ${rows}`, { path });
    return set;
  } catch (error) {
    log(`embedding cache: ${path} is unreadable (${(error as Error).message}); rebuilding it`);
    await rm(path, { force: true });
    return undefined;
  }
}

/** Says once per owner that this process waits, so a long wait is not silent. */
function waitingLogger(log: (line: string) => void): (what: string, owner: LockOwner | undefined) => void {
  const said = new Set<string>();
  return (what, owner) => {
    const key = `${what}|${owner?.host}|${owner?.pid}`;
    if (said.has(key)) return;
    said.add(key);
    log(`waiting for ${describeOwner(owner)}, which is embedding ${what}`);
  };
}

/**
 * Fill a cache entry in one go under its lock (`ENTRY.lock`). If another process holds the lock,
 * wait for its entry (or take the lock over when its owner is gone) instead of embedding it twice.
 */
export async function embedWholeEntry(job: CacheEntryJob): Promise<FilledEntry> {
  const waiting = waitingLogger(job.log);
  for (;;) {
    const attempt = tryLock(`${job.path}.lock`);
    if ('held' in attempt) {
      try {
        const done = await readCacheEntry(job.path, job.rows, job.log);
        if (done !== undefined) return { set: done, embeddedRows: 0 };
        job.log(`embedding ${job.rows} ${job.describe}`);
        const set = await job.embedRows(0, job.rows, job.onProgress);
        await writeHdf5Embeddings(job.path, set);
        return { set, embeddedRows: job.rows };
      } finally {
        attempt.held.release();
      }
    }
    waiting(job.path, attempt.heldBy);
    await sleep(pollSeconds() * 1000);
    const done = await readCacheEntry(job.path, job.rows, job.log);
    if (done !== undefined) return { set: done, embeddedRows: 0 };
  }
}

/**
 * Fill a cache entry together with other tasks. The entry is cut into parts (whole batches, see
 * `partRowsFor`); each
 * part is embedded under its own lock into `ENTRY.parts-R/part-P-of-N.h5` (written atomically). A
 * task takes its own parts first (`index`, `index + count`, …), then any part nobody holds, then
 * waits for the parts others hold, taking over those whose owner is gone; whoever finds every part
 * there joins them, under the entry's lock, into the entry, and removes the parts. The entry's rows
 * are the rows a single process would embed, batch for batch.
 */
export async function embedSharedEntry(job: CacheEntryJob, share: EntryShare): Promise<FilledEntry> {
  if (!Number.isInteger(share.count) || share.count < 1 || !Number.isInteger(share.index) || share.index < 0 || share.index >= share.count) {
    throw new ImprintError('INVALID_CONFIG', `share must be index/count with 0 ≤ index < count, got ${share.index}/${share.count}`, { share });
  }
  const partRows = partRowsFor(job.rows, share.count, job.batchSize);
  const parts = Math.max(1, Math.ceil(job.rows / partRows));
  const folder = `${job.path}.parts-${partRows}`;
  const partPath = (p: number) => join(folder, `part-${String(p).padStart(5, '0')}-of-${parts}.h5`);
  const own = Array.from({ length: parts }, (_, p) => p).filter((p) => p % share.count === share.index);
  // Then the others' parts, each task starting at a different place so that helpers spread out.
  const offset = Math.floor((share.index * parts) / share.count);
  const rest = Array.from({ length: parts }, (_, i) => (offset + i) % parts).filter((p) => p % share.count !== share.index);
  const order = [...own, ...rest];
  const waiting = waitingLogger(job.log);
  let embeddedRows = 0;
  const finish = async (set: EmbeddingSet): Promise<FilledEntry> => {
    await rmdir(folder).catch(() => undefined); // only if empty: a folder made again after the entry was joined
    return { set, embeddedRows };
  };
  for (;;) {
    const done = await readCacheEntry(job.path, job.rows, job.log);
    if (done !== undefined) return finish(done);
    await mkdir(folder, { recursive: true });
    let progressed = false;
    let complete = true;
    for (const p of order) {
      if (existsSync(partPath(p))) continue;
      complete = false;
      const attempt = tryLock(`${partPath(p)}.lock`);
      if (!('held' in attempt)) {
        waiting(`part ${p + 1} of ${parts} of ${job.path}`, attempt.heldBy);
        continue;
      }
      try {
        // Joined meanwhile, or this part finished by a process that held it until just now.
        if (existsSync(job.path)) break;
        if (existsSync(partPath(p))) continue;
        const start = p * partRows;
        const rows = Math.min(partRows, job.rows - start);
        job.log(`embedding part ${p + 1} of ${parts} (rows ${start}–${start + rows - 1}) of ${job.rows} ${job.describe}`);
        const set = await job.embedRows(start, rows, job.onProgress === undefined ? undefined : (n) => job.onProgress!(start + n, job.rows));
        await writeHdf5Embeddings(partPath(p), set);
        embeddedRows += rows;
        progressed = true;
      } finally {
        attempt.held.release();
      }
    }
    if (complete || order.every((p) => existsSync(partPath(p)))) {
      const joined = await joinParts(job, parts, partPath, folder, waiting);
      if (joined !== undefined) return finish(joined);
    }
    if (!progressed) await sleep(pollSeconds() * 1000);
  }
}

/** Join every part into the entry under its lock; `undefined` when another process is joining them. */
async function joinParts(job: CacheEntryJob, parts: number, partPath: (p: number) => string, folder: string, waiting: (what: string, owner: LockOwner | undefined) => void): Promise<EmbeddingSet | undefined> {
  const attempt = tryLock(`${job.path}.lock`);
  if (!('held' in attempt)) {
    waiting(`(joining the parts of) ${job.path}`, attempt.heldBy);
    return undefined;
  }
  try {
    const done = await readCacheEntry(job.path, job.rows, job.log);
    if (done !== undefined) return done;
    const sets: EmbeddingSet[] = [];
    for (let p = 0; p < parts; p++) sets.push(await readHdf5Embeddings(partPath(p)));
    const dim = sets[0]!.shape[1];
    const embeddings = new Float32Array(job.rows * dim);
    const labels = new Int32Array(job.rows);
    let row = 0;
    for (const [p, set] of sets.entries()) {
      if (set.shape[1] !== dim) throw new ImprintError('BAD_FILE', `${partPath(p)}: ${set.shape[1]} columns, but part 1 has ${dim}`, { path: partPath(p) });
      embeddings.set(set.embeddings, row * dim);
      labels.set(set.labels, row);
      row += set.shape[0];
    }
    if (row !== job.rows) throw new ImprintError('BAD_FILE', `${folder}: the parts hold ${row} rows, expected ${job.rows}`, { path: folder });
    const set: EmbeddingSet = { embeddings, shape: [job.rows, dim], labels };
    await writeHdf5Embeddings(job.path, set);
    await rm(folder, { recursive: true, force: true });
    return set;
  } finally {
    attempt.held.release();
  }
}
