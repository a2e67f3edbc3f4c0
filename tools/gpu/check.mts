// The GPU check: one process that compares the onnx engine on a GPU device with the same engine
// on the CPU (2 intra-op threads, the size of this project's machines) and prints the figures.
// Built into one file by tools/gpu/pack.sh; run by tools/gpu/run.sh on the device machine, or
// here from source: node --conditions=@imprint/source --import tsx tools/gpu/check.ts [--quick]
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableParallelism, cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRng, type Engine, type HostMatrix } from '@imprint/core';
import { createStandardRegistry, evaluateConfig, type EmbeddingSet } from '@imprint/eval';
import { GraphBuilder, onnxEmbeddedBackbone, onnxEngine, resolveDevice, loadOnnxRuntime, vulkanDrivers, type OnnxDevice } from '@imprint/onnx';
import { selectBackend } from '@imprint/backbones';
import { syntheticSplit } from '../../apps/benchmark/src/bench/synthetic.js';
import { main as cli } from '../../apps/benchmark/src/cli.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const device = (args.find((a) => a.startsWith('--device='))?.slice('--device='.length) ?? 'webgpu') as OnnxDevice;
const outFile = args.find((a) => a.startsWith('--out='))?.slice('--out='.length);
const CPU_THREADS = 2;
const report: Record<string, unknown> = { device, quick, node: process.version, cores: availableParallelism(), cpu: cpus()[0]?.model };
const log = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function time<T>(run: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = run();
  return { value, ms: performance.now() - start };
}

async function timeAsync<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await run();
  return { value, ms: performance.now() - start };
}

function randomMatrix(rows: number, dim: number, seed: number): HostMatrix {
  const rng = createRng(seed);
  const values = new Float32Array(rows * dim);
  for (let i = 0; i < values.length; i++) values[i] = Math.max(0, rng.normal());
  return { values, rows, dim };
}

/** Largest |a − b| over the largest |b|: the error relative to the values' scale. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Largest per-row error relative to that row's largest value (for embeddings). */
function rowRelativeError(a: Float32Array, b: Float32Array, dim: number): number {
  let worst = 0;
  for (let r = 0; r < b.length / dim; r++) worst = Math.max(worst, relativeError(a.subarray(r * dim, (r + 1) * dim), b.subarray(r * dim, (r + 1) * dim)));
  return worst;
}

function sameShare(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let same = 0;
  for (let i = 0; i < b.length; i++) if (a[i] === b[i]) same++;
  return same / b.length;
}

async function deviceSection(): Promise<void> {
  const drivers = vulkanDrivers();
  log(`vulkan drivers: ${drivers.map((d) => `${d.library}${d.software ? ' (software)' : d.present ? '' : ' (no device)'}`).join(', ') || 'none'}`);
  const runtime = loadOnnxRuntime();
  const auto = resolveDevice(runtime, 'auto');
  log(`device auto → ${auto.device} (${auto.reason})`);
  report.auto = auto;
}

function kernelSection(gpu: Engine, cpu: Engine): void {
  const rows = quick ? 5000 : 20_000;
  const x = randomMatrix(rows, 1280, 1);
  const y = randomMatrix(quick ? 200 : 2000, 1280, 2);
  const k = gpu.kernels!;
  const c = cpu.kernels!;
  const results: Record<string, number> = {};
  results.matMulTransposed = relativeError(k.matMulTransposed!(x, y)!, c.matMulTransposed!(x, y)!);
  results.transposedMatMul = relativeError(k.transposedMatMul!(x, x)!, c.transposedMatMul!(x, x)!);
  results.gram = relativeError(k.gram!(x)!, c.gram!(x)!);
  results.rowSquaredNorms = relativeError(k.rowSquaredNorms!(x)!, c.rowSquaredNorms!(x)!);
  results.unitRows = relativeError(k.unitRows!(x, 1e-12)!.values, c.unitRows!(x, 1e-12)!.values);
  for (const metric of ['cosine', 'euclidean'] as const) {
    const a = k.nearest!(y, x, 5, metric)!;
    const b = c.nearest!(y, x, 5, metric)!;
    results[`nearest_${metric}_distances`] = relativeError(a.distances, b.distances);
    results[`nearest_${metric}_same_indices`] = sameShare(a.indices, b.indices);
  }
  for (const [name, value] of Object.entries(results)) log(`kernel ${name}: ${name.endsWith('same_indices') ? `${(value * 100).toFixed(3)} % equal` : `max relative error ${value.toExponential(2)}`}`);
  report.kernels = results;
}

