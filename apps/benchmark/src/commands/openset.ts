import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ImprintError, PRESET_NAMES, type ConfidenceMeasure, type PresetName, type Registry } from '@imprint/core';
import { writeFileAtomic } from '@imprint/core/node';
import { EMBEDDED_BACKBONE_NAMES } from '@imprint/backbones';
import { createStandardRegistry, labelsOf, runOpenSet, type OpenSetResult } from '@imprint/eval';
import type { SelectedEngine } from '@imprint/eval';
import { Progress } from '../progress.js';
import { DEFAULT_TEST_LIMIT, DEFAULT_TRAIN_LIMIT, PROTOCOL_DATASETS, TABLE1_METHODS, checkBackbones, protocolEmbeddings } from './protocol.js';

export interface OpenSetCommandOptions {
  out: string;
  backbones?: string;
  known?: number[];
  seeds?: number[];
  falseRejectRate?: number;
  by?: ConfidenceMeasure | 'auto';
  methods?: string;
  trainLimit?: number;
  testLimit?: number;
}

const CONFIDENCE_TEXT: Record<ConfidenceMeasure | 'auto', string> = {
  auto: 'per method: for mnn heads the distance margin — the distance to the nearest proxy of another class minus that to the predicted class — else the winning score',
  score: 'the winning score',
  margin: 'the margin of the winning score over the runner-up',
  share: "the winner's share of the scores (votes)",
  distance: 'minus the distance to the nearest proxy of the predicted class',
  'distance-margin': 'the distance to the nearest proxy of another class minus that to the predicted class',
};

type Measured = 'auroc' | 'closedSetAccuracy' | 'openSetAccuracy' | 'knownRejected' | 'unknownRejected';

/**
 * `imprint-bench openset`: the standard open-set protocol for each Table-1 method — train on the
 * known classes (default 0–5), test on all ten (6–9 unknown), the rejection threshold calibrated on
 * held-out known train samples for a target false-reject rate — per FM × data set × seed. Writes
 * `openset.jsonl` and `report.md` (AUROC, closed-set accuracy, accuracy at the threshold,
 * rejection rates; mean over FMs, data sets and seeds).
 */
export async function opensetCommand(options: OpenSetCommandOptions, registry: Registry = createStandardRegistry(), engine: SelectedEngine = {}): Promise<void> {
  const start = performance.now();
  const backbones = options.backbones?.split(',').map((s) => s.trim()) ?? EMBEDDED_BACKBONE_NAMES;
  checkBackbones(backbones, engine);
  const methods = options.methods?.split(',').map((s) => s.trim()) ?? [...TABLE1_METHODS];
  for (const m of methods) if (!(PRESET_NAMES as readonly string[]).includes(m)) throw new ImprintError('UNKNOWN_PLUGIN', `--methods: unknown preset ${JSON.stringify(m)}; presets: ${PRESET_NAMES.join(', ')}`);
  const known = options.known ?? [0, 1, 2, 3, 4, 5];
  const seeds = options.seeds ?? [0, 1, 2];
  const falseRejectRate = options.falseRejectRate ?? 0.05;
  const by = options.by ?? 'auto';
  await mkdir(options.out, { recursive: true });
  const lines: string[] = [];
  const rows: { backbone: string; dataset: string; method: string; seed: number; result: OpenSetResult }[] = [];
  const total = backbones.length * PROTOCOL_DATASETS.length * methods.length * seeds.length;
  let progress: Progress | undefined;
  for (const backbone of backbones) {
    for (const dataset of PROTOCOL_DATASETS) {
      const { train, test } = await protocolEmbeddings(backbone, dataset, { trainLimit: options.trainLimit ?? DEFAULT_TRAIN_LIMIT, testLimit: options.testLimit ?? DEFAULT_TEST_LIMIT }, engine);
      const unknown = labelsOf(test).filter((c) => !known.includes(c));
      for (const method of methods) {
        for (const seed of seeds) {
          const result = await runOpenSet({ train, test, known, config: { preset: method as PresetName }, registry, falseRejectRate, by, seed });
          rows.push({ backbone, dataset, method, seed, result });
          lines.push(JSON.stringify({ backbone, dataset, known, unknown, method, seed, falseRejectRate, ...result }));
          progress ??= new Progress('open-set runs', total);
          progress.tick();
        }
      }
    }
  }
  await writeFileAtomic(join(options.out, 'openset.jsonl'), new TextEncoder().encode(`${lines.join('\n')}\n`));
  const mean = (method: string, key: Measured) => {
    const values = rows.filter((r) => r.method === method).map((r) => r.result[key]);
    return values.reduce((a, b) => a + b, 0) / values.length;
  };
  const table = [
    '| method | confidence | AUROC | closed-set accuracy | open-set accuracy at the threshold | known rejected | unknown rejected |',
    '|---|---|---|---|---|---|---|',
    ...methods.map((m) => `| ${m} | ${[...new Set(rows.filter((r) => r.method === m).map((r) => r.result.by))].join(', ')} | ${mean(m, 'auroc').toFixed(3)} | ${mean(m, 'closedSetAccuracy').toFixed(2)} | ${mean(m, 'openSetAccuracy').toFixed(2)} | ${mean(m, 'knownRejected').toFixed(1)} % | ${mean(m, 'unknownRejected').toFixed(1)} % |`),
  ];
  const report = [
    '# Open-set recognition',
    '',
    `Known classes ${known.join(', ')}; every other class of the test set is unknown. ${backbones.join(', ')} × ${PROTOCOL_DATASETS.join(', ')}, seeds ${seeds.join(', ')}; ${options.trainLimit ?? DEFAULT_TRAIN_LIMIT} train / ${options.testLimit ?? DEFAULT_TEST_LIMIT} test images per data set. The threshold on the confidence (${CONFIDENCE_TEXT[by]}) is set on 20 % of the known classes' train samples, held out from imprinting, for a false-reject rate of ${(100 * falseRejectRate).toFixed(0)} %. Means over FMs, data sets and seeds.`,
    '',
    ...table,
    '',
  ].join('\n');
  await writeFileAtomic(join(options.out, 'report.md'), new TextEncoder().encode(report));
  process.stdout.write(`\n${table.join('\n')}\n\n${rows.length} runs in ${((performance.now() - start) / 1000).toFixed(1)} s. Wrote ${join(options.out, 'openset.jsonl')} and ${join(options.out, 'report.md')}\n`);
}
