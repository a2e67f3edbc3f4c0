import { describe, expect, it } from 'vitest';
import { canonicalJson, checkLabelRemapping, combinationOffsets, combineEmbeddingSets, expandGrid, createStandardRegistry, gridParts, remapEmbeddingSet, selectGridScale, type EmbeddingSet, type GridSpec } from '../index.js';
import { PythonRandom } from '../experiments/python-random.js';
import { referenceRandomClassRemappings } from '../experiments/reference-remappings.js';
import { createHash } from 'node:crypto';

const set = (labels: number[], dim = 2, start = 0): EmbeddingSet => ({
  embeddings: Float32Array.from({ length: labels.length * dim }, (_, i) => start + i),
  shape: [labels.length, dim],
  labels: Int32Array.from(labels),
});

describe('data sets combined into one, and label remappings (the reference semantics)', () => {
  it('offsets each set by the distinct labels of the train parts before it, rows in order', () => {
    const a = set([0, 1, 1, 2]);
    const b = set([1, 0], 2, 100);
    const offsets = combinationOffsets([a, b]);
    expect(offsets).toEqual([0, 3]);
    const both = combineEmbeddingSets([a, b], offsets, ['a', 'b']);
    expect([...both.labels]).toEqual([0, 1, 1, 2, 4, 3]);
    expect(both.shape).toEqual([6, 2]);
    expect([...both.embeddings.subarray(8)]).toEqual([100, 101, 102, 103]);
    // A test part is numbered by its train part: offsets come from the train sets, whatever the test set has.
    expect([...combineEmbeddingSets([set([2]), set([0])], offsets).labels]).toEqual([2, 3]);
    expect(() => combineEmbeddingSets([a, set([0], 3)], [0, 3], ['a', 'wide'])).toThrow(/one width: a has 2, wide 3/);
  });

  it('remaps labels, merging classes and leaving out rows of labels it does not list (the reference maps them to -1)', () => {
    const merged = remapEmbeddingSet(set([0, 1, 2, 3, 4]), { 0: 0, 3: 0, 1: 1, 4: 1 });
    expect([...merged.labels]).toEqual([0, 1, 0, 1]);
    expect([...merged.embeddings]).toEqual([0, 1, 2, 3, 6, 7, 8, 9]);
    const same = set([0, 1]);
    expect(remapEmbeddingSet(same, {})).toBe(same);
    expect(() => remapEmbeddingSet(set([0, 1]), { 7: 0 })).toThrow(/keeps no row of the data: it maps labels 7, the data has 0, 1/);
    expect(() => checkLabelRemapping({ a: 1 })).toThrow(/"a" is not a label/);
    expect(() => checkLabelRemapping({ 1: -1 })).toThrow(/label 1 maps to -1; a class is a non-negative integer/);
  });

  it('are grid keys: lists in datasets, named remappings crossed with every data set', () => {
    const registry = createStandardRegistry();
    const runs = expandGrid({ backbones: ['pixels'], datasets: ['mnist', ['mnist', 'fashion_mnist']], remappings: { none: {}, pairs: { 11: 1, 10: 0, 0: 0, 1: 1 } }, splits: ['*'], methods: ['qi2018'] }, registry);
    expect(runs.map((r) => [r.dataset, r.remap ?? null])).toEqual([
      ['mnist', null],
      ['mnist', 'pairs'],
      ['mnist + fashion_mnist', null],
      ['mnist + fashion_mnist', 'pairs'],
    ]);
    // recorded with its labels in ascending order: the same remapping written in another order is the same run
    expect(runs[1]!.remapLabels).toEqual({ 0: 0, 1: 1, 10: 0, 11: 1 });
    expect(canonicalJson(runs[1]!.remapLabels)).toBe('{"0":0,"1":1,"10":0,"11":1}');
    expect(() => expandGrid({ backbones: ['pixels'], datasets: [['mnist', 'folder:a + b']], methods: ['qi2018'] }, registry)).toThrow(/"folder:a \+ b" contains " \+ "/);
    expect(() => expandGrid({ backbones: ['pixels'], datasets: ['mnist'], remappings: { bad: { 0: 'x' } }, methods: ['qi2018'] } as never, registry)).toThrow(/remapping "bad": label 0 maps to "x"/);
  });
});

