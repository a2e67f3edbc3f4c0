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

/** How a kernel's graph is placed: `spin` (see `OrtSessionOptions`); `cpu`: on the CPU whatever the engine's device (float64 graphs: GPUs compute in float32). */
export interface GraphPlacement {
  readonly spin?: boolean;
  readonly cpu?: boolean;
}

/**
 * The loaded graphs of one engine, built on first use and kept by name (a graph with symbolic
 * dimensions serves every size, so there are few). Disposed with the engine.
 */
export class SessionCache {
  readonly #runtime: OrtRuntime;
  readonly #threads: number;
  readonly #device: OnnxDevice;
  readonly #sessions = new Map<string, OrtSession>();

  constructor(runtime: OrtRuntime, threads: number, device: OnnxDevice = 'cpu') {
    this.#runtime = runtime;
    this.#threads = threads;
    this.#device = device;
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

  /** The session of graph `key`, built with `build()` the first time. */
  get(key: string, build: () => Uint8Array, { spin = false, cpu = false }: GraphPlacement = {}): OrtSession {
    let session = this.#sessions.get(key);
    if (session === undefined) {
      session = this.#runtime.createSession(build(), { threads: this.#threads, spin, device: cpu ? 'cpu' : this.#device });
      if (PROFILE !== undefined) session = profiled(key, session);
      this.#sessions.set(key, session);
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
