import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cli } from './cli-helper.js';

const train = fileURLToPath(new URL('../../fixtures/example-train.h5', import.meta.url));
const test = fileURLToPath(new URL('../../fixtures/example-test.h5', import.meta.url));

// A third-party generator with an option of its own, written as a plain module that imports only
// tf.js: nothing outside this text names \`take\`.
const PLUGIN = `
import * as tf from '@tensorflow/tfjs-core';
export const takeFirst = {
  kind: 'generator',
  name: 'take-first',
  description: 'the first rows of a class as its proxies',
  options: [{ name: 'take', description: 'rows of each class kept as proxies', type: 'integer', stage: 'gen', default: 1, min: 1, placeholder: '<n>' }],
  create: (config) => ({
    kind: 'generator',
    name: 'take-first',
    scope: 'class',
    deterministic: true,
    generate: (x) => tf.slice(x, [0, 0], [Math.min(config.take ?? 1, x.shape[0]), x.shape[1]]),
  }),
};
`;
// A k selector alone, and a presampler alone: modules of one plugin kind load as any other.
const K_SELECTOR = `export const half = { kind: 'kselector', name: 'half', create: () => ({ kind: 'kselector', name: 'half', choose: (x, { kMax }) => Math.max(1, Math.min(kMax, Math.floor(x.shape[0] / 2))) }) };`;
const PRESAMPLER = `import * as tf from '@tensorflow/tfjs-core';
export const firstTwo = { kind: 'presampler', name: 'first-two', create: () => ({ kind: 'presampler', name: 'first-two', select: (x) => tf.slice(x, [0, 0], [Math.min(2, x.shape[0]), x.shape[1]]) }) };`;

