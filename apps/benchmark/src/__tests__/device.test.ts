import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEmbeddings } from '@imprint/eval';
import { cli } from './cli-helper.js';

const webgpu = process.env.IMPRINT_TEST_WEBGPU === '1';
if (!webgpu) process.stderr.write(`imprint-bench --device webgpu tests SKIPPED: ${process.env.IMPRINT_TEST_WEBGPU ?? 'no SwiftShader set up'}\n`);
const files = ['--train', 'fixtures/example-train.h5', '--test', 'fixtures/example-test.h5', '--configs', 'fixtures/example-configs.json', '--json'];
const accuracies = (stdout: string) => (JSON.parse(stdout) as { accuracy: number }[]).map((r) => r.accuracy);

describe('imprint-bench --device', () => {
  it('auto picks the CPU engine here and says why', async () => {
    const { code, stderr } = await cli('--device', 'auto', 'run', ...files);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^device: (cpu \(auto; not cuda: .*; not webgpu: .*\)|webgpu \(auto.*\))$/m);
  });

  it('an explicit device that cannot start is one typed line; tfjs takes no GPU device', async () => {
    const cuda = await cli('--device', 'cuda', 'run', ...files);
    expect(cuda.code).not.toBe(0);
    expect(cuda.stderr).toMatch(/error \[UNSUPPORTED\]: device cuda cannot start: /);
    const tfjs = await cli('--engine', 'tfjs', '--device', 'webgpu', 'run', ...files);
    expect(tfjs.code).not.toBe(0);
    expect(tfjs.stderr).toMatch(/--device webgpu places the onnx engine/);
  });

  it.skipIf(!webgpu)('run --device webgpu gives the CPU engine\'s accuracies (SwiftShader), every call on the device', async () => {
    process.env.IMPRINT_ONNX_PLACEMENT = 'device';
    const onDevice = await cli('--device', 'webgpu', 'run', ...files).finally(() => delete process.env.IMPRINT_ONNX_PLACEMENT);
    const onCpu = await cli('--device', 'cpu', 'run', ...files);
    expect(onDevice.code).toBe(0);
    expect(onDevice.stderr).toMatch(/webgpu device/);
    expect(accuracies(onDevice.stdout)).toEqual(accuracies(onCpu.stdout));
  }, 300_000);

  it.skipIf(!webgpu)('embed --device webgpu: embeddings within 1e-4 of the CPU engine (SwiftShader)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-device-'));
    const embed = (device: string) => cli('--engine', 'onnx', '--device', device, 'embed', '--dataset', 'mnist', '--split', 'test', '--backbone', 'mobilenet_v2_nsfw', '--input-size', '96', '--limit', '8', '--workers', '1', '--no-cache', '--out', join(dir, `${device}.h5`));
    expect((await embed('webgpu')).code).toBe(0);
    expect((await embed('cpu')).code).toBe(0);
    const a = await readEmbeddings(join(dir, 'webgpu.h5'));
    const b = await readEmbeddings(join(dir, 'cpu.h5'));
    expect(a.shape).toEqual(b.shape);
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    let diff = 0;
    let scale = 0;
    b.embeddings.forEach((v, i) => {
      diff = Math.max(diff, Math.abs(a.embeddings[i] - v));
      scale = Math.max(scale, Math.abs(v));
    });
    expect(diff / scale).toBeLessThan(1e-4);
  }, 300_000);
});
