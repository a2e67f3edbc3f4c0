// deploy/slurm on a real (single-node) Slurm: an embedding array and a grid array with
// `--shard auto` on one shared cache, a task requeued mid-run, the dependent merge and report;
// compared with the same grid run on one machine. Skips, saying why, where Slurm cannot start.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { readHdf5Embeddings, readResults } from '@imprint/eval';
import { startLocalSlurm, type LocalSlurm } from '../../../../tools/cluster/local-slurm.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..', '..', '..');
const started = startLocalSlurm();
const skipReason = 'reason' in started ? started.reason : undefined;
if (skipReason !== undefined) process.stderr.write(`deploy/slurm tests skipped: ${skipReason}\n`);

/** The CLI from source (as `pnpm imprint-bench` runs it), callable from any folder. */
const BENCH = `${process.execPath} --conditions=@imprint/source --import ${join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')} ${join(ROOT, 'apps', 'benchmark', 'src', 'bin.ts')}`;

const GRID = [
  'backbones: [pixels]',
  'datasets: [mnist, fashion_mnist]',
  'splits: [all, even, odd, short]',
  'seeds: [0, 1]',
  'trainLimit: 2000',
  'testLimit: 1000',
  'methods: [qi2018, janson2022, leastSquaresOracle, {preset: imprintKmeans, k: 5}, {preset: imprintKmeans, k: 20}]',
].join('\n');

interface TaskState {
  readonly id: string;
  readonly state: string;
  readonly exit: string;
  readonly restarts: number;
}

