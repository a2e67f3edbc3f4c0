import type { Kernels } from '../contracts/kernels.js';
import { isMainMemoryBackend } from './matrix.js';
import { REFERENCE_KERNELS, type CompleteKernels } from './reference-kernels.js';

export type KernelName = keyof Kernels;

/** Every kernel name, in the order of the `Kernels` interface. */
export const KERNEL_NAMES: readonly KernelName[] = Object.freeze(Object.keys(REFERENCE_KERNELS) as KernelName[]);

/**
 * A complete kernel table: each kernel is the engine's when it has one (and it does not decline the
 * arguments, by returning `undefined`), else the reference implementation. `overridden` names the
 * engine's own: an algorithm may be chosen by it (a blocked Cholesky only when float64 products
 * are native), but never a private fallback.
 */
export type KernelSet = CompleteKernels & {
  readonly overridden: ReadonlySet<KernelName>;
  /**
   * Whether to call kernel `name` on host data: the engine has it, or tf.js keeps tensors in main
   * memory anyway (WASM, cpu). False only on a GPU backend without that kernel in an engine, where a
   * plugin keeps its tensors on the device and runs the same tf.js computation there.
   */
  onHost(name: KernelName): boolean;
};

const sets = new WeakMap<object, KernelSet>();

function isKernelSet(kernels: Kernels | KernelSet): kernels is KernelSet {
  return (kernels as KernelSet).overridden instanceof Set;
}

function build(engine: Kernels): KernelSet {
  const overridden = new Set<KernelName>(KERNEL_NAMES.filter((name) => typeof engine[name] === 'function'));
  const set: Record<string, unknown> = { overridden, onHost: (name: KernelName) => overridden.has(name) || isMainMemoryBackend() };
  for (const name of KERNEL_NAMES) {
    const reference = REFERENCE_KERNELS[name] as (...args: unknown[]) => unknown;
    const own = engine[name] as ((...args: unknown[]) => unknown) | undefined;
    set[name] = own === undefined ? reference : (...args: unknown[]) => own(...args) ?? reference(...args);
  }
  return Object.freeze(set) as KernelSet;
}

/** The reference kernels alone (no engine). */
export const REFERENCE_KERNEL_SET: KernelSet = build({});

/**
 * The kernel table of `kernels` (an engine's, possibly partial, or none): every kernel present.
 * Cached per kernels object, so calling it per call is cheap.
 */
export function kernelSet(kernels?: Kernels | KernelSet): KernelSet {
  if (kernels === undefined) return REFERENCE_KERNEL_SET;
  if (isKernelSet(kernels)) return kernels;
  let set = sets.get(kernels);
  if (set === undefined) {
    set = build(kernels);
    sets.set(kernels, set);
  }
  return set;
}
