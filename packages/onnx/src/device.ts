import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { ImprintError } from '@imprint/core';

/** Where onnxruntime runs a graph: the CPU (MLAS), a GPU through WebGPU (Dawn over Vulkan), or CUDA. */
export type OnnxDevice = 'cpu' | 'webgpu' | 'cuda';
/** A device, or `auto`: a hardware GPU when one starts here, else the CPU. */
export type OnnxDeviceChoice = OnnxDevice | 'auto';
export const DEVICE_CHOICES: readonly OnnxDeviceChoice[] = ['auto', 'cpu', 'webgpu', 'cuda'];

/** One installable client driver (ICD) of the Vulkan loader, as its manifest names it. */
export interface VulkanDriver {
  readonly manifest: string;
  readonly library: string;
  /** A CPU implementation (SwiftShader, lavapipe, the mock driver): never chosen by `auto`. */
  readonly software: boolean;
  /** A hardware driver whose device is present (NVIDIA: /dev/nvidia*; others: a /dev/dri render node). */
  readonly present: boolean;
}

function hasRenderNode(): boolean {
  try {
    return readdirSync('/dev/dri').some((name) => name.startsWith('renderD'));
  } catch {
    return false;
  }
}

const SOFTWARE_DRIVER = /swiftshader|lvp|lavapipe|mock_icd|llvmpipe/i;

/**
 * The Vulkan drivers the loader would offer Dawn: the manifests named by `VK_DRIVER_FILES` /
 * `VK_ICD_FILENAMES` (colon-separated files or folders), else those in the standard folders.
 */
export function vulkanDrivers(env: NodeJS.ProcessEnv = process.env): VulkanDriver[] {
  const named = (env.VK_DRIVER_FILES ?? env.VK_ICD_FILENAMES ?? '').split(':').filter((p) => p !== '');
  const dataDirs = (env.XDG_DATA_DIRS ?? '/usr/local/share:/usr/share').split(':').filter((p) => p !== '');
  const folders = named.length > 0 ? named : ['/etc/vulkan/icd.d', ...dataDirs.map((d) => join(d, 'vulkan', 'icd.d'))];
  const manifests: string[] = [];
  for (const entry of folders) {
    if (entry.endsWith('.json')) {
      if (existsSync(entry)) manifests.push(entry);
      continue;
    }
    try {
      for (const name of readdirSync(entry).sort()) if (name.endsWith('.json')) manifests.push(join(entry, name));
    } catch {
      // a folder that does not exist offers no driver
    }
  }
  const drivers: VulkanDriver[] = [];
  for (const manifest of [...new Set(manifests)]) {
    let library: string;
    try {
      library = String((JSON.parse(readFileSync(manifest, 'utf8')) as { ICD?: { library_path?: unknown } }).ICD?.library_path ?? '');
    } catch {
      continue;
    }
    if (library === '') continue;
    const software = SOFTWARE_DRIVER.test(basename(library)) || SOFTWARE_DRIVER.test(basename(manifest));
    const present = !software && (/nvidia/i.test(library) ? existsSync('/dev/nvidiactl') || existsSync('/dev/nvidia0') : hasRenderNode());
    drivers.push({ manifest, library, software, present });
  }
  return drivers;
}

/** Whether the Vulkan loader (libvulkan.so.1) can be found by the dynamic linker. */
export function vulkanLoaderFound(env: NodeJS.ProcessEnv = process.env): boolean {
  const folders = [...(env.LD_LIBRARY_PATH ?? '').split(':').filter((p) => p !== ''), '/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib64', '/usr/lib64', '/lib', '/usr/lib', '/usr/local/lib', '/lib/aarch64-linux-gnu', '/usr/lib/aarch64-linux-gnu'];
  return folders.some((folder) => existsSync(join(folder, 'libvulkan.so.1')));
}

/** The folder of onnxruntime-node's native libraries for this platform, if installed. */
export function onnxNativeFolder(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return undefined;
  }
}

