// The cluster kit in deploy/: the Dockerfile, the Kubernetes manifests and the Slurm scripts,
// checked for what docs/scaling.md relies on (no Docker daemon or Kubernetes API is needed).
// The Slurm scripts also run on a real Slurm: apps/benchmark/src/__tests__/slurm.test.ts.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const ROOT = resolve(__dirname, '..', '..');
const DEPLOY = join(ROOT, 'deploy');

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** Dockerfile instructions: comments dropped, continuation lines joined. */
function dockerInstructions(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword!.toUpperCase(), args: rest.join(' ') };
    });
}

describe('deploy/Dockerfile', () => {
  const instructions = dockerInstructions(readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8'));
  const stages: Instruction[][] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  const known = new Set(['FROM', 'ARG', 'ENV', 'WORKDIR', 'COPY', 'RUN', 'USER', 'VOLUME', 'ENTRYPOINT', 'CMD', 'LABEL', 'EXPOSE']);

  it('is a multi-stage build of known instructions', () => {
    for (const instruction of instructions) expect(known.has(instruction.keyword), instruction.keyword).toBe(true);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]![0]!.args).toMatch(/ AS build$/);
  });

  it('builds with the repository pnpm and frozen lockfile, and deploys the CLI with production dependencies only', () => {
    const build = stages[0]!;
    const pnpm = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { packageManager: string }).packageManager.replace('pnpm@', '');
    expect(build.find((i) => i.keyword === 'ARG' && i.args.startsWith('PNPM_VERSION='))?.args).toBe(`PNPM_VERSION=${pnpm}`);
    const runs = build.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs.some((r) => r.includes('pnpm install --frozen-lockfile'))).toBe(true);
    expect(runs.some((r) => /pnpm --filter @imprint\/benchmark deploy --prod/.test(r))).toBe(true);
    // every source it copies from the build context is in the repository
    for (const copy of build.filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))) {
      const sources = copy.args.split(/\s+/).slice(0, -1);
      for (const source of sources) expect(existsSync(join(ROOT, source)), source).toBe(true);
    }
  });

  it('runs as a non-root user, with the FMs\' ONNX graphs built into the image and imprint-bench as entrypoint', () => {
    const runtime = stages.at(-1)!;
    const users = runtime.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    const env = runtime.filter((i) => i.keyword === 'ENV').map((i) => i.args).join(' ');
    expect(env).toMatch(/IMPRINT_MODEL_DIR=\/opt\/imprint\/models/);
    expect(env).toMatch(/IMPRINT_CACHE_DIR=\/data\/cache/);
    const userAt = runtime.findIndex((i) => i.keyword === 'USER');
    const prepare = runtime.findIndex((i) => i.keyword === 'RUN' && i.args.includes('prepare-models.sh'));
    expect(prepare).toBeGreaterThan(-1);
    expect(prepare).toBeLessThan(userAt); // built as root: read-only for the user that runs tasks
    expect(runtime.find((i) => i.keyword === 'ENTRYPOINT')?.args).toBe('["imprint-bench"]');
    expect(runtime.some((i) => i.keyword === 'COPY' && i.args.startsWith('--from=build'))).toBe(true);
  });

  it('keeps dependencies and build outputs out of the build context', () => {
    const ignore = readFileSync(join(DEPLOY, 'Dockerfile.dockerignore'), 'utf8');
    for (const pattern of ['**/node_modules', '**/dist', '.git']) expect(ignore.split('\n')).toContain(pattern);
  });

  it('prepare-models.sh is valid sh', () => {
    expect(spawnSync('sh', ['-n', join(DEPLOY, 'prepare-models.sh')]).status).toBe(0);
  });
});