describe("CPython's random, for the reference's seeded class draws", () => {
  it('gives the numbers CPython 3 gives (sample by set and by pool, shuffle)', () => {
    // CPython: random.seed(42); random.sample(range(1000), 50)[:8] — the reference's fifty_fixed_random_ints
    expect(new PythonRandom(42).sample(Array.from({ length: 1000 }, (_, i) => i), 50).slice(0, 8)).toEqual([654, 114, 25, 759, 281, 250, 228, 142]);
    // CPython: random.seed(420); random.sample(range(1000), 100)[:10]
    expect(new PythonRandom(420).sample(Array.from({ length: 1000 }, (_, i) => i), 100).slice(0, 10)).toEqual([26, 689, 800, 373, 279, 412, 97, 782, 679, 694]);
  });

  it("rebuilds RANDOM_CLASS_REMAPPINGS exactly (SHA-256 of CPython's json.dumps(sort_keys=True, separators=(',', ':')))", () => {
    const remappings = referenceRandomClassRemappings();
    expect(Object.keys(remappings)).toHaveLength(100);
    // CPython: the reference's prep.py loop; map2-0 as printed by it
    expect(remappings['map2-0']).toEqual({ 214: 0, 923: 0, 47: 1, 689: 1, 528: 2, 32: 2, 496: 3, 253: 3, 723: 4, 109: 4, 97: 5, 665: 5, 532: 6, 684: 6, 782: 7, 642: 7, 412: 8, 9: 8, 992: 9, 373: 9 });
    expect(createHash('sha256').update(canonicalJson(remappings)).digest('hex')).toBe('40296a0f5f19be5da1b1fabc983d2be36a903833034a61fa39ff51b54718047e');
  });
});

describe('grids with scales and parts', () => {
  const registry = createStandardRegistry();
  const study: GridSpec = {
    backbones: ['pixels'],
    datasets: ['mnist'],
    gen: ['mean'],
    parts: [{ gen: ['kmeans'], k: [1, 5] }, { gen: ['mean'] }, { gen: ['kmeans'], k: [5] }],
    scales: { quick: { seeds: [0], trainLimit: 100 }, paper: { seeds: [0, 1, 2], trainLimit: null } },
  };

  it('a scale replaces keys (null removes one); the first scale is the default; parts are one grid, duplicates once', () => {
    expect(selectGridScale(study).scale).toBe('quick');
    const quick = expandGrid(study, registry);
    expect(quick.map((r) => [r.gen, r.k, r.seed, r.trainLimit])).toEqual([
      ['kmeans', 1, 0, 100],
      ['kmeans', 5, 0, 100],
      ['mean', 1, 0, 100],
    ]);
    const paper = expandGrid(selectGridScale(study, 'paper').spec, registry);
    expect(paper).toHaveLength(9);
    expect(paper.every((r) => r.trainLimit === undefined)).toBe(true);
    expect(gridParts(selectGridScale(study, 'paper').spec)).toHaveLength(3);
  });

  it('refuses unknown scales and misplaced keys, naming them', () => {
    expect(() => selectGridScale(study, 'papr', 'study.yaml')).toThrow(/study\.yaml has no scale "papr" \(did you mean "paper"\?\); its scales: quick, paper/);
    expect(() => selectGridScale({ backbones: ['pixels'], datasets: ['mnist'] }, 'quick', 'g.yaml')).toThrow(/g\.yaml has no scales/);
    expect(() => expandGrid({ ...study, parts: [{ gens: ['mean'] }] }, registry)).toThrow(/parts\[0\] sets "gens" \(did you mean "gen"\?\)/);
    expect(() => expandGrid({ ...study, scales: { quick: { scales: {} } } }, registry)).toThrow(/scale "quick" sets "scales" \(not inside scales or parts\)/);
    expect(() => expandGrid({ ...study, parts: [{ k: ['x'] }] }, registry)).toThrow(/k/);
  });
});
