// The command line's answers to bad input: one typed line (a stack only with --debug), nothing
// silently skipped, third-party plugins usable by name.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reportError } from '../errors.js';
import { cli } from './cli-helper.js';

const train = fileURLToPath(new URL('../../fixtures/example-train.h5', import.meta.url));
const test = fileURLToPath(new URL('../../fixtures/example-test.h5', import.meta.url));
const plugin = fileURLToPath(new URL('../../../../examples/centered-l2/src/index.ts', import.meta.url));

afterEach(() => vi.restoreAllMocks());

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('imprint-bench:'));

describe('did-you-mean for misspelt flags and choices, and worker counts within the cores', () => {
  it('suggests the flag or choice that was meant', async () => {
    const flag = await cli('run', '--train', train, '--test', test, '--kk', '3');
    expect(flag.stderr).toMatch(/unknown option '--kk' \(did you mean "--k"\?\)/);
    const choice = await cli('run', '--train', train, '--test', test, '--preset', 'imprintKmean');
    expect(choice.stderr).toMatch(/Allowed choices are .*\. \(did you mean "imprintKmeans"\?\)/);
  });

  it('refuses an unknown backbone in a grid before anything runs, --dry-run included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-backbone-'));
    await writeFile(join(dir, 'g.yaml'), 'backbones: [mobilenet_v2_14]\ndatasets: [mnist]\n');
    const { code, stderr } = await cli('grid', join(dir, 'g.yaml'), '--out', join(dir, 'r.jsonl'), '--dry-run');
    expect(code).toBe(1);
    expect(stderr).toMatch(/unknown backbone "mobilenet_v2_14" \(did you mean "mobilenet_v2_140"\?\)/);
  });

  it('refuses more worker threads than cores, saying why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-workers-'));
    const { code, stderr } = await cli('grid', join(dir, 'none.yaml'), '--out', join(dir, 'r.jsonl'), '--workers', '4096');
    expect(code).toBe(1);
    expect(stderr).toMatch(/--workers must be at most the number of cores here \(\d+\), got 4096/);
  });
});

describe('integer options are parsed strictly, before any work', () => {
  it.each([
    ['grid', ['--workers', '1.5']],
    ['grid', ['--workers', 'abc']],
    ['embed', ['--input-size', '-5']],
    ['table1', ['--seeds', '0,x']],
  ])('%s %s', async (command, flags) => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-opts-'));
    const args =
      command === 'grid'
        ? ['grid', join(dir, 'none.yaml'), '--out', join(dir, 'r.jsonl'), ...flags]
        : command === 'embed'
          ? ['embed', '--dataset', 'mnist', '--split', 'test', '--backbone', 'pixels', '--out', join(dir, 'e.h5'), ...flags]
          : ['table1', '--out', dir, ...flags];
    const { code, stderr } = await cli(...args);
    expect(code).toBe(1);
    expect(errorLines(stderr)).toHaveLength(1);
    expect(stderr).toMatch(/error \[INVALID_CONFIG\]: --(workers|input-size|seeds)( entry 2)? must be an integer/);
  });
});

describe('number options are decimal numbers, before any work', () => {
  it.each([
    [['run', '--k', '0x10'], /--k must be a finite decimal number, got "0x10"/],
    [['run', '--lambda', '0b11'], /--lambda must be a finite decimal number, got "0b11"/],
    [['run', '--m', ''], /--m must be a finite decimal number, got ""/],
    [['openset', '--false-reject-rate', ''], /--false-reject-rate must be a finite decimal number, got ""/],
    [['openset', '--false-reject-rate', '1.5'], /--false-reject-rate must be above 0 and below 1, got "1.5"/],
  ])('%s', async (argv, message) => {
    const files = argv[0] === 'run' ? ['--train', 'fixtures/example-train.h5', '--test', 'fixtures/example-test.h5'] : [];
    const { code, stderr } = await cli(...argv, ...files);
    expect(code).not.toBe(0);
    expect(errorLines(stderr)).toHaveLength(1);
    expect(stderr).toMatch(message);
  });
});

describe('failures are one line; the stack comes with --debug', () => {
  it('prints an unexpected failure as one line, and its stack with --debug', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(reportError(new TypeError('something broke\nacross lines'), false)).toBe(70);
    const quiet = String(write.mock.calls.map((c) => c[0]).join(''));
    expect(quiet.trim().split('\n')).toHaveLength(1);
    expect(quiet).toMatch(/unexpected error: something broke; across lines \(run with --debug for the stack\)/);
    write.mockClear();
    reportError(new TypeError('something broke'), true);
    expect(String(write.mock.calls.map((c) => c[0]).join(''))).toMatch(/TypeError: something broke\n\s+at /);
  });

  it('reports a directory given as a file, and an output in a missing folder, as one typed line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-dirs-'));
    const asFile = await cli('run', '--train', dir, '--test', test, '--preset', 'qi2018');
    expect(asFile.code).toBe(1);
    expect(errorLines(asFile.stderr)).toHaveLength(1);
    const out = await cli('embed', '--dataset', 'mnist', '--split', 'test', '--backbone', 'pixels', '--limit', '10', '--no-cache', '--out', join(dir, 'missing', 'e.h5'));
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/error \[IO\]: cannot write .*e\.h5: no such file or directory/);
  });
});

