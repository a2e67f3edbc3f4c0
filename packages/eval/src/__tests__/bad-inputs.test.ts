// Regression tests for the bad inputs of the reliability sweep (issue: silent wrong results, lost
// or doubled work, raw stacks): each case gets a typed one-line error or a correct result.
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it, vi } from 'vitest';
import { ImprintError, warnOnce } from '@imprint/core';
import {
  appendResult,
  compareMethods,
  createStandardRegistry,
  encodeNpy,
  evaluateConfig,
  expandGrid,
  mergeResults,
  readEmbeddings,
  readResults,
  runGrid,
  selectClasses,
  usePluginModules,
  validateGridSpec,
  writeEmbeddings,
  type EmbeddingSet,
  type ResultLine,
} from '../index.js';

const dir = await mkdtemp(join(tmpdir(), 'imprint-bad-'));
const set: EmbeddingSet = { embeddings: Float32Array.from([1, 0, 0, 1, 1, 1]), shape: [3, 2], labels: Int32Array.from([0, 1, 1]) };

async function code(promise: Promise<unknown> | (() => unknown)): Promise<ImprintError> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    expect(error).toBeInstanceOf(ImprintError);
    return error as ImprintError;
  }
  throw new Error('no error was thrown');
}

describe('labels are read exactly or rejected', () => {
  it('rejects int64 labels outside int32 instead of wrapping them into other classes', async () => {
    const npy = (data: BigInt64Array) => {
      const header = `{'descr': '<i8', 'fortran_order': False, 'shape': (${data.length},), }`;
      const padded = header + ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
      const out = new Uint8Array(10 + padded.length + data.byteLength);
      out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      new DataView(out.buffer).setUint16(8, padded.length, true);
      out.set(new TextEncoder().encode(padded), 10);
      out.set(new Uint8Array(data.buffer), 10 + padded.length);
      return out;
    };
    const path = join(dir, 'int64-labels.npz');
    await writeFile(path, zipSync({ 'embeddings.npy': encodeNpy(set.embeddings, set.shape), 'labels.npy': npy(BigInt64Array.of(1n, 4294967297n, 1n)) }));
    const error = await code(readEmbeddings(path));
    expect(error.code).toBe('BAD_FILE');
    expect(error.message).toMatch(/label 4294967297 at row 1 does not fit in int32/);
    const fine = join(dir, 'int64-small.npz');
    await writeFile(fine, zipSync({ 'embeddings.npy': encodeNpy(set.embeddings, set.shape), 'labels.npy': npy(BigInt64Array.of(-7n, 2147483647n, 3n)) }));
    expect(Array.from((await readEmbeddings(fine)).labels)).toEqual([-7, 2147483647, 3]);
  });

  it('rejects uint32 labels of 2³¹ and above in HDF5 instead of turning them negative', async () => {
    const h5wasm = await import('h5wasm/node');
    await h5wasm.ready;
    const path = join(dir, 'uint32-labels.h5');
    const file = new h5wasm.File(path, 'w');
    file.create_dataset({ name: 'embeddings', data: set.embeddings, shape: [3, 2], dtype: '<f4' });
    file.create_dataset({ name: 'labels', data: Uint32Array.of(1, 3000000000, 1), shape: [3], dtype: '<I' });
    file.close();
    const error = await code(readEmbeddings(path));
    expect(error.message).toMatch(/label 3000000000 at row 1 does not fit in int32/);
  });
});

