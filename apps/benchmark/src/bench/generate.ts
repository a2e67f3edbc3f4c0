/**
 * `pnpm bench:generate`: GEN and predict timings of every step on both engines side by side —
 * tf.js (the WASM backend) and the native onnx engine — on synthetic embeddings of the size of MNIST
 * through MobileNetV2 (10 classes × 6000 samples × 1280 dims; 10 000 queries), in this process
 * (no start-up, no file reading: `pnpm bench:reference` measures whole runs beside the Python
 * reference). Prints a table; measures, asserts nothing.
 *
 * Options: --classes N --per-class N --dim N --queries N --engines tfjs,onnx --skip-slow
 * --device cpu|webgpu|cuda|auto (where the onnx engine runs)
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { Imprinter, createRng, type Engine, type ImprintConfigInput } from '@imprint/core';
import { selectBackend } from '@imprint/backbones';
import { createStandardRegistry } from '@imprint/eval';
import { clusterRows } from '@imprint/generators';
import { onnxEngine, type OnnxDeviceChoice } from '@imprint/onnx';
import { syntheticSplit } from './synthetic.js';

const { values: args } = parseArgs({
  options: {
    classes: { type: 'string', default: '10' },
    'per-class': { type: 'string', default: '6000' },
    dim: { type: 'string', default: '1280' },
    queries: { type: 'string', default: '10000' },
    engines: { type: 'string', default: 'tfjs,onnx' },
    device: { type: 'string', default: 'cpu' },
    'skip-slow': { type: 'boolean', default: false },
  },
});
const classes = Number(args.classes);
const perClass = Number(args['per-class']);
const dim = Number(args.dim);
const queryCount = Number(args.queries);
const engineNames = args.engines!.split(',');

await selectBackend('wasm', () => undefined);
const engines: Record<string, Engine | undefined> = {};
for (const name of engineNames) engines[name] = name === 'onnx' ? onnxEngine({ device: args.device as OnnxDeviceChoice }) : undefined;
const { train, test } = syntheticSplit(classes, perClass, Math.ceil(queryCount / classes), dim);
const trainLabels = Array.from(train.labels);
const n = classes * perClass;

process.stdout.write(`bench:generate — ${classes} classes × ${perClass} samples × ${dim} dims, ${test.labels.length} queries; tf.js backend ${tf.getBackend()}; ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'})\n`);
process.stdout.write(`${'step'.padEnd(48)} ${engineNames.map((e) => `${e} ms`.padStart(12)).join(' ')}${engineNames.length === 2 ? '    ratio' : ''}\n`);

function row(step: string, values: (number | undefined)[], note = ''): void {
  const cells = values.map((v) => (v === undefined ? 'skipped' : v.toFixed(0)).padStart(12)).join(' ');
  const ratio = values.length === 2 && values[0] !== undefined && values[1] !== undefined ? `${(values[0] / values[1]).toFixed(2)}×`.padStart(9) : '';
  process.stdout.write(`${step.padEnd(48)} ${cells}${ratio} ${note}\n`);
}

async function imprinted(engine: Engine | undefined, config: ImprintConfigInput): Promise<{ head: Imprinter; ms: number }> {
  const head = Imprinter.fromConfig(config, createStandardRegistry().setEngine(engine));
  const start = performance.now();
  // Embeddings in host memory, as evaluateConfig and the grid runner pass them.
  await head.imprint({ data: train.data, shape: [n, dim] }, trainLabels);
  return { head, ms: performance.now() - start };
}

const STEPS: { name: string; config: ImprintConfigInput; slowOnTfjs?: boolean }[] = [
  { name: 'mean (qi2018)', config: { preset: 'qi2018' } },
  { name: 'kmeans k=5', config: { preset: 'imprintKmeans', k: 5 } },
  { name: 'kmeans k=20 (imprintKmeans)', config: { preset: 'imprintKmeans' } },
  { name: 'ls (leastSquaresOracle)', config: { preset: 'leastSquaresOracle' } },
  { name: 'kls k=5', config: { preset: 'leastSquaresOracle', gen: 'kls', k: 5 } },
  { name: 'all + mnn m=5 cosine', config: { normPre: 'l2', gen: 'all', k: -1, normPost: 'l2', normInf: 'l2', agg: 'mnn', m: 5, metric: 'cosine' }, slowOnTfjs: true },
  { name: 'all + mnn m=5 euclidean', config: { normPre: 'l2', gen: 'all', k: -1, normPost: 'l2', normInf: 'l2', agg: 'mnn', m: 5, metric: 'euclidean' }, slowOnTfjs: true },
];

for (const step of STEPS) {
  const gen: (number | undefined)[] = [];
  const predict: (number | undefined)[] = [];
  for (const name of engineNames) {
    if (step.slowOnTfjs && name === 'tfjs' && args['skip-slow']) {
      gen.push(undefined);
      predict.push(undefined);
      continue;
    }
    const { head, ms } = await imprinted(engines[name], step.config);
    gen.push(ms);
    const start = performance.now();
    head.predictIndices({ data: test.data, shape: [test.labels.length, dim] });
    predict.push(performance.now() - start);
    head.dispose();
  }
  row(`GEN ${step.name}`, gen);
  row(`  predict ${test.labels.length} queries`, predict);
}

// One class of k-means, with the per-iteration work the bounds save.
{
  const oneClass = tf.tidy(() => {
    const slice = tf.tensor2d(train.data.subarray(0, perClass * dim), [perClass, dim]);
    return tf.div(slice, tf.norm(slice, 'euclidean', 1, true)) as tf.Tensor2D;
  });
  for (const bounds of [false, true]) {
    const times: (number | undefined)[] = [];
    let note = '';
    for (const name of engineNames) {
      const start = performance.now();
      const result = clusterRows(oneClass, 20, createRng(1), { bounds, ...(engines[name] === undefined ? {} : { kernels: engines[name]!.kernels }) });
      times.push(performance.now() - start);
      note = `(${result.iterations} iterations, ${((100 * result.recomputedRows!) / ((result.iterations + 1) * perClass)).toFixed(0)}% of rows recomputed)`;
    }
    row(`  one class, k=20, ${bounds ? "Elkan's bounds" : 'dense Lloyd'}`, times, note);
  }
  oneClass.dispose();
}
process.stdout.write(`tensors still allocated: ${tf.memory().numTensors}\n`);
for (const engine of Object.values(engines)) engine?.dispose?.();
