import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { ioError } from '@imprint/core/node';

/** Who holds a lock on a shared cache entry. */
export interface LockOwner {
  readonly host: string;
  readonly pid: number;
  readonly since: string;
}

export interface HeldLock {
  readonly path: string;
  release(): void;
}

export type LockAttempt = { readonly held: HeldLock } | { readonly heldBy: LockOwner | undefined };

/**
 * Seconds after which a lock whose owner stopped refreshing it counts as abandoned (its owner was
 * killed on another host, or its host went down). Owners refresh every quarter of this.
 * `IMPRINT_LOCK_STALE_SECONDS` sets it. @default 120
 */
export function lockStaleSeconds(): number {
  const text = process.env.IMPRINT_LOCK_STALE_SECONDS;
  const value = text === undefined ? Number.NaN : Number(text);
  return Number.isFinite(value) && value > 0 ? value : 120;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' && typeof owner.since === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}

function ageSeconds(path: string): number | undefined {
  try {
    return (Date.now() - statSync(path).mtimeMs) / 1000;
  } catch {
    return undefined;
  }
}

/** A lock nobody holds any more: its owner's process is gone from this host, or it was not refreshed in time. */
function isStale(path: string, owner: LockOwner | undefined): boolean {
  const age = ageSeconds(path);
  if (age === undefined) return false; // gone meanwhile: the next attempt creates it
  if (owner !== undefined && owner.host === hostname() && !alive(owner.pid)) return true;
  return age > lockStaleSeconds();
}

/**
 * Take a stale lock out of the way. The lock is renamed to a name of our own first, so that of two
 * processes taking it over at once only one moves it; if what was moved is not the stale lock
 * (another process took it over and locked again in between) it is put back.
 */
function removeStale(path: string, owner: LockOwner | undefined): void {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch {
    return;
  }
  const moved = readOwner(aside);
  const same = moved?.pid === owner?.pid && moved?.host === owner?.host && moved?.since === owner?.since;
  if (same) rmSync(aside, { force: true });
  else {
    try {
      renameSync(aside, path);
    } catch {
      rmSync(aside, { force: true });
    }
  }
}

/**
 * Try to lock a shared cache entry: `path` is created exclusively (O_EXCL, which NFS v3+ and
 * Lustre honour) holding this process's host, pid and start time, and refreshed (its modification
 * time) every quarter of `lockStaleSeconds()` while held. A lock whose owner is gone (a dead pid
 * on this host, or no refresh for `lockStaleSeconds()` from any host) is taken over. Returns the
 * held lock, or who holds it.
 */
export function tryLock(path: string): LockAttempt {
  const me: LockOwner = { host: hostname(), pid: process.pid, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(error, 'create the lock file', path);
      const owner = readOwner(path);
      if (!isStale(path, owner)) return { heldBy: owner };
      removeStale(path, owner);
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(me));
    } finally {
      closeSync(fd);
    }
    const heartbeat = setInterval(
      () => {
        try {
          const now = new Date();
          utimesSync(path, now, now);
        } catch {
          // taken over or removed: the owner finds out when it releases
        }
      },
      (lockStaleSeconds() * 1000) / 4,
    );
    heartbeat.unref();
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      const owner = readOwner(path);
      if (owner?.pid === me.pid && owner.host === me.host && owner.since === me.since) rmSync(path, { force: true });
      process.off('exit', release);
    };
    process.on('exit', release);
    return { held: { path, release } };
  }
  return { heldBy: readOwner(path) };
}

/** `host pid N since T`, for waiting messages. */
export function describeOwner(owner: LockOwner | undefined): string {
  return owner === undefined ? 'another process' : `pid ${owner.pid} on ${owner.host} (since ${owner.since})`;
}
