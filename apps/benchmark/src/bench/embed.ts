/**
 * `pnpm bench:embed`: embedding throughput (img/s) per backbone, input size and worker count on
 * MNIST test images, model loading excluded (timing starts when the first batch is back; default batch size 32).
 * Measures; asserts nothing. Options: --images N (default 256), --quick (fewer configurations).
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { embedImages, selectBackend } from '@imprint/backbones';
import { limitDataset, loadMnist } from '@imprint/eval';

const { values: args } = parseArgs({ options: { images: { type: 'string', default: '256' }, quick: { type: 'boolean', default: false } } });
const images = Number(args.images);
await selectBackend('wasm');
const cores = cpus().length;
process.stdout.write(`bench:embed — ${images} MNIST test images, WASM backend, ${cores} cores (${cpus()[0]?.model ?? 'unknown'})\n`);
process.stdout.write(`${'backbone'.padEnd(20)} ${'size'.padStart(5)} ${'workers'.padStart(8)} ${'img/s'.padStart(8)}\n`);

const mnist = await loadMnist('test');
const configs: [string, number][] = args.quick
  ? [
      ['mobilenet_v2_140', 224],
      ['mobilenet_v2_140', 160],
      ['mobilenet_v2_nsfw', 128],
    ]
  : [
      ['mobilenet_v2_140', 224],
      ['mobilenet_v2_140', 160],
      ['mobilenet_v2_140', 128],
      ['mobilenet_v2_nsfw', 224],
      ['mobilenet_v2_nsfw', 128],
      ['inception_v3_nsfw', 299],
      ['inception_v3_nsfw', 160],
    ];
for (const [backbone, inputSize] of configs) {
  for (const workers of [...new Set([1, cores])]) {
    // Time from the first finished batch to the last, so model loading is not counted.
    let firstAt = 0;
    let firstDone = 0;
    let lastAt = 0;
    await embedImages(limitDataset(mnist, images), {
      backbone,
      inputSize,
      workers,
      onProgress: (done) => {
        const now = performance.now();
        if (firstAt === 0) [firstAt, firstDone] = [now, done];
        lastAt = now;
      },
    });
    const rate = ((images - firstDone) / (lastAt - firstAt)) * 1000;
    process.stdout.write(`${backbone.padEnd(20)} ${String(inputSize).padStart(5)} ${String(workers).padStart(8)} ${rate.toFixed(1).padStart(8)}\n`);
  }
}
