import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { ImprintError } from '@imprint/core';
import { ioError } from '@imprint/core/node';

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(lockPath: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(lockPath, 'utf8')) as LockOwner;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Claim a results file for this process: `RESULTS.lock` is created exclusively (O_EXCL) beside
 * it, holding the owner's pid and host. A second grid process on the same file fails at once
 * with `LOCKED` instead of computing every run a second time and doubling the lines. A lock left
 * by a process that no longer runs on this host is taken over. Returns the release function.
 */
export function lockResultsFile(resultsPath: string): () => void {
  const lockPath = `${resultsPath}.lock`;
  const me: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockPath, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(error, 'create the lock file', lockPath);
      const owner = readOwner(lockPath);
      if (owner !== undefined && owner.host === me.host && !alive(owner.pid)) {
        rmSync(lockPath, { force: true });
        continue;
      }
      const who = owner === undefined ? 'another process' : `another imprint-bench process (pid ${owner.pid} on ${owner.host}, since ${owner.since})`;
      throw new ImprintError(
        'LOCKED',
        `${resultsPath} is being written by ${who}; wait for it to finish, write to another --out, or split the grid with --shard i/n into one file per process. If no such process runs, delete ${lockPath}`,
        { path: resultsPath, lock: lockPath, ...(owner === undefined ? {} : { owner }) },
      );
    }
    try {
      writeSync(fd, JSON.stringify(me));
    } finally {
      closeSync(fd);
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      if (readOwner(lockPath)?.pid === me.pid) rmSync(lockPath, { force: true });
      process.off('exit', release);
    };
    // A normal exit (also after an uncaught error) removes the lock; a kill leaves a stale one,
    // which the next run on this host takes over.
    process.on('exit', release);
    return release;
  }
  throw new ImprintError('LOCKED', `could not claim ${lockPath}`, { path: resultsPath });
}
