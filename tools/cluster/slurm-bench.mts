// Benchmark: a grid as Slurm job arrays (deploy/slurm/submit.sh: embedding array, grid array,
// merge) on a single-node Slurm started here, then per-task times beside the plan's estimates.
//   node --import tsx tools/cluster/slurm-bench.mts GRID.yaml [--tasks 8] [--cpus 1] [--work DIR]
// Prints one line per task and the totals; the work folder (cache, results, logs) is kept.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLocalSlurm } from './local-slurm.mts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1]! : fallback;
};
const grid = resolve(args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')) ?? join(ROOT, 'apps', 'benchmark', 'grids', 'table1.yaml'));
const tasks = Number(option('--tasks', '8'));
const cpus = Number(option('--cpus', '1'));
const work = option('--work', '') || mkdtempSync(join(tmpdir(), 'imprint-slurm-bench-'));
mkdirSync(work, { recursive: true });

const dist = join(ROOT, 'apps', 'benchmark', 'dist', 'bin.js');
const bench = existsSync(dist) ? `${process.execPath} ${dist}` : `${process.execPath} --conditions=@imprint/source --import ${join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')} ${join(ROOT, 'apps', 'benchmark', 'src', 'bin.ts')}`;
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? work, LANG: 'C.UTF-8', IMPRINT_BENCH: bench, IMPRINT_CACHE_DIR: join(work, 'cache') };

const slurm = startLocalSlurm();
if ('reason' in slurm) {
  process.stderr.write(`cannot start Slurm here: ${slurm.reason}\n`);
  process.exit(2);
}
try {
  const plan = JSON.parse(spawnSync('sh', ['-c', `${bench} grid ${grid} --plan --json --shards ${tasks}`], { encoding: 'utf8', env }).stdout) as { runs: number; shards: { runs: number; cost: number; pairs: string[] }[]; maxOverMean: number };
  const began = Date.now();
  const submitted = slurm.run(join(ROOT, 'deploy', 'slurm', 'submit.sh'), [grid, join(work, 'results'), String(tasks), `--chdir=${work}`, `--cpus-per-task=${cpus}`, '--mem=6G'], { env, cwd: work });
  const [, embed, gridJob, merge] = /embed (\d+), grid (\d+), merge (\d+)/.exec(submitted) ?? [];
  process.stderr.write(`${submitted.trim()}\nwork folder ${work}; ${availableParallelism()} cores, ${tasks} tasks of ${cpus} CPU each\n`);
  const states = (job: string) =>
    slurm
      .run('scontrol', ['show', 'job', '-o', job!])
      .trim()
      .split('\n')
      .map((line) => ({
        task: Number(/ArrayTaskId=(\d+)/.exec(line)?.[1] ?? -1),
        state: /JobState=(\S+)/.exec(line)?.[1] ?? '?',
        seconds: (/RunTime=(?:(\d+)-)?(\d+):(\d+):(\d+)/.exec(line) ?? []).slice(1).reduce((a, v, i) => a + Number(v ?? 0) * [86400, 3600, 60, 1][i]!, 0),
      }));
  for (;;) {
    const all = [embed, gridJob, merge].flatMap((j) => states(j!));
    if (all.every((s) => ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY'].includes(s.state))) break;
    if (all.some((s) => ['FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY'].includes(s.state))) {
      process.stderr.write(`a task failed: ${JSON.stringify(all.filter((s) => s.state !== 'COMPLETED'))}; logs in ${work}\n`);
      for (const j of [embed, gridJob, merge]) spawnSync('scancel', [j!], { env: { ...process.env, ...slurm.env } });
      process.exit(1);
    }
    await sleep(2000);
  }
  const total = (Date.now() - began) / 1000;
  const embedTimes = states(embed!).sort((a, b) => a.task - b.task);
  const gridTimes = states(gridJob!).sort((a, b) => a.task - b.task);
  const mergeTime = states(merge!)[0]!.seconds;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const costMean = mean(plan.shards.map((s) => s.cost));
  const gridMean = mean(gridTimes.map((t) => t.seconds));
  console.log(`${grid}: ${plan.runs} runs, ${tasks} tasks (${cpus} CPU each) on ${availableParallelism()} cores`);
  console.log('task  embed s  grid s  runs  est. cost × mean  time × mean  pairs');
  for (let i = 0; i < tasks; i++) {
    const shard = plan.shards[i]!;
    console.log(`${String(i).padStart(4)} ${String(embedTimes[i]?.seconds ?? '-').padStart(8)} ${String(gridTimes[i]?.seconds ?? '-').padStart(7)} ${String(shard.runs).padStart(5)} ${(shard.cost / costMean).toFixed(2).padStart(17)} ${((gridTimes[i]?.seconds ?? 0) / gridMean).toFixed(2).padStart(12)}  ${shard.pairs.join('; ')}`);
  }
  const embedMax = Math.max(...embedTimes.map((t) => t.seconds));
  const gridMax = Math.max(...gridTimes.map((t) => t.seconds));
  console.log(`embedding: sum ${embedTimes.reduce((a, t) => a + t.seconds, 0)} s, max ${embedMax} s; grid: sum ${gridTimes.reduce((a, t) => a + t.seconds, 0)} s, max ${gridMax} s, max/mean time ${(gridMax / gridMean).toFixed(2)} (plan's estimate ${plan.maxOverMean.toFixed(2)}); merge + report ${mergeTime} s`);
  // Projection for one node per task: the embedding work (task time beyond a task's start-up, the
  // shortest embedding task being start-up only) spread evenly over the tasks, as the parts are.
  const startup = Math.min(...embedTimes.map((t) => t.seconds));
  const embedWork = embedTimes.reduce((a, t) => a + t.seconds - startup, 0);
  const projected = embedWork / tasks + startup + gridMax + mergeTime;
  console.log(`wall time on this machine: ${total.toFixed(0)} s (tasks ${Math.max(1, Math.floor(availableParallelism() / cpus))} at a time)`);
  console.log(`projection for ${tasks} nodes, one task each with ${cpus} CPU as here: embedding work ${embedWork} s / ${tasks} + start-up ${startup} s, + max grid task ${gridMax} s + merge ${mergeTime} s ≈ ${projected.toFixed(0)} s`);
} finally {
  slurm.stop();
}