describe('grid files: unknown keys and bad data keys fail before anything runs', () => {
  it('names a misspelt grid key and the key it resembles', () => {
    expect(() => validateGridSpec({ backbones: ['x'], datasets: ['y'], gens: ['mean'] }, 'g.yaml')).toThrow(/g\.yaml: unknown grid key "gens" \(did you mean "gen"\?\)/);
    expect(() => validateGridSpec({ backbones: ['x'], datasets: ['y'], trainlimit: 100 }, 'g.yaml')).toThrow(/unknown grid key "trainlimit" \(did you mean "trainLimit"\?\)/);
  });

  it('rejects negative or fractional input sizes, limits and seeds', () => {
    expect(() => validateGridSpec({ backbones: ['x'], datasets: ['y'], inputSize: -160 })).toThrow(/inputSize must be an integer ≥ 1, got -160/);
    expect(() => validateGridSpec({ backbones: ['x'], datasets: ['y'], testLimit: 2.5 })).toThrow(/testLimit must be an integer ≥ 1, got 2\.5/);
    expect(() => validateGridSpec({ backbones: ['x'], datasets: ['y'], seeds: [0, 'one'] })).toThrow(/seeds\[1\] must be an integer, got "one"/);
    expect(() => validateGridSpec({ backbones: ['x'], datasets: ['y'], fewshot: [5, 0] })).toThrow(/fewshot\[1\] .* must be an integer ≥ 1, got 0/);
  });

  it('rejects a misspelt method key inside the grid, and data keys placed in a method', () => {
    const registry = createStandardRegistry();
    expect(() => expandGrid({ backbones: ['x'], datasets: ['y'], methods: [{ preset: 'qi2018', metrc: 'cosine' }] }, registry)).toThrow(/unknown config key "metrc" \(did you mean "metric"\?\)/);
    expect(() => expandGrid({ backbones: ['x'], datasets: ['y'], methods: [{ preset: 'qi2018', dataset: 'mnist' }] }, registry)).toThrow(/methods\[0\] sets dataset; data keys, seeds and few-shot sizes belong at the top of the grid/);
  });

  it('rejects a worker count that is not a positive integer', async () => {
    const error = await code(runGrid({ runs: [], resultsPath: join(dir, 'w.jsonl'), workers: 1.5 }));
    expect(error.message).toMatch(/workers must be an integer ≥ 1, got 1\.5/);
  });

  it('rejects a task split naming a class the data does not have', () => {
    expect(() => selectClasses(set, [0, 9], undefined, 'mnist (train)')).toThrow(/asks for class 9, which mnist \(train\) does not have; its classes: 0, 1/);
    // a test subset may lack a class
    expect(selectClasses(set, [0, 9], undefined, 'mnist (test)', { requireAll: false }).shape).toEqual([1, 2]);
  });
});

describe('evaluation', () => {
  it('refuses an empty test set instead of reporting accuracy NaN', async () => {
    const empty: EmbeddingSet = { embeddings: new Float32Array(0), shape: [0, 2], labels: new Int32Array(0) };
    const error = await code(evaluateConfig(set, empty, { preset: 'qi2018' }, createStandardRegistry()));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/the test set has no samples/);
  });
});

const line = (id: string, accuracy: number): ResultLine => ({ id, accuracy, f1Weighted: accuracy, config: { backbone: 'b', dataset: 'd', split: 'all' } as never, timings: { generateMs: 1, predictMs: 1, memoised: false } });

