/**
 * `pnpm bench:generate`: GEN and predict timings on synthetic embeddings of the size of MNIST
 * through MobileNetV2 (10 classes × 6000 samples × 1280 dims), with achieved GFLOP/s of the
 * matrix-product-bound steps next to the backend's own matMul rate. Prints a table; measures,
 * asserts nothing.
 *
 * Options: --classes N --per-class N --dim N --queries N --backend NAME --skip-slow
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { Imprinter, createRng, type ImprintConfigInput } from '@imprint/core';
import { selectBackend, type BackendChoice } from '@imprint/backbones';
import { createStandardRegistry } from '@imprint/eval';
import { closeKMeansPools, clusterRows } from '@imprint/generators';
import { syntheticEmbeddings } from './synthetic.js';

const { values: args } = parseArgs({
  options: {
    classes: { type: 'string', default: '10' },
    'per-class': { type: 'string', default: '6000' },
    dim: { type: 'string', default: '1280' },
    queries: { type: 'string', default: '10000' },
    backend: { type: 'string', default: 'wasm' },
    'skip-slow': { type: 'boolean', default: false },
  },
});
const classes = Number(args.classes);
const perClass = Number(args['per-class']);
const dim = Number(args.dim);
const queryCount = Number(args.queries);

const backend = await selectBackend(args.backend as BackendChoice);
const registry = createStandardRegistry();
const rows: string[][] = [];
const print = (step: string, ms: number, flop?: number, note = '') => {
  const gflops = flop === undefined ? '' : (flop / (ms / 1000) / 1e9).toFixed(1);
  rows.push([step, ms.toFixed(0), gflops, note]);
  process.stdout.write(`${step.padEnd(46)} ${ms.toFixed(0).padStart(9)} ms ${gflops.padStart(8)} ${note}\n`);
};

function time<T>(body: () => T): [T, number] {
  const start = performance.now();
  const result = body();
  return [result, performance.now() - start];
}
async function timeAsync<T>(body: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await body();
  return [result, performance.now() - start];
}

process.stdout.write(`bench:generate — ${classes} classes × ${perClass} samples × ${dim} dims, ${queryCount} queries; backend ${backend}; ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'})\n`);
process.stdout.write(`${'step'.padEnd(46)} ${'time'.padStart(12)} ${'GFLOP/s'.padStart(8)}\n`);

// The backend's own matMul rate, square and in the shape of a k-means distance step.
for (const [m, k, n] of [
  [1024, 1024, 1024],
  [perClass, dim, 20],
] as const) {
  const a = tf.randomNormal([m, k]) as tf.Tensor2D;
  const b = tf.randomNormal([k, n]) as tf.Tensor2D;
  tf.matMul(a, b).dispose();
  const [, ms] = time(() => {
    for (let i = 0; i < 5; i++) {
      const c = tf.matMul(a, b);
      c.dataSync();
      c.dispose();
    }
  });
  print(`matMul [${m}×${k}]·[${k}×${n}] (backend reference)`, ms / 5, 2 * m * k * n);
  a.dispose();
  b.dispose();
}

const { data, labels } = syntheticEmbeddings(classes, perClass, dim);
const train = tf.tensor2d(data, [labels.length, dim]);
const trainLabels = Array.from(labels);
const query = syntheticEmbeddings(classes, queryCount / classes, dim, 5, 2);
const queries = tf.tensor2d(query.data, [queryCount, dim]);

async function generate(name: string, config: ImprintConfigInput, flop?: number): Promise<Imprinter> {
  const head = Imprinter.fromConfig(config, registry);
  // Embeddings in host memory, as evaluateConfig and the grid runner pass them.
  const [, ms] = await timeAsync(() => head.imprint({ data, shape: [labels.length, dim] }, trainLabels));
  print(`GEN ${name}`, ms, flop, `(${head.proxyCounts.reduce((a, b) => a + b, 0)} proxies)`);
  return head;
}

const n = classes * perClass;
(await generate('mean', { preset: 'qi2018' })).dispose();
const kmeans5 = await generate('kmeans k=5 (tfjs Lloyd)', { preset: 'imprintKmeans', k: 5 });
kmeans5.dispose();
const kmeans20 = await generate('kmeans k=20 (tfjs Lloyd)', { preset: 'imprintKmeans', k: 20 });
const workers = Math.min(cpus().length, 8);
if (workers > 1) {
  (await generate(`kmeans k=5 (${workers} worker threads)`, { preset: 'imprintKmeans', k: 5, workers })).dispose();
  (await generate(`kmeans k=20 (${workers} worker threads)`, { preset: 'imprintKmeans', k: 20, workers })).dispose();
}

// Per-iteration detail of one class, and the ml-kmeans reference on the same class and init.
{
  const oneClass = tf.tidy(() => {
    const slice = tf.slice(train, [0, 0], [perClass, dim]);
    return tf.div(slice, tf.norm(slice, 'euclidean', 1, true)) as tf.Tensor2D;
  });
  const [result, ms] = time(() => clusterRows(oneClass, 20, createRng(1)));
  print('  one class, k=20, tfjs Lloyd', ms, (result.iterations + 1) * 2 * perClass * dim * 20 + 19 * 4 * 2 * perClass * dim, `(${result.iterations} iterations, inertia ${result.inertia.toFixed(2)})`);
  if (!args['skip-slow']) {
    const [reference, msMl] = time(() => clusterRows(oneClass, 20, createRng(1), { implementation: 'ml-kmeans' }));
    print('  one class, k=20, ml-kmeans Lloyd', msMl, undefined, `(${reference.iterations} iterations, inertia ${reference.inertia.toFixed(2)})`);
  }
  oneClass.dispose();
}

(await generate('kls k=5', { preset: 'leastSquaresOracle', gen: 'kls', k: 5 }, 2 * n * dim * dim)).dispose();
(await generate('ls', { preset: 'leastSquaresOracle' }, 2 * n * dim * dim)).dispose();

// Predict: max over 200 proxies; mnn m=5 over all samples.
{
  const [, ms] = time(() => kmeans20.predictIndices(queries));
  print(`predict ${queryCount} queries, max over ${classes * 20} proxies`, ms, 2 * queryCount * classes * 20 * dim);
}
kmeans20.dispose();
if (!args['skip-slow']) {
  const all = await generate('all (every sample)', { normPre: 'l2', gen: 'all', k: -1, normPost: 'l2', normInf: 'l2', agg: 'mnn', m: 5, metric: 'cosine' });
  const [, ms] = time(() => all.predictIndices(queries));
  print(`predict ${queryCount} queries, mnn m=5 cosine over ${n} samples`, ms, 2 * queryCount * n * dim);
  all.dispose();
}
train.dispose();
queries.dispose();
process.stdout.write(`tensors still allocated: ${tf.memory().numTensors}\n`);
await closeKMeansPools();
