import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Registry } from '@imprint/core';
import { writeFileAtomic } from '@imprint/core/node';
import { EMBEDDED_BACKBONE_NAMES } from '@imprint/backbones';
import {
  createStandardRegistry,
  expandGrid,
  neuralCollapse,
  readResults,
  runGrid,
  writeReport,
  type GridRun,
} from '@imprint/eval';
import type { SelectedEngine } from '@imprint/eval';
import { DEFAULT_INPUT_SIZE, DEFAULT_TEST_LIMIT, DEFAULT_TRAIN_LIMIT, PROTOCOL_DATASETS, TABLE1_METHODS, checkBackbones, protocolEmbeddings } from './protocol.js';
import { Progress } from '../progress.js';

/** The paper's Table 1 (mean accuracy over 4 ImageNet FMs × 12 tasks). */
export const PAPER_TABLE1: Readonly<Record<string, number>> = {
  qi2018: 86.79,
  hosoda2024: 82.9,
  janson2022: 86.64,
  'imprintKmeans k=20': 91.06,
  leastSquaresOracle: 94.54,
};
const METHODS = [...TABLE1_METHODS];
const DATASETS = [...PROTOCOL_DATASETS];
const SPLITS = ['all', 'even', 'odd', 'short'];
/** NC1 is computed on at most this many train embeddings per FM × data set. */
const NC_SAMPLES = 2000;

export interface Table1Options {
  out: string;
  full?: boolean;
  backbones?: string;
  seeds?: number[];
  trainLimit?: number | 'all';
  testLimit?: number | 'all';
  workers?: number;
  resume?: boolean;
}

/** A limit from the command line: a number, "all" (no limit), or absent (the preset's). */
function resolveLimit(value: number | 'all' | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  return value === 'all' ? undefined : value;
}

/**
 * `imprint-bench table1`: the paper's Table 1 — Qi, Hosoda, Janson, IMPRINT k-means (k = 20) and
 * the least-squares oracle — over the embedded FMs × {MNIST, FashionMNIST} × {all, even, odd,
 * short} × 3 seeds; prints the table, CD result and NC1, and writes results/ (JSONL, report.md, SVG).
 */
