// Chromium for the browser tests and its software Vulkan driver (SwiftShader) for the WebGPU tests
// of the onnx engine: one place that finds them, installing Debian's chromium where missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The Chromium to drive: $CHROMIUM_PATH, else Debian's `chromium`, installed with apt-get where
 * missing (as root, non-interactive, waiting for a dpkg lock another install holds). Returns
 * undefined with the reason when it cannot be had.
 */
export function findChromium(): { path?: string; reason?: string } {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => p !== undefined && p !== '');
  const found = () => candidates.find((p) => existsSync(p));
  if (found()) return { path: found() };
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) return { reason: 'no Chromium found (set CHROMIUM_PATH) and no apt-get to install it' };
  const root = process.getuid?.() === 0;
  const sudo = root ? [] : ['sudo', '-n'];
  const apt = (args: string[]) =>
    spawnSync(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(root ? [] : ['apt-get']), '-o', 'DPkg::Lock::Timeout=300', ...args], { stdio: 'pipe', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 600_000 });
  process.stderr.write('tests: Chromium is missing; installing Debian chromium with apt-get…\n');
  let result = apt(['install', '-y', '--no-install-recommends', 'chromium']);
  if (result.status !== 0) {
    apt(['update']);
    result = apt(['install', '-y', '--no-install-recommends', 'chromium']);
  }
  if (found()) return { path: found() };
  return { reason: `Chromium could not be installed with apt-get (${String(result.stderr ?? '').trim().split('\n').at(-1) ?? `exit ${result.status}`})` };
}

/** What a process needs to see SwiftShader as its only Vulkan device (Chromium's driver and loader). */
export function softwareVulkan(): { env?: { VK_ICD_FILENAMES: string; LD_LIBRARY_PATH: string }; reason?: string } {
  if (process.platform !== 'linux' || process.arch !== 'x64') return { reason: `onnxruntime-node's WebGPU provider is tested on Linux x64 only (this is ${process.platform} ${process.arch})` };
  const chromium = findChromium();
  if (chromium.path === undefined) return { reason: chromium.reason };
  const folder = ['/usr/lib/chromium', join(dirname(chromium.path), '..', 'lib', 'chromium')].find((f) => existsSync(join(f, 'vk_swiftshader_icd.json')));
  if (folder === undefined || !existsSync(join(folder, 'libvulkan.so.1'))) return { reason: `Chromium at ${chromium.path} has no SwiftShader Vulkan driver (vk_swiftshader_icd.json and libvulkan.so.1 beside it)` };
  const libraries = [folder, ...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter((p) => p !== '' && p !== folder)].join(':');
  return { env: { VK_ICD_FILENAMES: join(folder, 'vk_swiftshader_icd.json'), LD_LIBRARY_PATH: libraries } };
}

/**
 * For a vitest config: make the test processes (forked after the config runs, so the dynamic
 * linker sees LD_LIBRARY_PATH) use SwiftShader, and tell the tests through IMPRINT_TEST_WEBGPU
 * ('1', or the reason it is not there, which the WebGPU suites print when they skip).
 */
export function useSoftwareVulkan(): void {
  if (process.env.IMPRINT_TEST_WEBGPU !== undefined) return;
  const found = softwareVulkan();
  if (found.env === undefined) {
    process.env.IMPRINT_TEST_WEBGPU = found.reason ?? 'no SwiftShader';
    return;
  }
  Object.assign(process.env, found.env);
  process.env.IMPRINT_TEST_WEBGPU = '1';
}