describe('third-party plugins by name (--plugin)', () => {
  it('runs a config that names the centered-l2 normalizer of a plugin module', async () => {
    const { code, stdout, stderr } = await cli('--plugin', plugin, 'run', '--train', train, '--test', test, '--norm-post', 'centered-l2', '--json');
    expect(code).toBe(0);
    expect(stderr).toMatch(/plugin .*centered-l2.*: normalizer centered-l2/);
    expect(JSON.parse(stdout).config.normPost).toBe('centered-l2');
    const without = await cli('run', '--train', train, '--test', test, '--norm-post', 'centered-l2');
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/unknown normalizer "centered-l2"/);
  });
});

describe('report: readable with many methods', () => {
  it('shows the top methods and the ones asked for, lists every method in methods.csv, and reads NC1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-report-'));
    const results = join(dir, 'r.jsonl');
    const lines: string[] = [];
    for (let m = 0; m < 40; m++) {
      for (const [g, dataset] of ['mnist', 'fashion_mnist', 'cifar', 'svhn'].entries()) {
        const config = { backbone: 'fm', dataset, split: 'all', normPre: 'l2', gen: 'kmeans', k: m + 1, normPost: 'l2', normInf: 'l2', agg: 'max', metric: 'inner_product', m: 5, weighting: 'uniform', seed: 0 };
        lines.push(JSON.stringify({ id: `${m}-${g}`, config, accuracy: 50 + m * 0.5 + g, f1Weighted: 50, timings: { generateMs: 1, predictMs: 1, memoised: false } }));
      }
    }
    await writeFile(results, `${lines.join('\n')}\n`);
    await writeFile(join(dir, 'nc1.json'), JSON.stringify({ 'fm|mnist': 1.4, 'fm|fashion_mnist': 2.1 }));
    const { code, stderr } = await cli('report', results, '--out', join(dir, 'report'), '--top', '5', '--method', 'l2/kmeans k=1/l2/l2/max', '--nc1', join(dir, 'nc1.json'));
    expect(code).toBe(0);
    expect(stderr).toMatch(/40 methods/);
    const report = await readFile(join(dir, 'report', 'report.md'), 'utf8');
    expect(report).toMatch(/With 40 methods, the tables and the CD diagram show the 5 best/);
    expect(report).toMatch(/\| l2\/kmeans k=40\/l2\/l2\/max \|/);
    expect(report).toMatch(/\| l2\/kmeans k=1\/l2\/l2\/max \|/);
    expect(report).not.toMatch(/\| l2\/kmeans k=20\/l2\/l2\/max \|/);
    const csv = (await readFile(join(dir, 'report', 'methods.csv'), 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(41);
    expect(report).toMatch(/Neural collapse/);
    // table1's nc.json form: NC1 with the traces of Σ_W and Σ_B and the rank of Σ_B
    await writeFile(join(dir, 'nc.json'), JSON.stringify({ 'fm|mnist': { nc1: 1.4, traceWithin: 12.5, traceBetween: 3.25, rankBetween: 9 } }));
    expect((await cli('report', results, '--out', join(dir, 'r4'), '--nc1', join(dir, 'nc.json'))).code).toBe(0);
    expect(await readFile(join(dir, 'r4', 'report.md'), 'utf8')).toMatch(/\| fm × mnist \| 1\.400 \| 0\.146 \| 12\.50 \| 3\.250 \| 9 \|/);
    await writeFile(join(dir, 'bad-nc.json'), JSON.stringify({ 'fm|mnist': { nc1: 1.4, traceWithin: -1, traceBetween: 3, rankBetween: 9 } }));
    expect((await cli('report', results, '--out', join(dir, 'r5'), '--nc1', join(dir, 'bad-nc.json'))).stderr).toMatch(/or of measures as table1's nc\.json holds them/);
    const typo = await cli('report', results, '--out', join(dir, 'r2'), '--method', 'l2/kmeans k=99/l2/l2/max');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/no method is labelled "l2\/kmeans k=99\/l2\/l2\/max"/);
    const missing = await cli('report', join(dir, 'nope.jsonl'), '--out', join(dir, 'r3'));
    expect(missing.stderr).toMatch(/error \[BAD_FILE\]: .*nope\.jsonl: no such results file/);
  });
});
