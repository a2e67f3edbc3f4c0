import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReport, type ResultLine } from '../index.js';
import { cdDiagram, chartLayout } from '../experiments/charts.js';

/** Positions of the `<text>` elements of an SVG, with their text. */
function texts(svg: string): { x: number; y: number; anchor: string; text: string }[] {
  return [...svg.matchAll(/<text x="([\d.-]+)" y="([\d.-]+)"(?: text-anchor="(\w+)")?[^>]*>([^<]*)<\/text>/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]), anchor: m[3] ?? 'start', text: m[4] }));
}

describe('charts a reader can read', () => {
  it('accuracy-vs-k ticks are the grid’s k values (1, 2, 5, 10, 20), not 1.0, 2.1, 4.5, 9.5', () => {
    const series = [1, 2].map((s) => ({ name: `m${s}`, points: [1, 2, 5, 10, 20].map((k) => [k, 80 + s + Math.log(k)] as const) }));
    expect(chartLayout(series, true).xTicks.map((t) => t.label)).toEqual(['1', '2', '5', '10', '20']);
    // many distinct values: round 1-2-5 ticks on a log axis, spaced so labels never overlap
    const dense = [{ name: 'm', points: Array.from({ length: 100 }, (_, i) => [i + 1, i] as const) }];
    const ticks = chartLayout(dense, true).xTicks;
    expect(ticks.map((t) => t.label)).toEqual(['1', '2', '5', '10', '20', '50', '100']);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i].at - ticks[i - 1].at).toBeGreaterThanOrEqual(22);
     // a linear axis with many values (k = 1 … 15, 20): round steps, not 5.75, 10.5, 15.3
    const linear = [{ name: 'm', points: [...Array.from({ length: 15 }, (_, i) => i + 1), 20].map((k) => [k, k] as const) }];
    expect(chartLayout(linear, false).xTicks.map((t) => t.label)).toEqual(['5', '10', '15', '20']);
  });

  it('the CD diagram puts 20 long labels outside the rank axis, none overlapping and none crossed by a line', () => {
    const names = Array.from({ length: 20 }, (_, i) => `l2/kmeans k=${i + 1}/l2/l2/max take=${i}`);
    const ranks = names.map((_, i) => 1 + i * 0.9);
    const svg = cdDiagram(names, ranks, [[0, 1, 2], [5, 6]]);
    const labels = texts(svg).filter((t) => t.text.startsWith('l2/'));
    expect(labels).toHaveLength(20);
    const axis = /<line x1="([\d.]+)" y1="60" x2="([\d.]+)" y2="60"/.exec(svg)!;
    const [axisLeft, axisRight] = [Number(axis[1]), Number(axis[2])];
    const width = (t: { text: string }) => t.text.length * 6.6;
    for (const label of labels) {
      // left labels end left of the axis, right labels start right of it: vertical lines stay inside
      if (label.anchor === 'end') expect(label.x).toBeLessThan(axisLeft);
      else expect(label.x).toBeGreaterThan(axisRight);
      expect(label.anchor === 'end' ? label.x - width(label) : label.x + width(label)).toBeGreaterThan(0);
    }
    const svgWidth = Number(/width="(\d+)"/.exec(svg)![1]);
    for (const label of labels) if (label.anchor === 'start') expect(label.x + width(label)).toBeLessThanOrEqual(svgWidth);
    // labels on one side are at least a line apart
    for (const side of ['start', 'end']) {
      const ys = labels.filter((l) => l.anchor === side).map((l) => l.y).sort((a, b) => a - b);
      for (let i = 1; i < ys.length; i++) expect(ys[i] - ys[i - 1]).toBeGreaterThanOrEqual(16);
    }
  });

  it('draws the paper’s Fig. 6: accuracy against k for every GEN method swept over k', async () => {
    const results: ResultLine[] = [];
    for (const gen of ['kmeans', 'kmedoids', 'random']) {
      for (const k of [1, 5, 20]) {
        for (const backbone of ['a', 'b']) {
          const accuracy = 50 + k / 2 + (gen === 'kmeans' ? 5 : gen === 'kmedoids' ? 3 : 0) + (backbone === 'a' ? 1 : -1);
          const config = { backbone, dataset: 'mnist', split: 'all', normPre: 'l2', gen, k, normPost: 'l2', normInf: 'l2', agg: 'max', seed: 0 } as unknown as ResultLine['config'];
          results.push({ id: `${gen}-${k}-${backbone}`, config, accuracy, f1Weighted: accuracy, timings: { generateMs: k, predictMs: 1, memoised: false } });
        }
      }
    }
    const dir = await mkdtemp(join(tmpdir(), 'imprint-fig6-'));
    const { files } = await writeReport(results, dir);
    expect(files).toContain('accuracy-vs-k-methods-mnist.svg');
    const svg = await readFile(join(dir, 'accuracy-vs-k-methods-mnist.svg'), 'utf8');
    const labels = texts(svg).map((t) => t.text);
    expect(labels).toEqual(expect.arrayContaining(['l2/kmeans/l2/l2/max', 'l2/kmedoids/l2/l2/max', 'l2/random/l2/l2/max', '1', '5', '20']));
    expect(svg.match(/<polyline/g)).toHaveLength(3);
    expect(await readFile(join(dir, 'report.md'), 'utf8')).toContain('![accuracy vs k per method, mnist](accuracy-vs-k-methods-mnist.svg)');
  });
});
