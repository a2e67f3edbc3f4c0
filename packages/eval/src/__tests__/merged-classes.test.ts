import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bestKPerMerge, mergedClassCount, mergedClassPoints, writeReport, type ResultLine } from '../index.js';

/** A remapping of 20 labels onto 20/d classes (label o → o mod 20/d), as subsec3-multimodal.yaml writes them. */
const remapping = (d: number) => Object.fromEntries(Array.from({ length: 20 }, (_, o) => [String(o), o % (20 / d)]));

/** Results whose accuracy (hand-set) peaks at k = d for k-means, at k = 1 for kls; two seeds, two remappings for d = 2. */
function results(): ResultLine[] {
  const out: ResultLine[] = [];
  const push = (config: Record<string, unknown>, accuracy: number) =>
    out.push({ id: String(out.length), config: { backbone: 'fm', split: '*', agg: 'max', ...config } as unknown as ResultLine['config'], accuracy, f1Weighted: accuracy, timings: { generateMs: 1, predictMs: 1, memoised: false } });
  const remaps: [string | undefined, number, Record<string, number> | undefined][] = [
    [undefined, 1, undefined],
    ['d2', 2, remapping(2)],
    ['d2b', 2, Object.fromEntries(Object.entries(remapping(2)).map(([o, c]) => [o, 9 - c]))],
    ['d4', 4, remapping(4)],
  ];
  for (const [remap, d, labels] of remaps) {
    for (const k of [1, 2, 3, 4, 5]) {
      for (const seed of [0, 1]) {
        const data = { dataset: 'mnist + fashion_mnist', seed, ...(remap === undefined ? {} : { remap, remapLabels: labels }) };
        // k-means: 90 at k = d, less the farther k is from d; the d2b remapping 2 points below d2; seed 1 one point above seed 0
        push({ ...data, gen: 'kmeans', k, normPre: 'l2', normPost: 'l2', normInf: 'l2' }, 90 - 3 * Math.abs(k - d) - (remap === 'd2b' ? 2 : 0) + seed);
        push({ ...data, gen: 'kls', k, normPre: 'none', normPost: 'none', normInf: 'none' }, 80 - k + seed);
        // another normalization: not the analysed method, left out
        push({ ...data, gen: 'kmeans', k, normPre: 'none', normPost: 'l2', normInf: 'l2' }, 10);
      }
    }
  }
  // a data set never remapped: a whole-data-set line
  for (const k of [1, 2, 3, 4, 5]) push({ dataset: 'mnist', seed: 0, gen: 'kmeans', k, normPre: 'l2', normPost: 'l2', normInf: 'l2' }, 95 - k);
  return out;
}

describe("the paper's multi-modal class analysis (§5.3: Fig. 11a/b, A.8)", () => {
  it('d is the labels a remapping lists over the classes they go to', () => {
    const config = (remapLabels?: Record<string, number>) => ({ remapLabels }) as unknown as ResultLine['config'];
    expect(mergedClassCount(config(remapping(4)))).toBe(4);
    expect(mergedClassCount(config({ 0: 0, 1: 0, 2: 1 }))).toBe(1.5);
    expect(mergedClassCount(config())).toBeUndefined();
  });

  it('averages median-over-seeds over remappings of equal d and finds the best k per d', () => {
    const points = mergedClassPoints(results());
    // d = 2, k = 2: median over seeds of (90, 91) = 90.5 (d2) and (88, 89) = 88.5 (d2b) → mean 89.5
    expect(points.find((p) => p.method === 'kmeans' && p.d === 2 && p.k === 2)).toMatchObject({ accuracy: 89.5, remappings: 2, dataset: 'mnist + fashion_mnist' });
    // the unremapped runs of the remapped data set are d = 1; the never-remapped data set is not a point
    expect(points.filter((p) => p.d === 1 && p.method === 'kmeans').map((p) => p.accuracy)).toEqual([90.5, 87.5, 84.5, 81.5, 78.5]);
    expect(points.some((p) => p.dataset === 'mnist')).toBe(false);
    const best = bestKPerMerge(points);
    expect(best.filter((b) => b.method === 'kmeans').map((b) => [b.d, b.bestK, b.bestAccuracy, b.accuracyK1])).toEqual([
      [1, 1, 90.5, 90.5],
      [2, 2, 89.5, 86.5],
      [4, 4, 90.5, 81.5],
    ]);
    expect(best.filter((b) => b.method === 'kls').map((b) => b.bestK)).toEqual([1, 1, 1]);
  });

  it('the report draws accuracy vs k per d (whole data sets dashed), accuracy vs d, NC1 vs d, and tabulates the best k', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-merged-'));
    const nc1 = { 'fm|mnist + fashion_mnist': 2, 'fm|mnist + fashion_mnist [d2]': 3, 'fm|mnist + fashion_mnist [d2b]': 5, 'fm|mnist + fashion_mnist [d4]': 7, 'fm|mnist': 1 };
    const { files } = await writeReport(results(), dir, { nc1 });
    expect(files).toEqual(expect.arrayContaining(['accuracy-vs-k-merged-fm.svg', 'accuracy-vs-k-merged-fm.png', 'accuracy-vs-d-fm.svg', 'accuracy-vs-d-fm.png', 'nc1-vs-d.svg', 'nc1-vs-d.png']));
    const byK = await readFile(join(dir, 'accuracy-vs-k-merged-fm.svg'), 'utf8');
    expect(byK).toContain('mnist + fashion_mnist, 2 in 1');
    expect(byK).toContain('mnist (whole)');
    expect(byK.match(/stroke-dasharray/g)).toHaveLength(1);
    const nc = await readFile(join(dir, 'nc1-vs-d.svg'), 'utf8');
    // NC1 at d = 2 is the mean over its two remappings: 4 → the y axis runs 2 … 7
    expect(nc).toContain('>2.0<');
    expect(nc).toContain('>7.0<');
    const report = await readFile(join(dir, 'report.md'), 'utf8');
    expect(report).toContain('| fm | mnist + fashion_mnist | kmeans | 4 | 81.50 | 4 | 90.50 | 1–5 |');
    // the PNG twin is a PNG (signature), and the accuracy-vs-d chart has the four lines of Fig. A.8
    expect([...(await readFile(join(dir, 'accuracy-vs-d-fm.png'))).subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const byD = await readFile(join(dir, 'accuracy-vs-d-fm.svg'), 'utf8');
    for (const name of ['mean (k-means, k = 1)', 'least squares (kls, k = 1)', 'k-means, best k', 'k-least-squares, best k']) expect(byD).toContain(name);
  });
});