async function paritySection(gpu: Engine): Promise<void> {
  const parity = JSON.parse(readFileSync('packages/eval/src/__tests__/fixtures/parity.json', 'utf8')) as { train: { embeddings: number[][]; labels: number[] }; test: { embeddings: number[][]; labels: number[] }; cases: { config: Record<string, unknown> & { name: string }; predictions: number[]; accuracy: number }[] };
  const toSet = (s: { embeddings: number[][]; labels: number[] }): EmbeddingSet => ({ embeddings: Float32Array.from(s.embeddings.flat()), shape: [s.embeddings.length, s.embeddings[0].length], labels: Int32Array.from(s.labels) });
  let exact = 0;
  const misses: string[] = [];
  for (const testCase of parity.cases) {
    const result = await evaluateConfig(toSet(parity.train), toSet(parity.test), testCase.config as never, createStandardRegistry().setEngine(gpu));
    if (Math.abs(result.accuracy - testCase.accuracy) < 1e-9) exact++;
    else misses.push(`${testCase.config.name}: ${result.accuracy} vs ${testCase.accuracy}`);
  }
  log(`parity fixtures on ${device}: ${exact}/${parity.cases.length} reference accuracies${misses.length > 0 ? ` (differ: ${misses.join('; ')})` : ''}`);
  report.parity = { exact, cases: parity.cases.length, misses };
}

async function cliSection(): Promise<void> {
  const capture = async (argv: string[]) => {
    const chunks: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => (chunks.push(String(chunk)), true)) as typeof process.stdout.write;
    try {
      const code = await cli(argv);
      return { code, out: chunks.join('') };
    } finally {
      process.stdout.write = write;
    }
  };
  const files = ['--train', 'apps/benchmark/fixtures/example-train.h5', '--test', 'apps/benchmark/fixtures/example-test.h5', '--configs', 'apps/benchmark/fixtures/example-configs.json', '--json'];
  const onDevice = await capture(['--backend', 'cpu', '--engine', 'onnx', '--device', device, 'run', ...files]);
  const onCpu = await capture(['--backend', 'cpu', '--engine', 'onnx', '--device', 'cpu', 'run', ...files]);
  // --json prints one array of results (with configs) or one result
  const accuracies = (out: string) => {
    try {
      const parsed = JSON.parse(out) as { accuracy?: number; result?: { accuracy: number } }[] | { accuracy: number };
      return (Array.isArray(parsed) ? parsed : [parsed]).map((r) => (r as { accuracy?: number }).accuracy ?? (r as { result?: { accuracy: number } }).result?.accuracy ?? Number.NaN);
    } catch {
      return [];
    }
  };
  const a = accuracies(onDevice.out);
  const b = accuracies(onCpu.out);
  const same = a.length === b.length && a.length > 0 && a.every((v, i) => v === b[i]);
  log(`imprint-bench --device ${device} run (example configs): exit ${onDevice.code}, accuracies ${same ? 'identical to' : 'DIFFER from'} --device cpu [${a.join(', ')}]`);
  report.cli = { exit: onDevice.code, same, device: a, cpu: b };
}