/** Why a device cannot run here, before any session is tried; undefined when it may. */
export function deviceUnavailable(device: OnnxDevice, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (device === 'cpu') return undefined;
  if (device === 'webgpu') {
    if (process.platform !== 'linux' && process.platform !== 'win32' && process.platform !== 'darwin') return `onnxruntime-node has no WebGPU provider on ${process.platform}`;
    if (process.platform === 'linux' && process.arch !== 'x64') return 'onnxruntime-node ships its WebGPU provider for Linux x64 only';
    if (process.platform !== 'linux') return undefined;
    if (!vulkanLoaderFound(env)) return 'the Vulkan loader libvulkan.so.1 is not found (install libvulkan1, or add its folder to LD_LIBRARY_PATH)';
    if (vulkanDrivers(env).length === 0) return "no Vulkan driver is installed (no ICD manifest in /usr/share/vulkan/icd.d, /etc/vulkan/icd.d or VK_DRIVER_FILES): install your GPU's Vulkan driver (NVIDIA's driver, mesa-vulkan-drivers)";
    return undefined;
  }
  const folder = onnxNativeFolder();
  if (folder === undefined) return 'onnxruntime-node is not installed';
  if (process.platform !== 'linux' || process.arch !== 'x64') return 'onnxruntime-node has a CUDA provider for Linux x64 only';
  if (!existsSync(join(folder, 'libonnxruntime_providers_cuda.so'))) {
    return `onnxruntime-node's CUDA provider libraries are not installed (${join(folder, 'libonnxruntime_providers_cuda.so')} is missing): its installer downloads them from NuGet at install time, which needs that network; they then need CUDA 12 and cuDNN 9`;
  }
  if (!existsSync('/dev/nvidiactl') && !existsSync('/dev/nvidia0')) return 'no NVIDIA GPU device (/dev/nvidia0) on this machine';
  return undefined;
}

/** What `auto` may take: a device that passes {@link deviceUnavailable} and, for WebGPU, a hardware Vulkan driver. */
export function autoCandidateUnavailable(device: OnnxDevice, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const reason = deviceUnavailable(device, env);
  if (reason !== undefined || device !== 'webgpu' || process.platform !== 'linux') return reason;
  const drivers = vulkanDrivers(env);
  if (drivers.every((d) => d.software)) return `only software Vulkan drivers (${drivers.map((d) => basename(d.library)).join(', ')}), slower than the CPU engine`;
  if (!drivers.some((d) => d.present)) return `no GPU for the hardware Vulkan drivers installed (${drivers.filter((d) => !d.software).map((d) => basename(d.library)).join(', ')}): no /dev/nvidia* or /dev/dri render node`;
  return undefined;
}

/**
 * The Vulkan driver manifests `auto` lets Dawn see: the hardware drivers whose device is present,
 * so that a software adapter is never what it gets.
 */
export function hardwareDriverFiles(env: NodeJS.ProcessEnv = process.env): string {
  return vulkanDrivers(env)
    .filter((d) => d.present)
    .map((d) => d.manifest)
    .join(':');
}

/** The execution providers of a session on `device`, as onnxruntime-node's session options take them. */
export function executionProviders(device: OnnxDevice): unknown[] | undefined {
  // IMPRINT_WEBGPU_LAYOUT=NCHW|NHWC: the layout the WebGPU provider runs convolutions in (its own default: NHWC)
  const layout = process.env.IMPRINT_WEBGPU_LAYOUT;
  if (device === 'webgpu') return [{ name: 'webgpu', ...(layout === 'NCHW' || layout === 'NHWC' ? { preferredLayout: layout } : {}) }, 'cpu'];
  if (device === 'cuda') return [{ name: 'cuda', deviceId: 0 }, 'cpu'];
  return undefined;
}

/** The typed error of a device that was asked for by name and cannot start. */
export function deviceError(device: OnnxDevice, reason: string): ImprintError {
  return new ImprintError('UNSUPPORTED', `device ${device} cannot start: ${reason}`, { device });
}
