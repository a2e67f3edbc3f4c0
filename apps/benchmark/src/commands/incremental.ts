import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ImprintError, PRESET_NAMES, checkInteger, createRng, deriveSeed, type PresetName, type Registry } from '@imprint/core';
import { writeFileAtomic } from '@imprint/core/node';
import { EMBEDDED_BACKBONE_NAMES } from '@imprint/backbones';
import { classOrder, createStandardRegistry, labelsOf, lineChart, lineChartPng, runIncremental, type IncrementalResult } from '@imprint/eval';
import type { SelectedEngine } from '@imprint/eval';
import { Progress } from '../progress.js';
import { DEFAULT_TEST_LIMIT, DEFAULT_TRAIN_LIMIT, PROTOCOL_DATASETS, TABLE1_METHODS, checkBackbones, protocolEmbeddings } from './protocol.js';

export interface IncrementalCommandOptions {
  out: string;
  backbones?: string;
  orders?: number;
  classesPerTask?: number;
  methods?: string;
  trainLimit?: number;
  testLimit?: number;
}

/**
 * `imprint-bench incremental`: the class-incremental protocol — each data set's ten classes arrive
 * as tasks of `classesPerTask` (default 5 tasks of 2), in several class orders (order 0 ascending,
 * the others seeded shuffles); each method's head grows with `addClass`; after every task it is
 * tested on all classes seen so far. The least-squares oracle re-solves on all seen data at every
 * task (the upper bound). Writes `incremental.jsonl`, `report.md` and charts (SVG and PNG).
 */
export async function incrementalCommand(options: IncrementalCommandOptions, registry: Registry = createStandardRegistry(), engine: SelectedEngine = {}): Promise<void> {
  const start = performance.now();
  const backbones = options.backbones?.split(',').map((s) => s.trim()) ?? EMBEDDED_BACKBONE_NAMES;
  checkBackbones(backbones, engine);
  const methods = options.methods?.split(',').map((s) => s.trim()) ?? [...TABLE1_METHODS];
  for (const m of methods) if (!(PRESET_NAMES as readonly string[]).includes(m)) throw new ImprintError('UNKNOWN_PLUGIN', `--methods: unknown preset ${JSON.stringify(m)}; presets: ${PRESET_NAMES.join(', ')}`);
  const orders = checkInteger(options.orders ?? 3, '--orders', { min: 1 });
  const perTask = checkInteger(options.classesPerTask ?? 2, '--classes-per-task', { min: 1 });
  await mkdir(options.out, { recursive: true });
  const lines: string[] = [];
  const runs: { method: string; result: IncrementalResult }[] = [];
  const total = backbones.length * PROTOCOL_DATASETS.length * orders * methods.length;
  let progress: Progress | undefined;
  let tasksPerRun = 0;
  for (const backbone of backbones) {
    for (const dataset of PROTOCOL_DATASETS) {
      const { train, test } = await protocolEmbeddings(backbone, dataset, { trainLimit: options.trainLimit ?? DEFAULT_TRAIN_LIMIT, testLimit: options.testLimit ?? DEFAULT_TEST_LIMIT }, engine);
      const classes = labelsOf(train);
      for (let order = 0; order < orders; order++) {
        const rng = createRng(deriveSeed(order, 'class order'));
        const sequence = classOrder(classes, order, (n) => rng.int(n));
        const tasks: number[][] = [];
        for (let i = 0; i < sequence.length; i += perTask) tasks.push(sequence.slice(i, i + perTask));
        tasksPerRun = tasks.length;
        for (const method of methods) {
          const result = await runIncremental({ train, test, tasks, config: { preset: method as PresetName }, registry, seed: order });
          runs.push({ method, result });
          lines.push(JSON.stringify({ backbone, dataset, order, tasks, method, ...result }));
          progress ??= new Progress('incremental runs', total);
          progress.tick();
        }
      }
    }
  }
  await writeFileAtomic(join(options.out, 'incremental.jsonl'), new TextEncoder().encode(`${lines.join('\n')}\n`));

  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const of = (method: string) => runs.filter((r) => r.method === method).map((r) => r.result);
  const curve = (method: string) => Array.from({ length: tasksPerRun }, (_, t) => [t + 1, mean(of(method).map((r) => r.accuracy[t]))] as [number, number]);
  const chart = { title: 'Class-incremental: accuracy on all classes seen so far', xLabel: 'task', yLabel: 'accuracy (%)' };
  const series = methods.map((m) => ({ name: m, points: curve(m) }));
  await writeFileAtomic(join(options.out, 'incremental-accuracy.svg'), new TextEncoder().encode(lineChart(series, chart)));
  await writeFileAtomic(join(options.out, 'incremental-accuracy.png'), lineChartPng(series, chart));
  const table = [
    '| method | final accuracy | average incremental accuracy | forgetting | proxies stored (final) | ms per task |',
    '|---|---|---|---|---|---|',
    ...methods.map((m) => {
      const rs = of(m);
      return `| ${m} | ${mean(rs.map((r) => r.accuracy.at(-1)!)).toFixed(2)} | ${mean(rs.map((r) => r.averageIncrementalAccuracy)).toFixed(2)} | ${mean(rs.map((r) => r.forgetting)).toFixed(2)} | ${mean(rs.map((r) => r.proxies.at(-1)!)).toFixed(1)} | ${mean(rs.flatMap((r) => r.msPerTask)).toFixed(1)} |`;
    }),
  ];
  const report = [
    '# Class-incremental imprinting',
    '',
    `${backbones.join(', ')} × ${PROTOCOL_DATASETS.join(', ')}; ten classes in ${tasksPerRun} tasks of ${perTask}, ${orders} class orders (order 0 ascending, others seeded shuffles); ${options.trainLimit ?? DEFAULT_TRAIN_LIMIT} train / ${options.testLimit ?? DEFAULT_TEST_LIMIT} test images per data set. After each task the head (grown with addClass) is tested on every class seen so far. Forgetting: mean over the earlier tasks of the drop from their best accuracy to their final one. The least-squares oracle re-solves on all seen data at each task. Means over FMs, data sets and orders.`,
    '',
    ...table,
    '',
    '![accuracy after each task](incremental-accuracy.svg)',
    '',
    'PNG: [incremental-accuracy.png](incremental-accuracy.png)',
    '',
  ].join('\n');
  await writeFileAtomic(join(options.out, 'report.md'), new TextEncoder().encode(report));
  process.stdout.write(`\n${table.join('\n')}\n\n${runs.length} runs in ${((performance.now() - start) / 1000).toFixed(1)} s. Wrote ${['incremental.jsonl', 'report.md', 'incremental-accuracy.svg', 'incremental-accuracy.png'].map((f) => join(options.out, f)).join(', ')}\n`);
}
