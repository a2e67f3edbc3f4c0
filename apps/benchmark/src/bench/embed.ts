/**
 * `pnpm bench:embed`: embedding throughput (img/s) per backbone × input size × engine, side by
 * side — tf.js (WASM, one worker thread per core) and the native onnx engine (onnxruntime, all
 * cores in this thread) — on MNIST test images, model loading excluded (timing starts when the
 * first batch is back). Measures; asserts nothing.
 * Options: --images N (default 256; tf.js runs of inception use a quarter), --quick (fewer
 * configurations), --engines tfjs,onnx, --device cpu|webgpu|cuda|auto (where the onnx engine runs).
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { embedImages, selectBackend, type BackboneLoader } from '@imprint/backbones';
import { limitDataset, loadMnist } from '@imprint/eval';
import { onnxBackbones, type OnnxDeviceChoice } from '@imprint/onnx';

const { values: args } = parseArgs({ options: { images: { type: 'string', default: '256' }, quick: { type: 'boolean', default: false }, engines: { type: 'string', default: 'tfjs,onnx' }, device: { type: 'string', default: 'cpu' } } });
const images = Number(args.images);
const engines = args.engines!.split(',');
await selectBackend('wasm', () => undefined);
const cores = cpus().length;
process.stdout.write(`bench:embed — MNIST test images, ${cores} cores (${cpus()[0]?.model ?? 'unknown'}); tf.js: WASM, ${cores} worker threads; onnx: onnxruntime, ${cores} threads\n`);
process.stdout.write(`${'backbone'.padEnd(20)} ${'size'.padStart(5)} ${engines.map((e) => `${e} img/s`.padStart(12)).join(' ')}${engines.length === 2 ? '    ratio' : ''}\n`);

const mnist = await loadMnist('test');
const configs: [string, number][] = args.quick
  ? [
      ['mobilenet_v2_140', 224],
      ['mobilenet_v2_nsfw', 224],
      ['inception_v3_nsfw', 160],
    ]
  : [
      ['mobilenet_v2_140', 224],
      ['mobilenet_v2_140', 160],
      ['mobilenet_v2_140', 128],
      ['mobilenet_v2_nsfw', 224],
      ['mobilenet_v2_nsfw', 128],
      ['inception_v3_nsfw', 299],
      ['inception_v3_nsfw', 224],
      ['inception_v3_nsfw', 160],
    ];
const loaders: Record<string, BackboneLoader | undefined> = { tfjs: undefined, onnx: onnxBackbones({ device: args.device as OnnxDeviceChoice }) };

async function rate(backbone: string, inputSize: number, engine: string): Promise<number> {
  const count = engine === 'tfjs' && backbone.startsWith('inception') ? Math.max(32, images / 4) : images;
  let firstAt = 0;
  let firstDone = 0;
  let lastAt = 0;
  await embedImages(limitDataset(mnist, count), {
    backbone,
    inputSize,
    ...(loaders[engine] === undefined ? { workers: cores } : { loader: loaders[engine]! }),
    onProgress: (done) => {
      const now = performance.now();
      if (firstAt === 0) [firstAt, firstDone] = [now, done];
      lastAt = now;
    },
  });
  return ((count - firstDone) / (lastAt - firstAt)) * 1000;
}

for (const [backbone, inputSize] of configs) {
  const rates: number[] = [];
  for (const engine of engines) rates.push(await rate(backbone, inputSize, engine));
  const ratio = rates.length === 2 ? `${(rates[1] / rates[0]).toFixed(2)}×`.padStart(9) : '';
  process.stdout.write(`${backbone.padEnd(20)} ${String(inputSize).padStart(5)} ${rates.map((r) => r.toFixed(1).padStart(12)).join(' ')}${ratio}\n`);
}
