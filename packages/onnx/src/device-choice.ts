import { basename } from 'node:path';
import { ImprintError } from '@imprint/core';
import { autoCandidateUnavailable, deviceError, deviceUnavailable, DEVICE_CHOICES, hardwareDriverFiles, vulkanDrivers, type OnnxDevice, type OnnxDeviceChoice } from './device.js';
import { GraphBuilder } from './graph.js';
import type { OrtRuntime } from './runtime.js';

/** The device a choice resolved to, and why (for `auto`: what each candidate before it lacked). */
export interface ResolvedDevice {
  readonly device: OnnxDevice;
  readonly reason: string;
}

/** The order `auto` tries: CUDA, then a hardware WebGPU adapter, then the CPU (which always starts). */
const AUTO_ORDER: readonly OnnxDevice[] = ['cuda', 'webgpu', 'cpu'];

const started = new Map<OnnxDevice, string | undefined>();

/** What the Vulkan loader offered, for an adapter that did not start. */
function webgpuHint(env: NodeJS.ProcessEnv): string {
  const drivers = vulkanDrivers(env);
  if (drivers.length === 0) return ' (no Vulkan driver found)';
  return ` (Vulkan drivers: ${drivers.map((d) => `${basename(d.library)}${d.software ? ', software' : d.present ? '' : ', no device'}`).join('; ')}; Dawn needs Vulkan 1.1 with shaderUniformArrayDynamicIndexing, which lavapipe before Mesa 23 lacks)`;
}

/** A one-node graph run on `device`: the device starts (adapter, driver, provider library) or says why not. */
function probe(runtime: OrtRuntime, device: OnnxDevice, env: NodeJS.ProcessEnv): string | undefined {
  if (started.has(device)) return started.get(device);
  let failure: string | undefined;
  try {
    const graph = new GraphBuilder('device_probe');
    const x = graph.input('x', 'float32', [2, 2]);
    graph.node('MatMul', [x, x], {}, ['y']);
    graph.output('y', 'float32', [2, 2]);
    const session = runtime.createSession(graph.encode(), { threads: 1, device });
    try {
      const y = session.run({ x: { type: 'float32', data: Float32Array.of(1, 2, 3, 4), dims: [2, 2] } }, ['y']).y.data as Float32Array;
      if (y[0] !== 7 || y[3] !== 22) failure = `a 2 × 2 product on it gave [${Array.from(y).join(', ')}] instead of [7, 10, 15, 22]`;
    } finally {
      session.dispose();
    }
  } catch (error) {
    // onnxruntime's messages start with the source location and the failed check: keep what it says
    const said = ((error as Error).message ?? String(error)).replace(/^\/onnxruntime_src\/\S+ .*? was false\. /s, '').trim();
    failure = `onnxruntime: ${said}${device === 'webgpu' ? webgpuHint(env) : ''}`;
  }
  started.set(device, failure);
  return failure;
}

/**
 * The WebGPU probe of `auto`: the Vulkan loader is shown only the hardware drivers whose device is
 * present (VK_DRIVER_FILES, read when Dawn makes its Vulkan instance), unless the user named the
 * drivers, so the adapter Dawn picks cannot be a software one.
 */
function probeHardwareOnly(runtime: OrtRuntime, env: NodeJS.ProcessEnv): string | undefined {
  if (env.VK_DRIVER_FILES !== undefined || env.VK_ICD_FILENAMES !== undefined || process.platform !== 'linux') return probe(runtime, 'webgpu', env);
  env.VK_DRIVER_FILES = hardwareDriverFiles(env);
  env.VK_ICD_FILENAMES = env.VK_DRIVER_FILES;
  return probe(runtime, 'webgpu', env);
}

/**
 * Resolve a device choice the way onnxruntime resolves its backends: an explicit device starts or
 * fails with one typed line saying what is missing; `auto` tries CUDA, then WebGPU on a hardware
 * Vulkan driver (never a software one: SwiftShader and lavapipe are slower than the CPU engine),
 * then the CPU, and says why it passed over each.
 */
export function resolveDevice(runtime: OrtRuntime, choice: OnnxDeviceChoice = 'cpu', env: NodeJS.ProcessEnv = process.env): ResolvedDevice {
  if (!DEVICE_CHOICES.includes(choice)) throw new ImprintError('INVALID_CONFIG', `unknown device ${JSON.stringify(choice)}; expected one of ${DEVICE_CHOICES.join(', ')}`, { device: choice });
  if (choice !== 'auto') {
    const missing = deviceUnavailable(choice, env) ?? probe(runtime, choice, env);
    if (missing !== undefined) throw deviceError(choice, missing);
    return { device: choice, reason: 'chosen' };
  }
  const passed: string[] = [];
  for (const device of AUTO_ORDER) {
    const missing = autoCandidateUnavailable(device, env) ?? (device === 'webgpu' ? probeHardwareOnly(runtime, env) : probe(runtime, device, env));
    if (missing === undefined) return { device, reason: passed.length === 0 ? 'auto' : `auto; ${passed.join('; ')}` };
    passed.push(`not ${device}: ${missing}`);
  }
  // The CPU provider is part of onnxruntime itself: reaching here means onnxruntime itself failed.
  throw new ImprintError('UNSUPPORTED', `no device could start: ${passed.join('; ')}`);
}