export async function table1Command(options: Table1Options, registry: Registry = createStandardRegistry(), engine: SelectedEngine = {}): Promise<void> {
  const start = performance.now();
  const backbones = options.backbones?.split(',').map((s) => s.trim()) ?? EMBEDDED_BACKBONE_NAMES;
  checkBackbones(backbones, engine);
  const seeds = options.seeds ?? [0, 1, 2];
  const trainLimit = resolveLimit(options.trainLimit, options.full ? undefined : DEFAULT_TRAIN_LIMIT);
  const testLimit = resolveLimit(options.testLimit, options.full ? undefined : DEFAULT_TEST_LIMIT);
  const sizeOf = (backbone: string): string => `${backbone} at ${options.full ? 'its native size' : (DEFAULT_INPUT_SIZE[backbone] ?? 'its native size')}`;
  const protocol = `${options.full && options.trainLimit === undefined && options.testLimit === undefined ? 'full splits' : `${trainLimit ?? 'all'} train / ${testLimit ?? 'all'} test images per data set`}; ${backbones.map(sizeOf).join(', ')}`;
  const runs: GridRun[] = [];
  for (const backbone of backbones) {
    const inputSize = options.full ? undefined : DEFAULT_INPUT_SIZE[backbone];
    runs.push(
      ...expandGrid(
        {
          backbones: [backbone],
          ...(inputSize === undefined ? {} : { inputSize }),
          datasets: DATASETS,
          splits: SPLITS,
          seeds,
          ...(trainLimit === undefined ? {} : { trainLimit }),
          ...(testLimit === undefined ? {} : { testLimit }),
          methods: METHODS,
        },
        registry,
      ),
    );
  }
  await mkdir(options.out, { recursive: true });
  const resultsPath = join(options.out, 'table1.jsonl');
  process.stderr.write(`table1 (${protocol}): ${backbones.length} FMs × ${DATASETS.length} data sets × ${SPLITS.length} splits × ${seeds.length} seeds × ${METHODS.length} methods = ${runs.length} runs\n`);

  // Embeddings first (cached; a progress bar per split), then NC1 on the train embeddings.
  const nc1: Record<string, number> = {};
  const ncMeasures: Record<string, { nc1: number; traceWithin: number; traceBetween: number; rankBetween: number }> = {};
  for (const backbone of backbones) {
    for (const dataset of DATASETS) {
      const { train } = await protocolEmbeddings(backbone, dataset, { full: options.full ?? false, ...(trainLimit === undefined ? {} : { trainLimit }), ...(testLimit === undefined ? {} : { testLimit }) }, engine);
      const rows = Math.min(train.shape[0], NC_SAMPLES);
      const subset = { embeddings: train.embeddings.subarray(0, rows * train.shape[1]), shape: [rows, train.shape[1]] as const, labels: train.labels.subarray(0, rows) };
      const measured = neuralCollapse(subset, { vci: false });
      nc1[`${backbone}|${dataset}`] = measured.nc1;
      ncMeasures[`${backbone}|${dataset}`] = { nc1: measured.nc1, traceWithin: measured.traceWithin, traceBetween: measured.traceBetween, rankBetween: measured.rankBetween };
    }
  }
  const embedSeconds = (performance.now() - start) / 1000;
  await writeFileAtomic(join(options.out, 'nc1.json'), new TextEncoder().encode(`${JSON.stringify(nc1, null, 2)}\n`));
  await writeFileAtomic(join(options.out, 'nc.json'), new TextEncoder().encode(`${JSON.stringify(ncMeasures, null, 2)}\n`));

  // Only now, with every FM loaded and every embedding there (where a mistyped backbone or a bad
  // file fails), the previous results make way: kept as table1.previous.jsonl, not deleted.
  if (!options.resume) {
    const previous = join(options.out, 'table1.previous.jsonl');
    const moved = await rename(resultsPath, previous).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false;
        throw error;
      },
    );
    if (moved) process.stderr.write(`table1: the previous results are kept as ${previous} (--resume continues them instead)\n`);
  }
  let progress: Progress | undefined;
  const runStart = performance.now();
  const summary = await runGrid({
    runs,
    resultsPath,
    registry,
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(engine.module === undefined ? {} : { engineModule: engine.module, backboneLoaderModule: engine.module, ...(engine.options === undefined ? {} : { engineOptions: engine.options }) }),
    ...(engine.backbones === undefined ? {} : { backboneLoader: engine.backbones }),
    onProgress: (done, total) => {
      progress ??= new Progress('runs', total, '', runStart);
      progress.update(done);
    },
  });
  const ids = new Set(runs.map((r) => r.id));
  const results = readResults(resultsPath).results.filter((r) => ids.has(r.id));
  const { analysis, files } = await writeReport(results, options.out, {
    title: 'Table 1 on embedded FMs',
    describe: registry,
    nc1,
    ncMeasures,
    reference: PAPER_TABLE1,
    notes: `Protocol: ${protocol}; embedding engine: ${engine.backbones === undefined ? 'tf.js' : 'onnxruntime-node'}. Paper: 4 ImageNet FMs (ResNet-18/50, ViT-B/16, Swin-B) × MNIST, FashionMNIST, CIFAR-10 × 4 splits. Here: ${backbones.join(', ')} × MNIST, FashionMNIST × all/even/odd/short, seeds ${seeds.join(', ')}.`,
  });
  const seconds = (performance.now() - start) / 1000;

  const out: string[] = ['', `Table 1 — ${backbones.length} FMs × 2 data sets × 4 splits (${analysis.groups.length} groups), median of ${seeds.length} seeds`, ''];
  out.push(`${'method'.padEnd(22)} ${'mean acc'.padStart(9)} ${'avg rank'.padStart(9)} ${'paper'.padStart(7)}`);
  for (const m of analysis.methods) {
    const ref = PAPER_TABLE1[m.label];
    out.push(`${m.label.padEnd(22)} ${m.meanAccuracy.toFixed(2).padStart(9)} ${m.averageRank.toFixed(2).padStart(9)} ${(ref === undefined ? '–' : ref.toFixed(2)).padStart(7)}`);
  }
  out.push(
    '',
    'paper: the paper\'s Table 1, a mean over 4 ImageNet FMs (ResNet-18/50, ViT-B/16, Swin-B) × MNIST, FashionMNIST, CIFAR-10 on complete splits.',
    `Here: ${backbones.join(', ')}, no CIFAR-10, ${protocol}: weaker FMs and fewer images give lower numbers; compare the order of the methods (docs/reproducing-the-paper.md).`,
  );
  if (analysis.comparison !== undefined) {
    const names = analysis.methods.map((m) => m.label);
    out.push('', `Friedman χ² = ${analysis.comparison.friedman.statistic.toFixed(2)}, p = ${analysis.comparison.friedman.pValue.toExponential(2)}; not significantly different (Wilcoxon–Holm, α = 0.05): ${analysis.comparison.cliques.map((c) => `{${c.map((i) => names[i]).join(', ')}}`).join(' ') || 'none'}`);
  }
  out.push('', 'NC1 (train embeddings):', ...Object.entries(nc1).map(([k, v]) => `  ${k.replace('|', ' × ').padEnd(36)} ${v.toFixed(3)}`));
  out.push('', `${summary.completed} runs (${summary.memoHits} reused proxy sets); embeddings ${embedSeconds.toFixed(1)} s, total ${seconds.toFixed(1)} s. Wrote ${resultsPath} and ${files.map((f) => join(options.out, f)).join(', ')}`);
  process.stdout.write(`${out.join('\n')}\n`);
}
