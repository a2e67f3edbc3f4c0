import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HUGE_PAGES_TUNABLE, hugePagesRelaunchEnv, relaunch, transparentHugePageMode } from '../huge-pages.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..', '..');

describe('huge pages for imprint-bench (a relaunch with glibc.malloc.hugetlb=1)', () => {
  it('relaunches only on Linux with THP in madvise mode, keeps other tunables, and can be switched off', () => {
    const env = { PATH: '/bin' };
    expect(hugePagesRelaunchEnv(env, 'linux', 'madvise')).toEqual({ PATH: '/bin', GLIBC_TUNABLES: HUGE_PAGES_TUNABLE });
    expect(hugePagesRelaunchEnv({ ...env, GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, 'linux', 'madvise')?.GLIBC_TUNABLES).toBe(`glibc.malloc.arena_max=2:${HUGE_PAGES_TUNABLE}`);
    expect(hugePagesRelaunchEnv({ ...env, GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }, 'linux', 'madvise')).toBeUndefined(); // the user's own choice
    expect(hugePagesRelaunchEnv({ ...env, GLIBC_TUNABLES: HUGE_PAGES_TUNABLE }, 'linux', 'madvise')).toBeUndefined(); // already relaunched
    expect(hugePagesRelaunchEnv({ ...env, IMPRINT_HUGE_PAGES: '0' }, 'linux', 'madvise')).toBeUndefined();
    expect(hugePagesRelaunchEnv(env, 'linux', 'always')).toBeUndefined();
    expect(hugePagesRelaunchEnv(env, 'linux', 'never')).toBeUndefined();
    expect(hugePagesRelaunchEnv(env, 'linux', undefined)).toBeUndefined();
    expect(hugePagesRelaunchEnv(env, 'darwin', 'madvise')).toBeUndefined();
  });

  it('reads the kernel’s THP mode from sysfs (the bracketed word), undefined where there is none', () => {
    expect(transparentHugePageMode(() => 'always [madvise] never\n')).toBe('madvise');
    expect(transparentHugePageMode(() => '[always] madvise never\n')).toBe('always');
    expect(transparentHugePageMode(() => 'garbage')).toBeUndefined();
    expect(
      transparentHugePageMode(() => {
        throw new Error('ENOENT');
      }),
    ).toBeUndefined();
  });

  it('the relaunched process gets the environment and its exit code comes back', async () => {
    const code = await relaunch({ ...process.env, GLIBC_TUNABLES: HUGE_PAGES_TUNABLE }, process.execPath, ['-e', `process.exit(process.env.GLIBC_TUNABLES === ${JSON.stringify(HUGE_PAGES_TUNABLE)} ? 7 : 1)`]);
    expect(code).toBe(7);
    await expect(relaunch(process.env, join(ROOT, 'no-such-node'), [])).rejects.toThrow(/ENOENT/);
  });

  it('imprint-bench answers the same, exit code and output, relaunched or not', () => {
    const bin = ['--conditions=@imprint/source', '--import', join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs'), join(ROOT, 'apps', 'benchmark', 'src', 'bin.ts')];
    const run = (extra: NodeJS.ProcessEnv) => spawnSync(process.execPath, [...bin, 'run', '--train', join(ROOT, 'no-such-file.npz'), '--test', join(ROOT, 'no-such-file.npz'), '--preset', 'qi2018'], { env: { ...process.env, ...extra }, encoding: 'utf8' });
    const plain = run({ IMPRINT_HUGE_PAGES: '0' });
    const maybeRelaunched = run({});
    expect(plain.status).not.toBe(0);
    expect(maybeRelaunched.status).toBe(plain.status);
    expect(maybeRelaunched.stderr).toBe(plain.stderr);
    expect(maybeRelaunched.stdout).toBe(plain.stdout);
    expect(plain.stderr).toMatch(/no-such-file\.npz/);
  });
});
