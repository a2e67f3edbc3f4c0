/**
 * `pnpm bench:reference`: this project beside the reference implementation (PyTorch +
 * scikit-learn, tools/reference/speed_reference.py), step by step, in one run on the same cores.
 * Each step runs as a user runs it — the built `imprint-bench` (apps/benchmark/dist/bin.js, what
 * the package's bin runs; built first through nx, cached when nothing changed) as
 * `imprint-bench --engine E run …` in its own process, start-up included — and the reference
 * script as its own process on the same files. Prints a table of
 * seconds (GEN, predict, whole process), accuracies and ratios; measures, asserts nothing.
 *
 * Options:
 *   --train FILE --test FILE   embeddings (.npz/.h5); default: the data named by --data
 *   --data synthetic|mnist     synthetic: 10 × 6000 train + 10 × 1000 test 1280-d mixtures (seeded);
 *                              mnist: MNIST through mobilenet_v2_nsfw (1280-d), embedded once
 *                              into the embedding cache (default: mnist)
 *   --steps LIST               kmeans,ls,ls_l2,mnn_cosine,mnn_euclidean (default: all)
 *   --engines LIST             onnx,tfjs (default: both; tfjs skips the all-samples steps unless --slow)
 *   --device NAME              where the onnx engine runs: cpu (default), webgpu, cuda, auto
 *   --python PATH              the reference's Python (default /usr/bin/python3)
 *   --blas tuned|default       tuned: OPENBLAS_CORETYPE=SkylakeX when the CPU has AVX-512 but
 *                              Debian's OpenBLAS 0.3.21 does not recognise it (the reference at its
 *                              best here); default: as installed (default: tuned)
 *   --repeat N                 runs per measurement, the fastest kept (default 1)
 *   --from dist|source         dist: the built CLI (default); source: the TypeScript sources
 *                              through tsx, as `pnpm imprint-bench` runs them (slower start-up)
 *   --small-pages              also run ours with IMPRINT_HUGE_PAGES=0: without the relaunch that
 *                              gives its large buffers transparent huge pages (src/huge-pages.ts),
 *                              one row more per engine
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultCacheDir, embedDataset, writeEmbeddings } from '@imprint/eval';
import { onnxBackbones } from '@imprint/onnx';
import { syntheticSplit } from './synthetic.js';

const { values: args } = parseArgs({
  options: {
    train: { type: 'string' },
    test: { type: 'string' },
    data: { type: 'string', default: 'mnist' },
    steps: { type: 'string', default: 'kmeans,ls,ls_l2,mnn_cosine,mnn_euclidean' },
    engines: { type: 'string', default: 'onnx,tfjs' },
    device: { type: 'string', default: 'cpu' },
    python: { type: 'string', default: '/usr/bin/python3' },
    blas: { type: 'string', default: 'tuned' },
    repeat: { type: 'string', default: '1' },
    from: { type: 'string', default: 'dist' },
    slow: { type: 'boolean', default: false },
    'small-pages': { type: 'boolean', default: false },
  },
});
const root = resolve(new URL('../../../..', import.meta.url).pathname);
const repeat = Math.max(1, Number(args.repeat));

const STEPS: Record<string, { flags: string[]; measure: 'gen' | 'predict' }> = {
  kmeans: { flags: ['--preset', 'imprintKmeans', '--seed', '0'], measure: 'gen' },
  ls: { flags: ['--preset', 'leastSquaresOracle', '--lambda', '0.05'], measure: 'gen' },
  ls_l2: { flags: ['--preset', 'leastSquaresOracle', '--lambda', '0.05', '--norm-pre', 'l2'], measure: 'gen' },
  mnn_cosine: { flags: ['--norm-pre', 'l2', '--gen', 'all', '--k', '-1', '--norm-post', 'l2', '--norm-inf', 'l2', '--agg', 'mnn', '--m', '5', '--metric', 'cosine'], measure: 'predict' },
  mnn_euclidean: { flags: ['--norm-pre', 'l2', '--gen', 'all', '--k', '-1', '--norm-post', 'l2', '--norm-inf', 'l2', '--agg', 'mnn', '--m', '5', '--metric', 'euclidean'], measure: 'predict' },
};

async function dataFiles(): Promise<{ train: string; test: string; about: string }> {
  if (args.train !== undefined && args.test !== undefined) return { train: args.train, test: args.test, about: `${args.train}, ${args.test}` };
  const dir = join(defaultCacheDir(), 'bench');
  mkdirSync(dir, { recursive: true });
  const train = join(dir, `${args.data}-train.npz`);
  const test = join(dir, `${args.data}-test.npz`);
  if (args.data === 'synthetic') {
    if (!existsSync(train) || !existsSync(test)) {
      const split = syntheticSplit(10, 6000, 1000, 1280);
      await writeEmbeddings(train, { embeddings: split.train.data, shape: [60000, 1280], labels: split.train.labels });
      await writeEmbeddings(test, { embeddings: split.test.data, shape: [10000, 1280], labels: split.test.labels });
    }
    return { train, test, about: 'synthetic: 10 classes × 6000 train / 1000 test, 1280-d mixtures of 5 Gaussian modes per class' };
  }
  if (args.data !== 'mnist') throw new Error(`--data must be synthetic or mnist, got ${args.data}`);
  if (!existsSync(train) || !existsSync(test)) {
    for (const [split, path] of [['train', train], ['test', test]] as const) {
      const set = await embedDataset({ dataset: 'mnist', split, backbone: 'mobilenet_v2_nsfw', loader: onnxBackbones(), onProgress: (done, total) => done % 3200 === 0 && process.stderr.write(`embedding MNIST ${split}: ${done}/${total}\n`) });
      await writeEmbeddings(path, set);
    }
  }
  return { train, test, about: 'MNIST (60 000 train / 10 000 test) through mobilenet_v2_nsfw at 224 px (onnx engine), 1280-d' };
}

interface Measured {
  gen: number;
  predict: number;
  wall: number;
  accuracy: number;
  /** Peak resident memory of the process in MiB (from /usr/bin/time), when measurable. */
  peakMiB?: number;
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Run a command, under /usr/bin/time when present to read its peak RSS. */
function measured(command: string, argv: string[], options: Parameters<typeof spawnSync>[2]): { status: number | null; stdout: string; stderr: string; wall: number; peakMiB?: number; error?: Error } {
  const started = performance.now();
  const out = TIME === undefined ? spawnSync(command, argv, { ...options, encoding: 'utf8' }) : spawnSync(TIME, ['-f', 'IMPRINT_MAXRSS_KB %M', command, ...argv], { ...options, encoding: 'utf8' });
  const wall = (performance.now() - started) / 1000;
  const stderr = String(out.stderr ?? '');
  const match = /IMPRINT_MAXRSS_KB (\d+)/.exec(stderr);
  return { status: out.status, stdout: String(out.stdout ?? ''), stderr, wall, ...(match === null ? {} : { peakMiB: Number(match[1]) / 1024 }), ...(out.error === undefined ? {} : { error: out.error }) };
}

