import { ImprintError } from '../util/errors.js';

/** One candidate of a priority list: a name and how to start it (throw or return undefined when it cannot). */
export interface Candidate<T> {
  readonly name: string;
  start(): T | undefined | Promise<T | undefined>;
}

/** The candidate that started, and why the ones before it did not. */
export interface Chosen<T> {
  readonly name: string;
  readonly value: T;
  /** `name: reason` of every candidate tried before it. */
  readonly skipped: readonly string[];
}

function reasonOf(error: unknown): string {
  if (error === undefined) return 'not available';
  return error instanceof Error ? error.message : String(error);
}

/**
 * Start the first candidate that can start, in priority order — as onnxruntime resolves its
 * execution providers. When none can, one `UNSUPPORTED` error lists every candidate and why it
 * failed: `no tf.js backend could start: tensorflow: … not installed; wasm: …; cpu: …`.
 * Used for tf.js backends, compute engines and devices alike.
 */
export async function firstAvailable<T>(what: string, candidates: readonly Candidate<T>[], hint = ''): Promise<Chosen<T>> {
  const skipped: string[] = [];
  for (const candidate of candidates) {
    try {
      const value = await candidate.start();
      if (value !== undefined) return { name: candidate.name, value, skipped };
      skipped.push(`${candidate.name}: not available`);
    } catch (error) {
      skipped.push(`${candidate.name}: ${reasonOf(error)}`);
    }
  }
  throw new ImprintError('UNSUPPORTED', `no ${what} could start: ${skipped.join('; ')}${hint === '' ? '' : `. ${hint}`}`, { tried: skipped });
}
