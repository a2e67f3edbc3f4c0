import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cli } from './cli-helper.js';

afterEach(() => vi.restoreAllMocks());

const fixture = fileURLToPath(new URL('../../../../packages/eval/src/__tests__/fixtures/reference-run-counts.json', import.meta.url));

/** A reference config file as the reference writes them: JSON-like, a trailing comma, a comment after a value. */
async function referenceFile(dir: string, name: string): Promise<{ file: string; referenceRuns: number }> {
  const counts = JSON.parse(await readFile(fixture, 'utf8')) as Record<string, { parameters: Record<string, unknown>; referenceRuns: number }>;
  const { parameters, referenceRuns } = counts[name]!;
  const text = JSON.stringify(parameters, null, 4).replace(/\n}$/, ',\n}').replace('"seeds": [', '"seeds": [ # the seeds');
  const file = join(dir, name);
  await writeFile(file, text);
  return { file, referenceRuns };
}

describe('imprint-bench grid on a config file of the Python reference', () => {
  it('--plan counts its runs as the reference does, beside the distinct runs here', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-reference-'));
    const { file, referenceRuns } = await referenceFile(dir, 'config_reprod_subsec3_non-imagenet.yaml');
    const json = await cli('grid', file, '--plan', '--json');
    expect(json.code, json.stderr).toBe(0);
    const plan = JSON.parse(json.stdout) as { referenceRuns: number; runs: number; byDataset: Record<string, number> };
    expect(plan).toMatchObject({ referenceRuns, runs: referenceRuns });
    expect(Object.keys(plan.byDataset)).toEqual(['MNIST', 'FashionMNIST', 'CIFAR10']);
    const text = await cli('grid', file, '--plan');
    expect(text.stdout).toMatch(new RegExp(`${referenceRuns} runs by the reference's expansion: 12 data combinations × \\d+ settings × 3 seeds`));
    expect(text.stdout).toMatch(new RegExp(`${referenceRuns} distinct runs here`));
  });

  it('runs through --map; unmapped names are listed with how to map them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-reference-'));
    const { file } = await referenceFile(dir, 'config_reprod_subsec3_non-imagenet.yaml');
    const unmapped = await cli('grid', file, '--out', join(dir, 'r.jsonl'));
    expect(unmapped.code).toBe(1);
    expect(unmapped.stderr).toMatch(/names what does not run here: backbones resnet18, resnet50, vit_b_16, swin_b; data sets CIFAR10; map each with --map NAME=VALUE, e.g. --map resnet18=onnx:\.\/resnet18\.onnx/);
    const maps = ['resnet18', 'resnet50', 'vit_b_16', 'swin_b'].flatMap((name) => ['--map', `${name}=pixels`]);
    const images = join(dir, 'cifar');
    const mapped = await cli('grid', file, ...maps, '--map', `CIFAR10=folder:${images}`, '--dry-run');
    expect(mapped.code, mapped.stderr).toBe(0);
    // four reference backbones mapped to one FM: their runs are one set
    expect(JSON.parse(mapped.stdout)).toHaveLength(1080 / 4);
    expect(mapped.stderr).toMatch(/a config file of the Python reference, 1080 runs by its expansion, 270 distinct runs here/);
    expect((await cli('grid', file, '--map', 'resnet18', '--dry-run')).stderr).toMatch(/--map "resnet18" must be NAME=VALUE/);
  });

  it('a file with label remappings and combined data sets is counted and runs once its names are mapped', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-reference-'));
    const { file, referenceRuns } = await referenceFile(dir, 'config_reprod_subsec3_combidigits.yaml');
    const plan = JSON.parse((await cli('grid', file, '--plan', '--json')).stdout) as { referenceRuns: number; runs: number; byDataset: Record<string, number> };
    expect(plan.referenceRuns).toBe(referenceRuns);
    expect(plan.runs).toBe(referenceRuns);
    expect(plan.byDataset).toEqual({ 'MNIST+MNIST-M+USPS+SVHN': referenceRuns });
    const run = await cli('grid', file, '--out', join(dir, 'r.jsonl'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/names what does not run here: backbones resnet18, resnet50, vit_b_16, swin_b; data sets MNIST-M, USPS, SVHN; map each/);
    const maps = ['resnet18', 'resnet50', 'vit_b_16', 'swin_b'].flatMap((name) => ['--map', `${name}=pixels`]);
    const data = ['MNIST-M', 'USPS', 'SVHN'].flatMap((name) => ['--map', `${name}=folder:${join(dir, name)}`]);
    const mapped = await cli('grid', file, ...maps, ...data, '--dry-run');
    expect(mapped.code, mapped.stderr).toBe(0);
    expect(JSON.parse(mapped.stdout)).toHaveLength(referenceRuns / 4);
  });
});