async function embeddingSection(): Promise<void> {
  const models: { name: string; size: number }[] = [
    { name: 'mobilenet_v2_nsfw', size: 224 },
    { name: 'mobilenet_v2_140', size: 224 },
    { name: 'inception_v3_nsfw', size: 299 },
  ];
  const rows: Record<string, unknown>[] = [];
  for (const { name, size } of models) {
    const gpuBatch = 128;
    const gpuImages = quick ? 16 : 2048;
    const cpuImages = quick ? 8 : 64;
    const rng = createRng(7);
    const pixels = Uint8Array.from({ length: Math.max(gpuBatch, cpuImages) * size * size * 3 }, () => rng.int(256));
    const onGpu = await onnxEmbeddedBackbone(name, { inputSize: size, device, threads: availableParallelism() });
    const onCpu = await onnxEmbeddedBackbone(name, { inputSize: size, device: 'cpu', threads: CPU_THREADS });
    const compare = 16;
    const first = pixels.subarray(0, compare * size * size * 3);
    const a = await onGpu.embedPixels!(first, compare, size, size, 3);
    const b = await onCpu.embedPixels!(first, compare, size, size, 3);
    const error = rowRelativeError(a, b, onGpu.dim);
    const batch = Math.min(gpuBatch, gpuImages);
    const gpuInput = pixels.subarray(0, batch * size * size * 3);
    await onGpu.embedPixels!(gpuInput, batch, size, size, 3); // warm-up: shaders and buffers
    const gpuTime = await timeAsync(async () => {
      for (let done = 0; done < gpuImages; done += batch) await onGpu.embedPixels!(gpuInput, batch, size, size, 3);
    });
    const cpuBatch = Math.min(16, cpuImages);
    const cpuInput = pixels.subarray(0, cpuBatch * size * size * 3);
    await onCpu.embedPixels!(cpuInput, cpuBatch, size, size, 3);
    const cpuTime = await timeAsync(async () => {
      for (let done = 0; done < cpuImages; done += cpuBatch) await onCpu.embedPixels!(cpuInput, cpuBatch, size, size, 3);
    });
    const gpuRate = (gpuImages / gpuTime.ms) * 1000;
    const cpuRate = (Math.ceil(cpuImages / cpuBatch) * cpuBatch * 1000) / cpuTime.ms;
    log(`embed ${name} @${size}: ${device} ${gpuRate.toFixed(0)} images/s (batch ${batch}), cpu ${CPU_THREADS} threads ${cpuRate.toFixed(1)} images/s (batch ${cpuBatch}): ${(gpuRate / cpuRate).toFixed(1)}×; max row-relative difference ${error.toExponential(2)}`);
    rows.push({ name, size, gpuRate, cpuRate, ratio: gpuRate / cpuRate, error });
    onGpu.dispose();
    onCpu.dispose();
  }
  report.embedding = rows;
}

async function imprintSection(gpu: Engine, cpu: Engine): Promise<void> {
  const perClass = quick ? 600 : 6000;
  const testPerClass = quick ? 100 : 1000;
  const { train, test } = syntheticSplit(10, perClass, testPerClass, 1280, 5, 3);
  const set = (s: { data: Float32Array; labels: Int32Array }): EmbeddingSet => ({ embeddings: s.data, shape: [s.labels.length, 1280], labels: s.labels });
  const configs = [
    { name: 'all + 5-NN cosine', config: { normPre: 'none', gen: 'all', k: -1, normPost: 'none', normInf: 'none', agg: 'mnn', m: 5, metric: 'cosine' }, step: 'predict' },
    { name: 'all + 5-NN euclidean', config: { normPre: 'none', gen: 'all', k: -1, normPost: 'none', normInf: 'none', agg: 'mnn', m: 5, metric: 'euclidean' }, step: 'predict' },
    { name: 'k-means k=20 (imprintKmeans)', config: { preset: 'imprintKmeans', k: 20 }, step: 'generate' },
    { name: 'least squares (l2 NORMpre)', config: { preset: 'leastSquaresOracle', normPre: 'l2' }, step: 'generate' },
  ] as const;
  const rows: Record<string, unknown>[] = [];
  for (const { name, config, step } of configs) {
    const onGpu = await evaluateConfig(set(train), set(test), config as never, createStandardRegistry().setEngine(gpu));
    const onCpu = await evaluateConfig(set(train), set(test), config as never, createStandardRegistry().setEngine(cpu));
    const ms = (r: typeof onGpu) => (step === 'predict' ? r.timings.predictMs : r.timings.generateMs);
    log(`${name}, ${train.labels.length} × 1280 train, ${test.labels.length} queries: ${step} ${device} ${seconds(ms(onGpu))}, cpu ${CPU_THREADS} threads ${seconds(ms(onCpu))} (${(ms(onCpu) / ms(onGpu)).toFixed(2)}×); accuracy ${onGpu.accuracy.toFixed(2)} vs ${onCpu.accuracy.toFixed(2)}`);
    rows.push({ name, step, gpuMs: ms(onGpu), cpuMs: ms(onCpu), gpuAccuracy: onGpu.accuracy, cpuAccuracy: onCpu.accuracy, gpuOther: onGpu.timings, cpuOther: onCpu.timings });
  }
  report.imprint = rows;
}