type Manifest = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('deploy/k8s', () => {
  const manifests: { file: string; doc: Manifest }[] = [];
  for (const file of readdirSync(join(DEPLOY, 'k8s')).filter((f) => f.endsWith('.yaml'))) {
    for (const document of parseAllDocuments(readFileSync(join(DEPLOY, 'k8s', file), 'utf8'))) {
      expect(document.errors, file).toEqual([]);
      manifests.push({ file, doc: document.toJS() as Manifest });
    }
  }
  const jobs = manifests.filter((m) => m.doc.kind === 'Job');
  const claims = manifests.filter((m) => m.doc.kind === 'PersistentVolumeClaim');
  const commandOf = (job: Manifest): string => {
    const container = job.spec.template.spec.containers[0];
    return [...(container.command ?? ['imprint-bench']), ...(container.args ?? [])].join(' ');
  };
  const envOf = (job: Manifest): Record<string, string> => Object.fromEntries((job.spec.template.spec.containers[0].env ?? []).map((e: { name: string; value: string }) => [e.name, e.value]));

  it('has the volume claim, an embedding and a grid Indexed Job, and a merge/report Job', () => {
    expect(claims).toHaveLength(1);
    expect(claims[0]!.doc.spec.accessModes).toContain('ReadWriteMany');
    const names = jobs.map((j) => j.doc.metadata.name).sort();
    expect(names).toEqual(['imprint-embed', 'imprint-grid', 'imprint-merge']);
    for (const m of manifests) expect(m.doc.apiVersion, m.file).toBe(m.doc.kind === 'Job' ? 'batch/v1' : 'v1');
  });

  it('gives every Indexed Job its shard count, a restart policy and the shared volume', () => {
    const claim = claims[0]!.doc.metadata.name;
    for (const { file, doc } of jobs) {
      const pod = doc.spec.template.spec;
      expect(['Never', 'OnFailure'], file).toContain(pod.restartPolicy);
      expect(pod.securityContext.runAsNonRoot, file).toBe(true);
      const volume = pod.volumes.find((v: Manifest) => v.persistentVolumeClaim !== undefined);
      expect(volume.persistentVolumeClaim.claimName, file).toBe(claim);
      const mount = pod.containers[0].volumeMounts.find((m: Manifest) => m.name === volume.name);
      expect(envOf(doc).IMPRINT_CACHE_DIR?.startsWith(`${mount.mountPath}/`), file).toBe(true);
      if (doc.metadata.name === 'imprint-merge') continue;
      expect(doc.spec.completionMode, file).toBe('Indexed');
      expect(doc.spec.parallelism, file).toBeLessThanOrEqual(doc.spec.completions);
      expect(envOf(doc).IMPRINT_SHARD_COUNT, file).toBe(String(doc.spec.completions));
      expect(commandOf(doc), file).toMatch(/--shard auto/);
    }
  });

  it('names grid files the image has, the same one in every Job, and one results file per index', () => {
    const grids = new Set(jobs.map((j) => /\/app\/grids\/(\S+\.yaml)/.exec(commandOf(j.doc))?.[1]));
    expect(grids.size).toBe(1);
    const [grid] = [...grids];
    expect(existsSync(join(ROOT, 'apps', 'benchmark', 'grids', grid!))).toBe(true);
    const gridJob = jobs.find((j) => j.doc.metadata.name === 'imprint-grid')!.doc;
    expect(commandOf(gridJob)).toMatch(/--out \/data\/results\/shard-\$\{JOB_COMPLETION_INDEX\}\.jsonl/);
    expect(commandOf(jobs.find((j) => j.doc.metadata.name === 'imprint-embed')!.doc)).toMatch(/--embed-only/);
    expect(commandOf(jobs.find((j) => j.doc.metadata.name === 'imprint-merge')!.doc)).toMatch(/merge \/data\/results\/shard-\*\.jsonl .*--expect \/app\/grids\/.* report /);
  });
});

describe('deploy/slurm', () => {
  const scripts = readdirSync(join(DEPLOY, 'slurm'));

  it('has the embedding and grid array scripts, the dependent merge and a submit script, all valid bash', () => {
    expect(scripts.sort()).toEqual(['common.sh', 'embed.sbatch', 'grid.sbatch', 'merge.sbatch', 'submit.sh']);
    for (const script of scripts) {
      const check = spawnSync('bash', ['-n', join(DEPLOY, 'slurm', script)], { encoding: 'utf8' });
      expect(check.status, `${script}: ${check.stderr}`).toBe(0);
      if (script !== 'common.sh') expect(statSync(join(DEPLOY, 'slurm', script)).mode & 0o111, script).not.toBe(0);
    }
  });

  it('runs shards with --shard auto, requeues, and checks completeness when merging', () => {
    const read = (name: string) => readFileSync(join(DEPLOY, 'slurm', name), 'utf8');
    for (const name of ['embed.sbatch', 'grid.sbatch']) {
      expect(read(name)).toMatch(/^#SBATCH --array=/m);
      expect(read(name)).toMatch(/^#SBATCH --requeue$/m);
      expect(read(name)).toMatch(/--shard auto/);
    }
    expect(read('embed.sbatch')).toMatch(/--embed-only/);
    expect(read('grid.sbatch')).toMatch(/--out "\$RESULTS\/shard-\$\{SLURM_ARRAY_TASK_ID\}\.jsonl"/);
    expect(read('merge.sbatch')).toMatch(/merge "\$RESULTS"\/shard-\*\.jsonl --out "\$RESULTS\/grid\.jsonl" --expect "\$GRID"/);
    expect(read('submit.sh')).toMatch(/--dependency="afterok:/);
  });
});