describe('results files: nothing counted twice, nothing dropped silently', () => {
  it('counts a run id once when a file holds it twice (two writers once shared the file)', async () => {
    const path = join(dir, 'dup.jsonl');
    for (const [id, acc] of [['a', 50], ['b', 60], ['a', 99]] as const) appendResult(path, line(id, acc));
    const { results, duplicates } = readResults(path);
    expect(results.map((r) => [r.id, r.accuracy])).toEqual([['a', 50], ['b', 60]]);
    expect(duplicates).toBe(1);
  });

  it('refuses to merge a shard file that does not exist', () => {
    expect(() => mergeResults([join(dir, 'dup.jsonl'), join(dir, 'shard-typo.jsonl')])).toThrow(/shard-typo\.jsonl: no such results file/);
  });

  it('lets one grid process at a time write a results file; a stale lock is taken over', async () => {
    const path = join(dir, 'locked.jsonl');
    // a lock held by a live process on this host (this one's parent stands in for another run)
    await writeFile(`${path}.lock`, JSON.stringify({ pid: process.ppid, host: (await import('node:os')).hostname(), since: 'earlier' }));
    const error = await code(runGrid({ runs: [], resultsPath: path }));
    expect(error.code).toBe('LOCKED');
    expect(error.message).toMatch(new RegExp(`being written by another imprint-bench process \\(pid ${process.ppid}`));
    // a lock of a process that is gone is taken over, and released afterwards
    await writeFile(`${path}.lock`, JSON.stringify({ pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname(), since: 'earlier' }));
    await runGrid({ runs: [], resultsPath: path });
    await expect(readFile(`${path}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('statistics scale to the paper grid', () => {
  it('finds CD cliques for 300 methods (a quadratic search; the old search grew like k⁵)', () => {
    const groups = 8;
    const methods = 300;
    const scores = Array.from({ length: groups }, (_, g) => Array.from({ length: methods }, (_, m) => 50 + m * 0.1 + ((g * 7 + m * 13) % 11) * 0.01));
    const { cliques, friedman } = compareMethods(scores);
    expect(friedman.averageRanks).toHaveLength(methods);
    // every clique is a run of consecutive methods in rank order, none inside another
    for (const clique of cliques) expect(clique.length).toBeGreaterThan(1);
    for (let i = 1; i < cliques.length; i++) expect(cliques[i].at(-1)).not.toBe(cliques[i - 1].at(-1));
  });
});

describe('warnings and plugins', () => {
  it('prints a warning once per process, not once per run', () => {
    const sink = vi.fn();
    for (let i = 0; i < 128; i++) warnOnce('the same warning in every run of a grid', sink);
    expect(sink).toHaveBeenCalledTimes(1);
  });

  it('loads third-party plugins from a module file by name, and names a module that exports none', async () => {
    const registry = createStandardRegistry();
    const module = new URL('../../../../examples/centered-l2/src/index.ts', import.meta.url).pathname;
    const loaded = await usePluginModules(registry, [module]);
    expect([...loaded.values()]).toEqual([['normalizer centered-l2']]);
    expect(registry.has('normalizer', 'centered-l2')).toBe(true);
    const empty = join(dir, 'no-plugins.mjs');
    await writeFile(empty, 'export const answer = 42;\n');
    const error = await code(usePluginModules(createStandardRegistry(), [empty]));
    expect(error.message).toMatch(/exports no plugin entry/);
    await mkdir(join(dir, 'not-a-module'), { recursive: true });
    expect((await code(usePluginModules(createStandardRegistry(), ['./does-not-exist.js']))).code).toBe('BAD_FILE');
    // an installed package whose build output is missing (a workspace package in an unbuilt checkout)
    const unbuilt = join(dir, 'node_modules', 'imprint-plugin-unbuilt');
    await mkdir(unbuilt, { recursive: true });
    await writeFile(join(unbuilt, 'package.json'), JSON.stringify({ name: 'imprint-plugin-unbuilt', type: 'module', exports: { '.': { import: './dist/index.js' } } }));
    const missing = await code(usePluginModules(createStandardRegistry(), ['imprint-plugin-unbuilt'], dir));
    expect(missing).toMatchObject({ code: 'BAD_FILE', message: expect.stringMatching(/plugin module imprint-plugin-unbuilt is installed, but its entry file .*dist\/index\.js does not exist: the package is not built/) });
  });
});

describe('files that are not files', () => {
  it('gives one typed line for a directory where a file is expected and for an unwritable output', async () => {
    expect((await code(readEmbeddings(dir + '/'))).code).toMatch(/BAD_FILE|IO/);
    const error = await code(writeEmbeddings(join(dir, 'missing-folder', 'x.h5'), set));
    expect(error.code).toBe('IO');
    expect(error.message).toMatch(/cannot write .*x\.h5: no such file or directory/);
  });
});