describe.skipIf(skipReason !== undefined)('deploy/slurm on a single-node Slurm cluster', () => {
  const slurm = started as LocalSlurm;
  afterAll(() => slurm.stop());

  /** A clean environment for the jobs (sbatch --export=ALL passes it on). */
  function jobEnv(work: string): Record<string, string> {
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? work,
      LANG: 'C.UTF-8',
      IMPRINT_BENCH: BENCH,
      IMPRINT_SLURM_DIR: join(ROOT, 'deploy', 'slurm'),
      IMPRINT_CACHE_DIR: join(work, 'cache'),
      IMPRINT_PART_ROWS: '512', // 2000 train rows in 4 parts, 1000 test rows in 2
      IMPRINT_LOCK_POLL_SECONDS: '0.5',
    };
  }

  function sbatch(work: string, args: string[]): string {
    return slurm.run('sbatch', ['--parsable', `--chdir=${work}`, '--cpus-per-task=1', '--mem=3G', ...args], { env: jobEnv(work) }).trim().split(';')[0]!;
  }

  function tasks(job: string): TaskState[] {
    return slurm
      .run('scontrol', ['show', 'job', '-o', job])
      .trim()
      .split('\n')
      .map((line) => ({
        id: /JobId=(\d+)/.exec(line)?.[1] ?? '?',
        state: /JobState=(\S+)/.exec(line)?.[1] ?? '?',
        exit: /ExitCode=(\S+)/.exec(line)?.[1] ?? '?',
        restarts: Number(/Restarts=(\d+)/.exec(line)?.[1] ?? 0),
      }));
  }

  async function finished(job: string, work: string, limitSeconds = 900): Promise<TaskState[]> {
    for (let waited = 0; waited < limitSeconds * 1000; waited += 500) {
      const states = tasks(job);
      if (states.every((t) => ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL'].includes(t.state))) {
        const bad = states.filter((t) => t.state !== 'COMPLETED');
        if (bad.length > 0) {
          const logs = readdirSync(work).filter((f) => f.startsWith('slurm-')).map((f) => `--- ${f}\n${readFileSync(join(work, f), 'utf8').slice(-1500)}`);
          throw new Error(`job ${job}: ${bad.map((t) => `${t.id} ${t.state} ${t.exit}`).join(', ')}\n${logs.join('\n')}`);
        }
        return states;
      }
      await sleep(500);
    }
    throw new Error(`job ${job} did not finish within ${limitSeconds} s: ${JSON.stringify(tasks(job))}`);
  }

  function logs(work: string, prefix: string): string {
    return readdirSync(work)
      .filter((f) => f.startsWith(prefix))
      .sort()
      .map((f) => readFileSync(join(work, f), 'utf8'))
      .join('\n');
  }

  // Three dependent arrays of 13 Node processes in all, two at a time: 190 s on an idle 2-core
  // machine; the limit leaves room for a busy one (each wait below has its own limit too).
  it('embeds on a shared cache, runs an 8-task grid array with a task requeued mid-run, merges: the results of one machine', { timeout: 1_800_000 }, async () => {
    const work = await mkdtemp(join(tmpdir(), 'imprint-slurm-work-'));
    const grid = join(work, 'grid.yaml');
    await writeFile(grid, GRID);

    // The same grid on one machine (its own cache), with the same CLI.
    const one = spawnSync('sh', ['-c', `${BENCH} grid ${grid} --out ${join(work, 'one.jsonl')}`], { env: { ...jobEnv(work), IMPRINT_CACHE_DIR: join(work, 'cache-one') }, encoding: 'utf8' });
    expect(one.status, one.stderr).toBe(0);
    const reference = new Map(readResults(join(work, 'one.jsonl')).results.map((r) => [r.id, r.accuracy]));
    expect(reference.size).toBe(2 * 4 * 2 * 5);

    // The embedding array (4 tasks), the grid array (8 tasks) after it, the merge after that.
    const embed = sbatch(work, ['--array=0-3', join(ROOT, 'deploy', 'slurm', 'embed.sbatch'), grid]);
    const gridJob = sbatch(work, ['--array=0-7', `--dependency=afterok:${embed}`, join(ROOT, 'deploy', 'slurm', 'grid.sbatch'), grid, join(work, 'results')]);
    const merge = sbatch(work, [`--dependency=afterok:${gridJob}`, join(ROOT, 'deploy', 'slurm', 'merge.sbatch'), grid, join(work, 'results')]);

    // Kill a grid task mid-run (it has written results and is still running) and requeue it.
    let requeued: string | undefined;
    for (let waited = 0; requeued === undefined && waited < 900_000; waited += 50) {
      for (let index = 0; index < 8 && requeued === undefined; index++) {
        const file = join(work, 'results', `shard-${index}.jsonl`);
        if (!existsSync(file) || readFileSync(file, 'utf8').split('\n').length < 2) continue;
        const state = slurm.run('squeue', ['-h', '-j', `${gridJob}_${index}`, '-o', '%T']).trim();
        if (state !== 'RUNNING') continue;
        const requeue = spawnSync('scontrol', ['requeue', `${gridJob}_${index}`], { env: { ...process.env, ...slurm.env }, encoding: 'utf8' });
        if (requeue.status === 0) requeued = String(index);
      }
      if (requeued === undefined && tasks(gridJob).every((t) => t.state === 'COMPLETED')) break;
      await sleep(50);
    }
    expect(requeued, 'no grid task was caught running with results written').toBeDefined();

    await finished(embed, work);
    const gridTasks = await finished(gridJob, work);
    await finished(merge, work);

    // The shared cache: every entry once, each part embedded by exactly one task, equal to the one-machine cache.
    const embedLog = logs(work, 'slurm-imprint-embed-');
    const parts = [...embedLog.matchAll(/embedding part (\d+) of (\d+) \(rows [^)]*\) of (\d+ .*)/g)].map((m) => `${m[3]} part ${m[1]}/${m[2]}`);
    expect(parts.length).toBe(2 * (4 + 2)); // 2 data sets × (4 train parts + 2 test parts)
    expect(new Set(parts).size).toBe(parts.length);
    expect(logs(work, 'slurm-imprint-grid-')).not.toMatch(/^embedding /m); // the grid found every entry in the cache
    const entries = readdirSync(join(work, 'cache')).filter((f) => f.endsWith('.h5')).sort();
    expect(entries).toEqual(readdirSync(join(work, 'cache-one')).filter((f) => f.endsWith('.h5')).sort());
    expect(readdirSync(join(work, 'cache')).filter((f) => !f.endsWith('.h5') && f !== 'onnx')).toEqual([]); // no parts, locks or temp files left
    for (const entry of entries) {
      const [shared, single] = await Promise.all([readHdf5Embeddings(join(work, 'cache', entry)), readHdf5Embeddings(join(work, 'cache-one', entry))]);
      expect(shared.shape).toEqual(single.shape);
      expect(Buffer.from(shared.embeddings.buffer).equals(Buffer.from(single.embeddings.buffer)), entry).toBe(true);
      expect(Buffer.from(shared.labels.buffer).equals(Buffer.from(single.labels.buffer)), entry).toBe(true);
    }

    // The requeued task ran again, resumed from its file and wrote no run twice.
    const task = gridTasks.find((t) => t.restarts > 0);
    expect(task, JSON.stringify(gridTasks)).toBeDefined();
    const shardLog = readFileSync(join(work, `slurm-imprint-grid-${gridJob}_${requeued}.out`), 'utf8');
    expect(shardLog).toMatch(/restart 1/);
    expect(shardLog).toMatch(/done: \d+ runs .* [1-9]\d* already in/);
    for (let index = 0; index < 8; index++) {
      const { results } = readResults(join(work, 'results', `shard-${index}.jsonl`));
      expect(new Set(results.map((r) => r.id)).size, `shard ${index}`).toBe(results.length);
    }

    // The merge job: every run of the grid, the one-machine accuracies, and the report.
    expect(logs(work, 'slurm-imprint-merge-')).toMatch(/complete: all 80 runs of/);
    const merged = new Map(readResults(join(work, 'results', 'grid.jsonl')).results.map((r) => [r.id, r.accuracy]));
    expect(merged).toEqual(reference);
    expect(existsSync(join(work, 'results', 'report', 'report.md'))).toBe(true);
  });

  it('--shard auto in a Slurm job that is not an array says what is missing', async () => {
    const work = await mkdtemp(join(tmpdir(), 'imprint-slurm-plain-'));
    const grid = join(work, 'grid.yaml');
    await writeFile(grid, GRID);
    const job = sbatch(work, ['--output=plain.out', '--wrap', `${BENCH} grid ${grid} --shard auto --out ${join(work, 'plain.jsonl')}`]);
    await finished(job, work).catch(() => undefined);
    expect(tasks(job)[0]!.state).toBe('FAILED');
    expect(readFileSync(join(work, 'plain.out'), 'utf8')).toMatch(/--shard auto found no scheduler: neither SLURM_ARRAY_TASK_ID/);
  });
});