let dir: string;
let plugin: string;
beforeAll(async () => {
  // Inside this package's node_modules, so that the modules' `import '@tensorflow/tfjs-core'` resolves as an installed plugin's would.
  const scratch = fileURLToPath(new URL('../../node_modules/.cache/', import.meta.url));
  await mkdir(scratch, { recursive: true });
  dir = await mkdtemp(join(scratch, 'plugin-options-'));
  plugin = join(dir, 'take-first.mjs');
  await writeFile(plugin, PLUGIN);
  await writeFile(join(dir, 'half.mjs'), K_SELECTOR);
  await writeFile(join(dir, 'first-two.mjs'), PRESAMPLER);
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

describe("a plugin's declared option works everywhere ours do", () => {
  it('is a run flag (kebab case) listed in --help, and without the plugin it is an unknown option', async () => {
    const help = await cli('--plugin', plugin, 'run', '--help');
    expect(help.code).toBe(0);
    const text = help.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('--take <n> rows of each class kept as proxies (an integer ≥ 1; default 1)');
    expect(text).toMatch(/--gen <name> GEN: how the proxies of a class are generated \([^)]*take-first/);
    const without = await cli('run', '--train', train, '--test', test, '--take', '2');
    expect(without.code).not.toBe(0);
    expect(without.stderr).toMatch(/unknown option '--take'/);
  });

  it('takes its value from the flag, checks it by its declaration, and shows in the run line', async () => {
    const one = await cli('--plugin', plugin, 'run', '--train', train, '--test', test, '--gen', 'take-first', '--take', '1', '--k', '2', '--json');
    expect(one.code, one.stderr).toBe(0);
    const three = await cli('--plugin', plugin, 'run', '--train', train, '--test', test, '--gen', 'take-first', '--take', '3', '--k', '2', '--json');
    expect(JSON.parse(one.stdout).config.take).toBe(1);
    expect(JSON.parse(three.stdout).config.take).toBe(3);
    const line = await cli('--plugin', plugin, 'run', '--train', train, '--test', test, '--gen', 'take-first', '--take', '3', '--k', '2');
    expect(line.stdout).toMatch(/^l2\/take-first k=2\/l2\/l2\/max take=3 seed=42$/m);
    const bad = await cli('--plugin', plugin, 'run', '--train', train, '--test', test, '--gen', 'take-first', '--take', '0');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/take must be an integer ≥ 1, got 0/);
  });

  it('is a grid list with distinct run ids, memo keys and report labels', async () => {
    const cache = join(dir, 'cache');
    process.env.IMPRINT_CACHE_DIR = cache;
    try {
      const grid = join(dir, 'grid.yaml');
      await writeFile(grid, ['backbones: [pixels]', 'datasets: [mnist]', 'seeds: [0]', 'trainLimit: 60', 'testLimit: 30', 'gen: [take-first]', 'k: [1]', 'take: [1, 3]', 'normPost: [l2, none]'].join('\n'));
      const without = await cli('grid', grid, '--out', join(dir, 'x.jsonl'), '--dry-run');
      expect(without.code).toBe(1);
      expect(without.stderr).toMatch(/unknown grid key "take"/);
      const dry = await cli('--plugin', plugin, 'grid', grid, '--out', join(dir, 'x.jsonl'), '--dry-run');
      expect(dry.code, dry.stderr).toBe(0);
      expect(new Set(JSON.parse(dry.stdout)).size).toBe(4);
      const out = join(dir, 'results.jsonl');
      const run = await cli('--plugin', plugin, 'grid', grid, '--out', out);
      expect(run.code, run.stderr).toBe(0);
      // normPost acts after GEN (two runs share one proxy set per take); take acts in GEN (never shared).
      expect(run.stderr).toMatch(/done: 4 runs .* 2 proxy sets reused/);
      const lines = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { config: { take: number }; proxies: number });
      expect(lines.map((l) => l.config.take).sort()).toEqual([1, 1, 3, 3]);
      for (const l of lines) expect(l.proxies).toBe(10 * l.config.take);
      const report = await cli('--plugin', plugin, 'report', out, '--out', join(dir, 'report'));
      expect(report.code, report.stderr).toBe(0);
      const csv = await readFile(join(dir, 'report', 'methods.csv'), 'utf8');
      for (const label of ['l2/take-first k=1/l2/l2/max take=1', 'l2/take-first k=1/none/l2/max take=3']) expect(csv).toContain(label);
    } finally {
      delete process.env.IMPRINT_CACHE_DIR;
    }
  });

  it('a module that exports only a k selector, or only a presampler, loads', async () => {
    const k = await cli('--plugin', join(dir, 'half.mjs'), 'run', '--train', train, '--test', test, '--gen', 'kmeans', '--k', 'auto', '--k-select', 'half', '--k-max', '3', '--json');
    expect(k.code, k.stderr).toBe(0);
    expect(k.stderr).toMatch(/plugin .*half\.mjs: kselector half/);
    const p = await cli('--plugin', join(dir, 'first-two.mjs'), 'run', '--train', train, '--test', test, '--gen', 'all', '--prefilter', 'first-two', '--json');
    expect(p.code, p.stderr).toBe(0);
    expect(JSON.parse(p.stdout).config.prefilter).toBe('first-two');
  });

  it('a module whose top-level code never finishes is named, not a silent exit 13', async () => {
    await writeFile(join(dir, 'hangs.mjs'), 'await new Promise(() => {});\nexport const never = 1;\n');
    // In a process of its own: Node's exit when the event loop empties is what is being tested.
    const root = fileURLToPath(new URL('../../../../', import.meta.url));
    const bin = [`--conditions=@imprint/source`, '--import', join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs'), join(root, 'apps', 'benchmark', 'src', 'bin.ts')];
    const hung = await new Promise<{ code: number | null; stderr: string }>((done) => {
      execFile(process.execPath, [...bin, '--plugin', join(dir, 'hangs.mjs'), 'run', '--train', train, '--test', test, '--json'], { timeout: 120_000 }, (error, _stdout, stderr) =>
        done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stderr }),
      );
    });
    expect(hung.code, hung.stderr).toBe(1);
    expect(hung.stderr).toMatch(/plugin module .*hangs\.mjs never finished loading: its top-level code awaits something that never happens/);
  });
});