function fastest(runs: Measured[]): Measured {
  return runs.reduce((best, r) => (r.wall < best.wall ? r : best));
}

/** How `imprint-bench` is started: the built CLI, or the sources through tsx. */
function cliArgv(): string[] {
  if (args.from === 'source') return ['--conditions=@imprint/source', '--import', 'tsx', join(root, 'apps/benchmark/src/bin.ts')];
  if (args.from !== 'dist') throw new Error(`--from must be dist or source, got ${args.from}`);
  const built = spawnSync('pnpm', ['exec', 'nx', 'run', '@imprint/benchmark:build', '--outputStyle=static'], { cwd: root, encoding: 'utf8', env: { ...process.env, NX_DAEMON: 'false' } });
  if (built.status !== 0) throw new Error(`building imprint-bench failed:\n${built.stdout}${built.stderr}`);
  return [join(root, 'apps/benchmark/dist/bin.js')];
}

/** The environment of our runs: as a user's, or with the huge-page relaunch switched off. */
function oursEnv(smallPages: boolean): NodeJS.ProcessEnv {
  return smallPages ? { ...process.env, IMPRINT_HUGE_PAGES: '0' } : process.env;
}

function runOurs(engine: string, step: string, train: string, test: string, cli: string[], smallPages = false): Measured {
  const runs: Measured[] = [];
  for (let i = 0; i < repeat; i++) {
    const out = measured(process.execPath, [...cli, '--engine', engine, ...(engine === 'onnx' ? ['--device', args.device!] : []), 'run', '--train', train, '--test', test, ...STEPS[step].flags, '--json'], { cwd: root, env: oursEnv(smallPages), maxBuffer: 1 << 26 });
    if (out.status !== 0) throw new Error(`imprint-bench (${engine}, ${step}) failed: ${out.stderr}`);
    const result = JSON.parse(out.stdout) as { accuracy: number; timings: { generateMs: number; predictMs: number } };
    runs.push({ gen: result.timings.generateMs / 1000, predict: result.timings.predictMs / 1000, wall: out.wall, accuracy: result.accuracy, ...(out.peakMiB === undefined ? {} : { peakMiB: out.peakMiB }) });
  }
  return fastest(runs);
}

function referenceEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  const avx512 = readFileSync('/proc/cpuinfo', 'utf8').includes('avx512f');
  if (args.blas === 'tuned' && avx512 && env.OPENBLAS_CORETYPE === undefined) env.OPENBLAS_CORETYPE = 'SkylakeX';
  return env;
}

function runReference(step: string, train: string, test: string): (Measured & { blas: string }) | string {
  const runs: (Measured & { blas: string })[] = [];
  for (let i = 0; i < repeat; i++) {
    const out = measured(args.python!, [join(root, 'tools/reference/speed_reference.py'), '--train', train, '--test', test, '--step', step], { env: referenceEnv(), maxBuffer: 1 << 26 });
    if (out.status !== 0) return `reference not run (${out.error?.message ?? out.stderr.trim().split('\n').filter((l) => !l.startsWith('IMPRINT_MAXRSS')).at(-1)}); install: apt-get install python3-sklearn python3-torch`;
    const result = JSON.parse(out.stdout.trim().split('\n').at(-1)!) as { gen_s: number; predict_s: number; accuracy: number; blas: string };
    runs.push({ gen: result.gen_s, predict: result.predict_s, wall: out.wall, accuracy: result.accuracy, blas: result.blas, ...(out.peakMiB === undefined ? {} : { peakMiB: out.peakMiB }) });
  }
  return runs.reduce((best, r) => (r.wall < best.wall ? r : best));
}

const files = await dataFiles();
const cli = cliArgv();
const engines = args.engines!.split(',');
const steps = args.steps!.split(',');
process.stdout.write(`bench:reference — ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}); data: ${files.about}; imprint-bench from ${args.from}; fastest of ${repeat}\n`);
process.stdout.write(`${'step'.padEnd(14)} ${'who'.padEnd(22)} ${'GEN s'.padStart(8)} ${'predict s'.padStart(10)} ${'process s'.padStart(10)} ${'peak MiB'.padStart(9)} ${'accuracy'.padStart(9)}  ratio (reference ÷ ours)\n`);
for (const step of steps) {
  if (STEPS[step] === undefined) throw new Error(`unknown step ${step}; steps: ${Object.keys(STEPS).join(', ')}`);
  const reference = runReference(step, files.train, files.test);
  const line = (who: string, m: Measured, ratio = '') =>
    process.stdout.write(`${step.padEnd(14)} ${who.padEnd(22)} ${m.gen.toFixed(2).padStart(8)} ${m.predict.toFixed(2).padStart(10)} ${m.wall.toFixed(2).padStart(10)} ${(m.peakMiB === undefined ? '–' : m.peakMiB.toFixed(0)).padStart(9)} ${m.accuracy.toFixed(2).padStart(9)}  ${ratio}\n`);
  if (typeof reference === 'string') process.stdout.write(`${step.padEnd(14)} ${reference}\n`);
  else line('reference', reference, `(${reference.blas})`);
  for (const engine of engines) {
    if (engine === 'tfjs' && STEPS[step].measure === 'predict' && !args.slow) {
      process.stdout.write(`${step.padEnd(14)} ${'ours, tfjs'.padEnd(22)} skipped (minutes on WASM; --slow runs it)\n`);
      continue;
    }
    for (const smallPages of args['small-pages'] ? [false, true] : [false]) {
      const ours = runOurs(engine, step, files.train, files.test, cli, smallPages);
      const measure = STEPS[step].measure;
      const ratio = typeof reference === 'string' ? '' : `${measure} ${(reference[measure] / ours[measure]).toFixed(2)}×, process ${(reference.wall / ours.wall).toFixed(2)}×`;
      line(`ours, ${engine}${smallPages ? ', 4 KiB pages' : ''}`, ours, ratio);
    }
  }
}
