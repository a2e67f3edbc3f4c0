import type { OnnxDevice } from './device.js';
import type { OrtRuntime, OrtSession } from './runtime.js';

/** With IMPRINT_ONNX_PROFILE=1, time spent per graph is summed and printed to stderr at exit. */
const PROFILE: Map<string, { calls: number; ms: number }> | undefined = process.env.IMPRINT_ONNX_PROFILE === '1' ? new Map() : undefined;
if (PROFILE !== undefined) {
  process.on('exit', () => {
    for (const [key, { calls, ms }] of [...PROFILE.entries()].sort((a, b) => b[1].ms - a[1].ms)) process.stderr.write(`onnx ${key}: ${calls} calls, ${ms.toFixed(0)} ms\n`);
  });
}

function profiled(key: string, session: OrtSession): OrtSession {
  return {
    run(feeds, outputs) {
      const start = performance.now();
      try {
        return session.run(feeds, outputs);
      } finally {
        const entry = PROFILE!.get(key) ?? { calls: 0, ms: 0 };
        entry.calls++;
        entry.ms += performance.now() - start;
        PROFILE!.set(key, entry);
      }
    },
    dispose: () => session.dispose(),
  };
}

/** How a kernel's graph is placed: `spin` (see `OrtSessionOptions`); `cpu`: on the CPU whatever the engine's device. */
export interface GraphPlacement {
  readonly spin?: boolean;
  readonly cpu?: boolean;
}

/**
 * Where an engine on a GPU runs each call: `cost` — on the device when the work outweighs moving
 * its inputs and outputs there and back (see {@link SessionCache.onDevice}); `device` — every
 * float32 call on the device (tests of the device's kernels, whatever the size).
 */
export type Placement = 'cost' | 'device';

/** The cost model of `cost` placement (orders of magnitude, measured on the H200 check; docs/gpu.md). */
const COST = {
  /** float32 multiply-adds ×2 per second per onnxruntime CPU thread (MLAS with AVX-512: 60–80 G). */
  cpuFlopsPerThread: 60e9,
  /** Bytes per second between host and device through onnxruntime's WebGPU/CUDA copies. */
  linkBytesPerSecond: 10e9,
  /** Device float32 operations per second (WGSL/CUDA kernels, far below the tensor-core peak). */
  deviceFlops: 10e12,
  /** Seconds a device call costs beyond its transfers and work (dispatch, synchronisation). */
  deviceLatency: 3e-4,
};

/**
 * The loaded graphs of one engine, built on first use and kept by name (a graph with symbolic
 * dimensions serves every size, so there are few). Disposed with the engine.
 */
export class SessionCache {
  readonly #runtime: OrtRuntime;
  readonly #threads: number;
  readonly #device: OnnxDevice;
  readonly #placement: Placement;
  readonly #sessions = new Map<string, OrtSession>();

  constructor(runtime: OrtRuntime, threads: number, device: OnnxDevice = 'cpu', placement: Placement = 'cost') {
    this.#runtime = runtime;
    this.#threads = threads;
    this.#device = device;
    this.#placement = placement;
  }

  /**
   * Whether a float32 call of `flops` operations that moves `bytes` between host and device runs
   * on this engine's device: always on `device` placement, never on the CPU engine; with `cost`,
   * when the device's time (transfers, work, latency) is below the CPU threads' time. Elementwise
   * passes (norms, unit rows: two operations per four bytes) therefore stay on the CPU, products of
   * thin matrices (a k-means step: 20 centres) too, and large products, Gram matrices and
   * nearest-neighbour searches go to the device.
   */
  onDevice(flops: number, bytes: number): boolean {
    if (this.#device === 'cpu') return false;
    if (this.#placement === 'device') return true;
    const deviceSeconds = bytes / COST.linkBytesPerSecond + flops / COST.deviceFlops + COST.deviceLatency;
    return deviceSeconds < flops / (COST.cpuFlopsPerThread * this.#threads);
  }

  get threads(): number {
    return this.#threads;
  }

  /** Where this engine's float32 graphs run. */
  get device(): OnnxDevice {
    return this.#device;
  }

  get runtime(): OrtRuntime {
    return this.#runtime;
  }

  /** The session of graph `key` on the engine's device (on the CPU with `cpu`), built with `build()` the first time. */
  get(key: string, build: () => Uint8Array, { spin = false, cpu = false }: GraphPlacement = {}): OrtSession {
    const device = cpu ? 'cpu' : this.#device;
    const placed = device === 'cpu' ? key : `${key}@${device}`;
    let session = this.#sessions.get(placed);
    if (session === undefined) {
      session = this.#runtime.createSession(build(), { threads: this.#threads, spin, device, label: key });
      if (PROFILE !== undefined) session = profiled(placed, session);
      this.#sessions.set(placed, session);
    }
    return session;
  }

  get size(): number {
    return this.#sessions.size;
  }

  dispose(): void {
    for (const session of this.#sessions.values()) session.dispose();
    this.#sessions.clear();
  }
}
