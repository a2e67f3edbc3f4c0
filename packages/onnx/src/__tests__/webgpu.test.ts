import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng, type HostMatrix } from '@imprint/core';
import { describeEngineContract } from '@imprint/core/testing';
import { onnxEmbeddedBackbone, onnxEngine } from '../index.js';
import { mnistDigits } from './mnist-images.js';
import { webgpuAvailable } from './webgpu-available.js';

// The onnx engine on onnxruntime's WebGPU provider, on SwiftShader (a CPU implementation of
// Vulkan): the device's kernels give the CPU engine's results. `placement: 'device'` sends every
// call to the device, whatever its size (the default would keep these small calls on the CPU).
describe.skipIf(!webgpuAvailable)('the onnx engine on webgpu (SwiftShader)', () => {
  describeEngineContract('onnx on webgpu, every call on the device', () => onnxEngine({ device: 'webgpu', placement: 'device', threads: 2 }));

  function matrix(rows: number, dim: number, seed: number, levels?: number): HostMatrix {
    const rng = createRng(seed);
    // with `levels`, values on a coarse grid: many exact ties among the scores
    const values = Float32Array.from({ length: rows * dim }, () => (levels === undefined ? rng.normal() : rng.int(levels)));
    return { values, rows, dim };
  }

  it('finds the same neighbours as the CPU engine with the two-stage TopK, ties to the lower index', () => {
    const device = onnxEngine({ device: 'webgpu', placement: 'device', threads: 2 });
    const cpu = onnxEngine({ threads: 2 });
    // 5000 targets: the device cuts each row into chunks of 1024, the last one padded. Small
    // integers: every euclidean score is exact in any summation order, so the many ties are
    // exact ties, decided by the index alone (cosine normalises rows: near-ties, not compared here).
    const targets = matrix(5000, 12, 1, 3);
    const queries = matrix(40, 12, 2, 3);
    const a = device.kernels!.nearest!(queries, targets, 7, 'euclidean')!;
    const b = cpu.kernels!.nearest!(queries, targets, 7, 'euclidean')!;
    expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
    a.distances.forEach((d, i) => expect(d).toBeCloseTo(b.distances[i], 5));
    device.dispose?.();
    cpu.dispose?.();
  });

  it('places calls by cost: small products stay on the CPU, a large one goes to the device', () => {
    const engine = onnxEngine({ device: 'webgpu', threads: 2 });
    expect(engine.device).toBe('webgpu');
    engine.kernels!.matMulTransposed!(matrix(8, 4, 3), matrix(3, 4, 4));
    expect(engine.sessions).toBe(1);
    const big = matrix(512, 512, 5);
    engine.kernels!.matMulTransposed!(big, big);
    // the same graph, now also on the device: one more session
    expect(engine.sessions).toBe(2);
    engine.dispose?.();
  });

  it('embeds with the embedded FMs within 1e-4 of the CPU engine', async () => {
    const pixels = mnistDigits(3);
    const cacheDir = await mkdtemp(join(tmpdir(), 'imprint-onnx-webgpu-'));
    const onDevice = await onnxEmbeddedBackbone('mobilenet_v2_nsfw', { inputSize: 96, device: 'webgpu', cacheDir });
    const onCpu = await onnxEmbeddedBackbone('mobilenet_v2_nsfw', { inputSize: 96, cacheDir });
    const a = await onDevice.embedPixels!(pixels, 3, 28, 28, 1);
    const b = await onCpu.embedPixels!(pixels, 3, 28, 28, 1);
    let diff = 0;
    let scale = 0;
    b.forEach((v, i) => {
      diff = Math.max(diff, Math.abs(a[i] - v));
      scale = Math.max(scale, Math.abs(v));
    });
    expect(diff / scale).toBeLessThan(1e-4);
    onDevice.dispose();
    onCpu.dispose();
  }, 300_000);
});
