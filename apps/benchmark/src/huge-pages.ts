import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { isatty } from 'node:tty';

/** The glibc tunable (glibc ≥ 2.35) that makes `malloc` ask for transparent huge pages for its large mappings. */
export const HUGE_PAGES_TUNABLE = 'glibc.malloc.hugetlb=1';

/**
 * The transparent-huge-page mode of this Linux kernel (`always`, `madvise`, `never`), or
 * undefined where it cannot be read (not Linux, no THP).
 */
export function transparentHugePageMode(read: (path: string) => string = (path) => readFileSync(path, 'utf8')): string | undefined {
  try {
    return /\[(\w+)\]/.exec(read('/sys/kernel/mm/transparent_hugepage/enabled'))?.[1];
  } catch {
    return undefined;
  }
}

/**
 * The environment to start `imprint-bench` again with so that its large buffers (embedding
 * matrices of hundreds of MiB, their normalized copies, Gram and score matrices) are backed by
 * 2 MiB pages, or undefined when that would change nothing. Where THP is in `madvise` mode (the
 * Debian and Ubuntu default), only memory that asks gets huge pages: NumPy asks for its arrays,
 * Node's allocator does not, and first touching a fresh 300 MiB buffer then costs ≈ 0.9 s in
 * 4 KiB page faults against ≈ 0.2 s (measured here). Not relaunched: outside Linux, when THP is
 * `always` (already huge) or `never`/absent (nothing to gain), when the tunable is already set,
 * or when `IMPRINT_HUGE_PAGES=0`. Other C libraries (musl) ignore the variable.
 */
export function hugePagesRelaunchEnv(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, thpMode: string | undefined): NodeJS.ProcessEnv | undefined {
  if (platform !== 'linux' || thpMode !== 'madvise') return undefined;
  if (env.IMPRINT_HUGE_PAGES === '0') return undefined;
  if (env.GLIBC_TUNABLES?.includes('glibc.malloc.hugetlb') === true) return undefined;
  return { ...env, GLIBC_TUNABLES: [env.GLIBC_TUNABLES, HUGE_PAGES_TUNABLE].filter((part) => part !== undefined && part !== '').join(':') };
}

/** Signals passed on to the relaunched process (SIGINT only when it cannot have had it from the terminal too). */
const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR2'];

/**
 * Run this same command (by default: same Node, flags, script and arguments; stdio shared) in a
 * child process with `env`, passing signals on; resolves to the exit code to leave with. A child
 * killed by a signal makes this process die of the same signal, so callers (shells, Slurm,
 * Kubernetes) see what they would have seen without the relaunch (a signal Node ignores, such as
 * SIGPIPE, gives 128 + its number instead).
 */
export function relaunch(env: NodeJS.ProcessEnv, command = process.execPath, args = [...process.execArgv, ...process.argv.slice(1)]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    // (isatty, not process.stdin: that would open a stream on stdin, which the child reads)
    const interactive = isatty(0);
    const forward = (signal: NodeJS.Signals) => {
      // Ctrl-C at a terminal reaches the whole foreground process group, the child included.
      if (signal === 'SIGINT' && interactive) return;
      child.kill(signal);
    };
    for (const signal of FORWARDED) process.on(signal, forward);
    child.on('error', (error) => {
      for (const signal of FORWARDED) process.off(signal, forward);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      for (const s of FORWARDED) process.off(s, forward);
      if (signal !== null) {
        process.kill(process.pid, signal);
        resolve(128 + (constants.signals[signal] ?? 0));
        return;
      }
      resolve(code ?? 1);
    });
  });
}
