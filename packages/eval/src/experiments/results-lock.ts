import { ImprintError } from '@imprint/core';
import { tryLock } from '../cache-lock.js';

/**
 * Claim a results file for this process: `RESULTS.lock` beside it (see `tryLock`: created
 * exclusively, holding the owner's host, pid and start, refreshed while held). A second grid
 * process on the same file fails at once with `LOCKED` instead of computing every run a second
 * time and doubling the lines. A lock whose owner is gone is taken over. Returns the release
 * function (also run at a normal exit; a kill leaves a stale lock, which the next run takes over).
 */
export function lockResultsFile(resultsPath: string): () => void {
  const lockPath = `${resultsPath}.lock`;
  const attempt = tryLock(lockPath);
  if ('held' in attempt) return attempt.held.release;
  const owner = attempt.heldBy;
  const who = owner === undefined ? 'another process' : `another imprint-bench process (pid ${owner.pid} on ${owner.host}, since ${owner.since})`;
  throw new ImprintError(
    'LOCKED',
    `${resultsPath} is being written by ${who}; wait for it to finish, write to another --out, or split the grid with --shard i/n into one file per process. If no such process runs, delete ${lockPath}`,
    { path: resultsPath, lock: lockPath, ...(owner === undefined ? {} : { owner }) },
  );
}