/** Where the time of an embedding batch goes: the pixels' trip alone, the model at several batch sizes. */
async function breakdownSection(): Promise<void> {
  const runtime = loadOnnxRuntime();
  const size = 224;
  const rows: Record<string, unknown>[] = [];
  for (const batch of quick ? [8] : [32, 128, 256]) {
    const graph = new GraphBuilder('trip');
    graph.node('ReduceSum', [graph.op('Cast', [graph.input('pixels', 'uint8', ['b', size, size, 3])], { to: 1 })], { keepdims: 0 }, ['y']);
    graph.output('y', 'float32', []);
    const trip = runtime.createSession(graph.encode(), { threads: 1, device, label: 'trip' });
    const pixels = new Uint8Array(batch * size * size * 3).fill(3);
    const feed = { pixels: { type: 'uint8' as const, data: pixels, dims: [batch, size, size, 3] } };
    trip.run(feed, ['y']);
    const tripTime = time(() => {
      for (let i = 0; i < 5; i++) trip.run(feed, ['y']);
    });
    trip.dispose();
    const backbone = await onnxEmbeddedBackbone('mobilenet_v2_140', { inputSize: size, device });
    await backbone.embedPixels!(pixels, batch, size, size, 3);
    const modelTime = await timeAsync(async () => {
      for (let i = 0; i < 5; i++) await backbone.embedPixels!(pixels, batch, size, size, 3);
    });
    backbone.dispose();
    const row = { batch, tripMs: tripTime.ms / 5, batchMs: modelTime.ms / 5, imagesPerSecond: (batch * 5 * 1000) / modelTime.ms };
    log(`mobilenet_v2_140 @224 batch ${batch}: ${row.batchMs.toFixed(1)} ms a batch (${row.imagesPerSecond.toFixed(0)} images/s), of which the pixels' trip to the ${device} and a reduction back ${row.tripMs.toFixed(1)} ms`);
    rows.push(row);
  }
  // the provider's convolutions in NCHW instead of its default NHWC
  if (device === 'webgpu') {
    const batch = quick ? 8 : 128;
    const pixels = new Uint8Array(batch * size * size * 3).fill(3);
    process.env.IMPRINT_WEBGPU_LAYOUT = 'NCHW';
    try {
      const backbone = await onnxEmbeddedBackbone('mobilenet_v2_140', { inputSize: size, device, cacheDir: mkdtempSync(join(tmpdir(), 'imprint-nchw-')) });
      await backbone.embedPixels!(pixels, batch, size, size, 3);
      const modelTime = await timeAsync(async () => {
        for (let i = 0; i < 5; i++) await backbone.embedPixels!(pixels, batch, size, size, 3);
      });
      backbone.dispose();
      log(`mobilenet_v2_140 @224 batch ${batch}, WebGPU convolutions in NCHW: ${(modelTime.ms / 5).toFixed(1)} ms a batch (${((batch * 5 * 1000) / modelTime.ms).toFixed(0)} images/s)`);
      rows.push({ batch, layout: 'NCHW', batchMs: modelTime.ms / 5 });
    } finally {
      delete process.env.IMPRINT_WEBGPU_LAYOUT;
    }
  }
  report.breakdown = rows;
}

