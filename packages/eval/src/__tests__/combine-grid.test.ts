import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { createStandardRegistry, expandGrid, readResults, runGrid, type GridSpec, type ResultLine } from '../index.js';

/** A deterministic 8×8 image of class `c` (its own brightness pattern) with per-image noise. */
function image(c: number, n: number, source: number): Buffer {
  const png = new PNG({ width: 8, height: 8 });
  let state = (c * 7919 + n * 104729 + source * 1299709) >>> 0;
  for (let p = 0; p < 64; p++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const value = Math.max(0, Math.min(255, (0.25 * ((p * (c + 1) * 37 + source * 90) % 256) + 0.75 * (state >>> 24)) | 0));
    png.data.set([value, value, value, 255], p * 4);
  }
  return PNG.sync.write(png);
}

/** Write `files[class] = [[name, bytes], …]` under root/part/class. */
async function write(root: string, part: string, files: Record<string, [string, Buffer][]>): Promise<void> {
  for (const [name, list] of Object.entries(files)) {
    await mkdir(join(root, part, name), { recursive: true });
    for (const [file, bytes] of list) await writeFile(join(root, part, name, file), bytes);
  }
}

describe('a combined and a remapped data set in a grid', () => {
  it('give exactly the results of the equivalent hand-built data set (same rows, same labels)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-combine-'));
    // Two sources of two classes each; per part, class c of source s has images named s-c-n.
    const counts = { train: 6, test: 4 } as const;
    const sources = ['a', 'b'];
    const images = (s: number, c: number, part: 'train' | 'test'): [string, Buffer][] => Array.from({ length: counts[part] }, (_, n) => [`${sources[s]}-${c}-${n}.png`, image(c, n + (part === 'test' ? 50 : 0), s)]);
    for (const part of ['train', 'test'] as const) {
      for (const [s, name] of sources.entries()) await write(join(dir, name), part, { c0: images(s, 0, part), c1: images(s, 1, part) });
      // By hand: the combination (a's classes 0, 1, b's as 2, 3) and the merge of 0 with 2 and 1 with 3.
      await write(join(dir, 'four'), part, { k0: images(0, 0, part), k1: images(0, 1, part), k2: images(1, 0, part), k3: images(1, 1, part) });
      await write(join(dir, 'merged'), part, { m0: [...images(0, 0, part), ...images(1, 0, part)], m1: [...images(0, 1, part), ...images(1, 1, part)] });
    }
    const registry = createStandardRegistry();
    const methods: GridSpec['methods'] = ['qi2018', { preset: 'imprintKmeans', k: 2 }, { gen: 'all', agg: 'mnn', m: 3 }];
    const common = { backbones: ['pixels'], inputSize: 8, splits: ['*'], seeds: [0, 1], methods };
    const combined = expandGrid({ ...common, datasets: [[`folder:${join(dir, 'a')}`, `folder:${join(dir, 'b')}`]], remappings: { none: {}, merged: { 0: 0, 2: 0, 1: 1, 3: 1 } } }, registry);
    const byHand = expandGrid({ ...common, datasets: [`folder:${join(dir, 'four')}`, `folder:${join(dir, 'merged')}`] }, registry);
    expect(combined).toHaveLength(12);
    const cacheDir = join(dir, 'cache');
    await runGrid({ runs: [...combined, ...byHand], resultsPath: join(dir, 'r.jsonl'), cacheDir, log: () => undefined });
    const results = readResults(join(dir, 'r.jsonl')).results;
    const outcome = (r: ResultLine) => ({ accuracy: r.accuracy, f1: r.f1Weighted, proxies: r.proxies, classes: r.classes, confusion: r.confusion });
    const find = (predicate: (r: ResultLine) => boolean) => results.filter(predicate).sort((x, y) => `${x.config.gen}${x.config.k}${x.config.seed}`.localeCompare(`${y.config.gen}${y.config.k}${y.config.seed}`)).map(outcome);
    const plain = find((r) => r.config.dataset.includes(' + ') && r.config.remap === undefined);
    const merged = find((r) => r.config.remap === 'merged');
    expect(plain).toHaveLength(6);
    // not a trivial task: the comparison would hold for any method that is always right
    expect(Math.min(...plain.map((p) => p.accuracy), ...merged.map((p) => p.accuracy))).toBeLessThan(100);
    expect(plain).toEqual(find((r) => r.config.dataset.endsWith('four')));
    expect(merged).toEqual(find((r) => r.config.dataset.endsWith('merged')));
    expect(plain[0]!.classes).toEqual([0, 1, 2, 3]);
    expect(merged[0]!.classes).toEqual([0, 1]);
    // the runs record what they ran on
    expect(results.find((r) => r.config.remap === 'merged')!.config).toMatchObject({ dataset: `folder:${join(dir, 'a')} + folder:${join(dir, 'b')}`, remapLabels: { 0: 0, 1: 1, 2: 0, 3: 1 } });
  });
});
