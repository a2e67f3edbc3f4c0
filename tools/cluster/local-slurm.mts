// A single-node Slurm cluster for tests, from Debian's packages (slurmctld, slurmd, munge,
// slurm-client): its own munge key and socket, slurm.conf, state and logs in a temporary folder,
// run as root. Installed with apt-get where missing (as root); otherwise the reason is returned.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, hostname, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';

export interface LocalSlurm {
  /** The folder with slurm.conf, state, spool and logs. */
  readonly dir: string;
  /** Environment for sbatch, squeue, scontrol (SLURM_CONF). */
  readonly env: Record<string, string>;
  /** Run a Slurm client command; throws with its output when it fails. */
  run(command: string, args: string[], options?: { env?: Record<string, string>; cwd?: string }): string;
  /** Stop the daemons and remove the folder. */
  stop(): void;
}

const PACKAGES = ['slurmctld', 'slurmd', 'munge', 'slurm-client'];
const BINARIES = ['/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/sbin/munged', '/usr/bin/sbatch', '/usr/bin/squeue', '/usr/bin/scontrol'];

function apt(args: string[]): boolean {
  return spawnSync('apt-get', args, { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 600_000 }).status === 0;
}

function installed(): boolean {
  return BINARIES.every((b) => existsSync(b));
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function pluginDir(): string | undefined {
  return ['/usr/lib/x86_64-linux-gnu/slurm-wlm', '/usr/lib/aarch64-linux-gnu/slurm-wlm', '/usr/lib64/slurm', '/usr/lib/slurm'].find((d) => existsSync(join(d, 'auth_munge.so')));
}

/** Start the cluster, or say why it cannot start here. */
export function startLocalSlurm(): LocalSlurm | { reason: string } {
  if (process.getuid?.() !== 0) return { reason: 'not root: the single-node Slurm of the tests runs its daemons as root (SlurmUser=root)' };
  if (!installed()) {
    if (spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) return { reason: `Slurm is not installed and there is no apt-get to install it (Debian packages: ${PACKAGES.join(' ')})` };
    process.stderr.write(`tests: installing Debian ${PACKAGES.join(' ')} with apt-get…\n`);
    if (!apt(['install', '-y', '-qq', '--no-install-recommends', ...PACKAGES])) {
      apt(['update', '-qq']);
      apt(['install', '-y', '-qq', '--no-install-recommends', ...PACKAGES]);
    }
    if (!installed()) return { reason: `apt-get could not install ${PACKAGES.join(' ')}` };
  }
  const plugins = pluginDir();
  if (plugins === undefined) return { reason: 'Slurm is installed but its plugin folder (auth_munge.so) was not found' };
  const dir = mkdtempSync(join(tmpdir(), 'imprint-slurm-'));
  for (const sub of ['state', 'spool', 'run', 'log', 'munge']) mkdirSync(join(dir, sub));
  const key = join(dir, 'munge', 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o600 });
  const socket = join(dir, 'munge', 'munge.socket');
  const munged = spawnSync('/usr/sbin/munged', ['-f', `--key-file=${key}`, `--socket=${socket}`, `--pid-file=${join(dir, 'munge', 'munged.pid')}`, `--log-file=${join(dir, 'munge', 'munged.log')}`, `--seed-file=${join(dir, 'munge', 'seed')}`], { encoding: 'utf8' });
  if (munged.status !== 0) return { reason: `munged did not start: ${munged.stderr.trim()}` };
  const node = hostname().split('.')[0]!;
  const memory = Math.max(1024, Math.floor(totalmem() / 2 ** 20) - 1024);
  const base = 20000 + Math.floor(Math.random() * 20000);
  const conf = join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    [
      'ClusterName=imprint-test',
      `SlurmctldHost=${node}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      'CredType=cred/munge',
      `AuthInfo=socket=${socket}`,
      `SlurmctldPort=${base}`,
      `SlurmdPort=${base + 1}`,
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'run', 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'run', 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core_Memory',
      'SchedulerType=sched/backfill',
      'SchedulerParameters=sched_interval=1',
      'JobRequeue=1',
      'ReturnToService=2',
      'MpiDefault=none',
      'MinJobAge=3600',
      `PluginDir=${plugins}`,
      `NodeName=${node} CPUs=${availableParallelism()} RealMemory=${memory} State=UNKNOWN`,
      'PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'),
  );
  const env = { SLURM_CONF: conf };
  const daemonEnv = { ...process.env, ...env };
  const stop = () => {
    for (const pidFile of [join(dir, 'run', 'slurmd.pid'), join(dir, 'run', 'slurmctld.pid'), join(dir, 'munge', 'munged.pid')]) {
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGTERM');
      } catch {
        // not running
      }
    }
    sleep(500);
    rmSync(dir, { recursive: true, force: true });
  };
  for (const [daemon, args] of [['/usr/sbin/slurmctld', ['-i']], ['/usr/sbin/slurmd', []]] as const) {
    const started = spawnSync(daemon, [...args], { encoding: 'utf8', env: daemonEnv });
    if (started.status !== 0) {
      const log = readFileSync(join(dir, 'log', daemon.endsWith('ctld') ? 'slurmctld.log' : 'slurmd.log'), 'utf8').split('\n').slice(-5).join(' | ');
      stop();
      return { reason: `${daemon} did not start (${started.stderr.trim()}): ${log}` };
    }
  }
  for (let waited = 0; ; waited += 250) {
    const state = spawnSync('/usr/bin/sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', env: daemonEnv }).stdout.trim();
    if (state === 'idle') break;
    if (waited > 60_000) {
      stop();
      return { reason: `the Slurm node did not come up within 60 s (state ${JSON.stringify(state)}); logs in ${dir}/log` };
    }
    sleep(250);
  }
  const run = (command: string, args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): string => {
    const result = spawnSync(command, args, { encoding: 'utf8', env: { ...(options.env ?? process.env), ...env }, ...(options.cwd === undefined ? {} : { cwd: options.cwd }) });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr.trim()} ${result.stdout.trim()}`);
    return result.stdout;
  };
  return { dir, env, run, stop };
}