/** onnxruntime's own profile (IMPRINT_ONNX_TRACE) of one embedding batch and one nearest search: which provider ran each operator, and its time. */
async function traceSection(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'imprint-trace-'));
  process.env.IMPRINT_ONNX_TRACE = folder;
  try {
    const backbone = await onnxEmbeddedBackbone('mobilenet_v2_140', { inputSize: 224, device });
    const batch = quick ? 8 : 128;
    const pixels = new Uint8Array(batch * 224 * 224 * 3).fill(5);
    for (let i = 0; i < 3; i++) await backbone.embedPixels!(pixels, batch, 224, 224, 3);
    backbone.dispose();
    await new Promise((resolve) => setTimeout(resolve, 10)); // its sessions are disposed (and their profiles written) when the promises settle
    const engine = onnxEngine({ device, placement: 'device' });
    const targets = randomMatrix(quick ? 6000 : 60_000, 1280, 4);
    const queries = randomMatrix(quick ? 1000 : 10_000, 1280, 5);
    engine.kernels!.nearest!(queries, targets, 5, 'euclidean');
    engine.dispose?.();
  } finally {
    delete process.env.IMPRINT_ONNX_TRACE;
  }
  const summary: Record<string, unknown> = {};
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.json'))) {
    let events: { cat: string; name: string; dur: number; args?: { op_name?: string; provider?: string } }[];
    try {
      events = JSON.parse(readFileSync(join(folder, file), 'utf8')) as typeof events;
    } catch {
      log(`trace ${file}: not written completely`);
      continue;
    }
    const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run');
    const ops = new Map<string, number>();
    for (const e of events) {
      if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
      const key = `${e.args?.op_name ?? '?'} on ${(e.args?.provider ?? '?').replace('ExecutionProvider', '')}`;
      ops.set(key, (ops.get(key) ?? 0) + e.dur);
    }
    const top = [...ops.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
    const runMs = runs.reduce((sum, e) => sum + e.dur, 0) / 1000;
    log(`trace ${file}: ${runs.length} runs, ${runMs.toFixed(1)} ms; node time (host side for a GPU provider) ${top.map(([op, us]) => `${op} ${(us / 1000).toFixed(1)} ms`).join(', ')}`);
    summary[file] = { runs: runs.length, runMs, ops: Object.fromEntries(top) };
  }
  report.trace = summary;
}

async function main(): Promise<void> {
  await selectBackend('auto', () => undefined).catch(async () => tf.setBackend('cpu'));
  log(`gpu check: device ${device}${quick ? ' (quick sizes)' : ''}, node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), tf.js ${tf.getBackend()}`);
  const sections: [string, () => Promise<void> | void][] = [];
  await deviceSection();
  const start = time(() => onnxEngine({ device, threads: availableParallelism() }));
  log(`engine on ${device}: started in ${start.ms.toFixed(0)} ms`);
  const gpu = start.value;
  const cpu = onnxEngine({ device: 'cpu', threads: CPU_THREADS });
  // the kernels are compared on the device whatever their size; the rest places calls by cost
  const everyCall = onnxEngine({ device, placement: 'device', threads: availableParallelism() });
  sections.push(
    ['kernels', () => kernelSection(everyCall, cpu)],
    ['parity', () => paritySection(everyCall)],
    ['cli', cliSection],
    ['embedding', embeddingSection],
    ['imprint', () => imprintSection(gpu, cpu)],
    ['breakdown', breakdownSection],
    ['trace', traceSection],
  );
  const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
  for (const [name, run] of sections) {
    if (only !== undefined && !only.includes(name)) continue;
    const started = performance.now();
    try {
      await run();
    } catch (error) {
      log(`section ${name} FAILED: ${(error as Error).stack ?? String(error)}`);
      report[`${name}Error`] = String(error);
    }
    log(`(section ${name}: ${seconds(performance.now() - started)})`);
    if (outFile !== undefined) writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
  }
  gpu.dispose?.();
  everyCall.dispose?.();
  cpu.dispose?.();
}

await main();
