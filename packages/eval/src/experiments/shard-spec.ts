import { ImprintError } from '@imprint/core';

/** Which part of a grid (or of an embedding) this process does: `index` of `count`, 0-based. */
export interface ShardSpec {
  readonly index: number;
  readonly count: number;
  /** Where the numbers came from: `--shard i/n`, a Slurm job array or a Kubernetes Indexed Job. */
  readonly source: 'flag' | 'slurm' | 'kubernetes';
}

export type Environment = Readonly<Record<string, string | undefined>>;

function integerVariable(env: Environment, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text.trim())) throw new ImprintError('INVALID_CONFIG', `${name} must be a non-negative integer, got ${JSON.stringify(text)}`, { [name]: text });
  return Number(text.trim());
}

function checked(spec: ShardSpec, what: string): ShardSpec {
  if (spec.count < 1 || spec.index < 0 || spec.index >= spec.count) {
    throw new ImprintError('INVALID_CONFIG', `${what} gives shard ${spec.index} of ${spec.count}; the index must be 0 ≤ i < ${spec.count}`, { index: spec.index, count: spec.count });
  }
  return spec;
}

/**
 * The shard of `--shard` (`i/n`, 0-based, or `auto`) and `--shards N`. `auto` reads the scheduler:
 * a Slurm job array (`SLURM_ARRAY_TASK_ID` less `SLURM_ARRAY_TASK_MIN`, divided by
 * `SLURM_ARRAY_TASK_STEP`, of `SLURM_ARRAY_TASK_COUNT`) or a Kubernetes Indexed Job
 * (`JOB_COMPLETION_INDEX`, of `--shards N` or `IMPRINT_SHARD_COUNT`); neither set is an error that
 * says so. `shards` alone (no `--shard`) gives nothing: it only sizes `auto` and `--plan`.
 */
export function resolveShard(text: string | undefined, { shards, env = process.env }: { shards?: number; env?: Environment } = {}): ShardSpec | undefined {
  if (shards !== undefined && (!Number.isInteger(shards) || shards < 1)) throw new ImprintError('INVALID_CONFIG', `--shards must be a positive integer, got ${JSON.stringify(shards)}`, { shards });
  if (text === undefined) return undefined;
  if (text !== 'auto') {
    const match = /^(\d+)\/(\d+)$/.exec(text.trim());
    if (match === null) throw new ImprintError('INVALID_CONFIG', `--shard must be i/n with 0 ≤ i < n (e.g. 3/16) or auto (from a Slurm job array or a Kubernetes Indexed Job), got ${JSON.stringify(text)}`, { shard: text });
    const spec = checked({ index: Number(match[1]), count: Number(match[2]), source: 'flag' }, `--shard ${text}`);
    if (shards !== undefined && shards !== spec.count) throw new ImprintError('INVALID_CONFIG', `--shard ${text} and --shards ${shards} disagree on the number of shards`, { shard: text, shards });
    return spec;
  }
  const taskId = integerVariable(env, 'SLURM_ARRAY_TASK_ID');
  if (taskId !== undefined) {
    const count = integerVariable(env, 'SLURM_ARRAY_TASK_COUNT');
    if (count === undefined) throw new ImprintError('INVALID_CONFIG', '--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not (Slurm sets both for job arrays, sbatch --array=0-7)');
    const min = integerVariable(env, 'SLURM_ARRAY_TASK_MIN') ?? 0;
    const step = integerVariable(env, 'SLURM_ARRAY_TASK_STEP') ?? 1;
    if (step < 1 || (taskId - min) % step !== 0) throw new ImprintError('INVALID_CONFIG', `--shard auto: SLURM_ARRAY_TASK_ID ${taskId} is not on the array's grid (min ${min}, step ${step})`);
    if (shards !== undefined && shards !== count) throw new ImprintError('INVALID_CONFIG', `--shards ${shards} disagrees with the Slurm job array's ${count} tasks (SLURM_ARRAY_TASK_COUNT); leave --shards out under Slurm`, { shards, count });
    return checked({ index: (taskId - min) / step, count, source: 'slurm' }, `the Slurm job array (SLURM_ARRAY_TASK_ID=${taskId}, SLURM_ARRAY_TASK_MIN=${min}, SLURM_ARRAY_TASK_COUNT=${count})`);
  }
  const completionIndex = integerVariable(env, 'JOB_COMPLETION_INDEX');
  if (completionIndex !== undefined) {
    const count = shards ?? integerVariable(env, 'IMPRINT_SHARD_COUNT');
    if (count === undefined) {
      throw new ImprintError('INVALID_CONFIG', `--shard auto in a Kubernetes Indexed Job (JOB_COMPLETION_INDEX=${completionIndex}) needs the number of shards: pass --shards N (the Job's completions) or set IMPRINT_SHARD_COUNT`);
    }
    return checked({ index: completionIndex, count, source: 'kubernetes' }, `the Kubernetes Indexed Job (JOB_COMPLETION_INDEX=${completionIndex}, ${shards !== undefined ? '--shards' : 'IMPRINT_SHARD_COUNT'}=${count})`);
  }
  throw new ImprintError(
    'INVALID_CONFIG',
    '--shard auto found no scheduler: neither SLURM_ARRAY_TASK_ID (a Slurm job array, sbatch --array=0-N) nor JOB_COMPLETION_INDEX (a Kubernetes Job with completionMode: Indexed) is set; outside a scheduler give --shard i/n',
  );
}

/** `index/count (source)` for log lines. */
export function describeShard(spec: ShardSpec): string {
  return `shard ${spec.index}/${spec.count}${spec.source === 'flag' ? '' : ` (${spec.source === 'slurm' ? 'Slurm job array' : 'Kubernetes Indexed Job'})`}`;
}
