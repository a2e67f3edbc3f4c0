import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deviceUnavailable, loadOnnxRuntime, onnxEngine, resolveDevice, vulkanDrivers } from '../index.js';

/** A folder of Vulkan driver manifests, as the loader reads them. */
function drivers(libraries: string[]): NodeJS.ProcessEnv {
  const folder = mkdtempSync(join(tmpdir(), 'imprint-icd-'));
  libraries.forEach((library, i) => writeFileSync(join(folder, `driver_${i}.json`), JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: library, api_version: '1.3.0' } })));
  return { VK_DRIVER_FILES: folder, LD_LIBRARY_PATH: process.env.LD_LIBRARY_PATH };
}

describe('device choice', () => {
  it('tells software Vulkan drivers from hardware ones', () => {
    const found = vulkanDrivers(drivers(['/usr/lib/chromium/libvk_swiftshader.so', 'libvulkan_lvp.so', 'libGLX_nvidia.so.0']));
    expect(found.map((d) => d.software)).toEqual([true, true, false]);
  });

  it('auto never takes a software driver: with SwiftShader alone it picks the CPU and says why', () => {
    const chosen = resolveDevice(loadOnnxRuntime(), 'auto', drivers(['/usr/lib/chromium/libvk_swiftshader.so']));
    expect(chosen.device).toBe('cpu');
    expect(chosen.reason).toMatch(/not webgpu: only software Vulkan drivers \(libvk_swiftshader\.so\)/);
    expect(chosen.reason).toMatch(/not cuda: /);
  });

  it('an explicit device that cannot start fails with one typed line saying what is missing', () => {
    expect(() => resolveDevice(loadOnnxRuntime(), 'cuda')).toThrow(expect.objectContaining({ code: 'UNSUPPORTED', message: expect.stringMatching(/^device cuda cannot start: .*(CUDA provider libraries|NVIDIA GPU)/) }));
    expect(deviceUnavailable('webgpu', { VK_DRIVER_FILES: join(tmpdir(), 'no-such-icd.json'), LD_LIBRARY_PATH: process.env.LD_LIBRARY_PATH })).toMatch(/Vulkan (loader|driver)/);
    expect(() => onnxEngine({ placement: 'always' as never })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringMatching(/unknown placement "always"; expected cost or device/) }));
    expect(() => onnxEngine({ device: 'tpu' as never })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringMatching(/unknown device "tpu"; expected one of auto, cpu, webgpu, cuda/) }));
  });

  it('the CPU is the default and always starts', () => {
    const engine = onnxEngine({ threads: 1 });
    expect(engine.device).toBe('cpu');
    expect(engine.describe?.()).not.toMatch(/device/);
    engine.dispose?.();
  });
});
