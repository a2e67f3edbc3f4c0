import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cli } from './cli-helper.js';

afterEach(() => vi.restoreAllMocks());

const fixture = fileURLToPath(new URL('../../../../packages/eval/src/__tests__/fixtures/reference-run-counts.json', import.meta.url));

describe('imprint-bench grid on a config file of the Python reference', () => {
  it('--plan counts its runs as the reference does; running it says it is not built yet', async () => {
    const counts = JSON.parse(await readFile(fixture, 'utf8')) as Record<string, { parameters: Record<string, unknown>; referenceRuns: number }>;
    const dir = await mkdtemp(join(tmpdir(), 'imprint-reference-'));
    const { parameters, referenceRuns } = counts['config_reprod_subsec3_combidigits.yaml']!;
    // as the reference writes its files: JSON-like, a trailing comma, a comment after a value
    const text = JSON.stringify(parameters, null, 4).replace(/\n}$/, ',\n}').replace('"seeds": [', '"seeds": [ # three seeds');
    const file = join(dir, 'config_reprod_subsec3_combidigits.yaml');
    await writeFile(file, text);
    const json = await cli('grid', file, '--plan', '--json');
    expect(json.code, json.stderr).toBe(0);
    const plan = JSON.parse(json.stdout) as { referenceRuns: number; byDataset: Record<string, number>; byRemapping: Record<string, number> };
    expect(plan.referenceRuns).toBe(referenceRuns);
    expect(plan.byDataset).toEqual({ 'MNIST+MNIST-M+USPS+SVHN': referenceRuns });
    expect(Object.keys(plan.byRemapping)).toEqual(['combined']);
    const text2 = await cli('grid', file, '--plan');
    expect(text2.stdout).toMatch(new RegExp(`${referenceRuns} runs by the reference's expansion: 4 data combinations × \\d+ settings × 3 seeds`));
    const run = await cli('grid', file, '--out', join(dir, 'r.jsonl'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is a config file of the Python reference \(360 runs by its expansion.*is not built yet/);
  });
});
