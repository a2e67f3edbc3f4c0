import type { OrtRuntime, OrtSession } from './runtime.js';

/**
 * The loaded graphs of one engine, built on first use and kept by name (a graph with symbolic
 * dimensions serves every size, so there are few). Disposed with the engine.
 */
export class SessionCache {
  readonly #runtime: OrtRuntime;
  readonly #threads: number;
  readonly #sessions = new Map<string, OrtSession>();

  constructor(runtime: OrtRuntime, threads: number) {
    this.#runtime = runtime;
    this.#threads = threads;
  }

  get threads(): number {
    return this.#threads;
  }

  get runtime(): OrtRuntime {
    return this.#runtime;
  }

  /** The session of graph `key`, built with `build()` the first time. */
  get(key: string, build: () => Uint8Array): OrtSession {
    let session = this.#sessions.get(key);
    if (session === undefined) {
      session = this.#runtime.createSession(build(), this.#threads);
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
