import { kernelSet } from './kernel-set.js';
import * as tf from '@tensorflow/tfjs-core';
import { ImprintError } from '../util/errors.js';
import type { Kernels } from '../contracts/kernels.js';

/**
 * Embeddings as callers hold them: a rank-2 tensor, an array of rows, or a flat buffer with
 * its shape. Everything is converted to a float32 `tf.Tensor2D` at the boundary.
 */
export type EmbeddingInput =
  | tf.Tensor2D
  | ReadonlyArray<ArrayLike<number>>
  | { readonly data: ArrayLike<number>; readonly shape: readonly [number, number] };

/**
 * Whether a float32 buffer holds only finite values, from its bits: a value is NaN or ±Infinity
 * exactly when its 8 exponent bits are all ones, and `(bits & 0x7f800000) + 0x00800000` carries into
 * the sign bit only then — one integer OR per value, no float work (≈1 ns per value).
 */
function allFiniteFloat32(values: Float32Array): boolean {
  const bits = new Int32Array(values.buffer, values.byteOffset, values.length);
  // Two accumulators of four values each: more independent work per iteration (measured ≈12 % faster than one).
  let a = 0;
  let b = 0;
  let i = 0;
  for (const n = bits.length; i + 7 < n; i += 8) {
    a |= ((bits[i] & 0x7f800000) + 0x00800000) | ((bits[i + 1] & 0x7f800000) + 0x00800000) | ((bits[i + 2] & 0x7f800000) + 0x00800000) | ((bits[i + 3] & 0x7f800000) + 0x00800000);
    b |= ((bits[i + 4] & 0x7f800000) + 0x00800000) | ((bits[i + 5] & 0x7f800000) + 0x00800000) | ((bits[i + 6] & 0x7f800000) + 0x00800000) | ((bits[i + 7] & 0x7f800000) + 0x00800000);
  }
  for (; i < bits.length; i++) a |= (bits[i] & 0x7f800000) + 0x00800000;
  return ((a | b) & 0x80000000) === 0;
}

/** Values from which the engine's `rowSquaredNorms` kernel clears a buffer faster than the JavaScript pass (below, the call costs more than it saves). */
const KERNEL_SCAN_MIN_VALUES = 1 << 20;

/**
 * Index of the first NaN or ±Infinity in `values`, or -1 (float32 data is cleared in one fast pass
 * first). With `columns` and an engine's `rowSquaredNorms` kernel, a large float32 buffer is
 * cleared natively on all cores: a row with a NaN or ±Infinity has a non-finite squared norm (IEEE
 * arithmetic: x² of NaN is NaN, of ±Infinity +Infinity, and a sum of non-negative terms with an
 * Infinity stays Infinity), so only rows whose norm is not finite are searched — a finite row
 * whose squared norm overflows is searched and passes.
 */
export function firstNonFinite(values: ArrayLike<number>, columns?: number, kernels?: Kernels): number {
  if (values instanceof Float32Array) {
    // An engine's norms scan large inputs on all cores; otherwise one pass in JavaScript is as fast.
    if (kernels !== undefined && kernelSet(kernels).overridden.has('rowSquaredNorms') && columns !== undefined && columns > 0 && values.length >= KERNEL_SCAN_MIN_VALUES && values.length % columns === 0) {
      const norms = kernelSet(kernels).rowSquaredNorms({ values, rows: values.length / columns, dim: columns });
      for (let r = 0; r < norms.length; r++) {
        const at = Number.isFinite(norms[r]) ? -1 : searchNonFinite(values, r * columns, (r + 1) * columns);
        if (at >= 0) return at;
      }
      return -1;
    }
    if (allFiniteFloat32(values)) return -1;
  }
  return searchNonFinite(values, 0, values.length);
}

/** Index of the first NaN or ±Infinity in `values[from, to)`, or -1. */
function searchNonFinite(values: ArrayLike<number>, from: number, to: number): number {
  for (let i = from; i < to; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

function nonFiniteError(what: string, original: unknown, row: number, column: number): ImprintError {
  const overflow = typeof original === 'number' && Number.isFinite(original);
  return new ImprintError(
    'NON_FINITE',
    overflow
      ? `${what} must be finite float32 numbers, got ${original} at row ${row}, column ${column}, which is outside the float32 range (±3.4e38)`
      : `${what} must contain only finite numbers, got ${typeof original === 'number' ? String(original) : (JSON.stringify(original) ?? String(original))} at row ${row}, column ${column}`,
    { row, column, value: original },
  );
}

/** Reject NaN, ±Infinity and (for `original` values converted to float32) float32 overflow. */
function assertFiniteValues(values: Float32Array, columns: number, what: string, original: ArrayLike<number> = values, kernels?: Kernels): void {
  const at = firstNonFinite(values, columns, kernels);
  if (at >= 0) {
    const row = Math.floor(at / Math.max(columns, 1));
    throw nonFiniteError(what, original[at], row, at - row * columns);
  }
}

/** A row-major float32 matrix in host memory. */
export interface HostMatrix {
  readonly values: Float32Array;
  readonly rows: number;
  readonly dim: number;
}

/**
 * Validate embeddings and bring them to host memory as one row-major float32 buffer (a tensor is
 * read once; arrays are copied). Rejects ragged rows, rank ≠ 2, zero columns, NaN and infinite
 * values with an {@link ImprintError} that names `what` and the position. `kernels`: an engine's
 * kernels, to check large buffers natively (see {@link firstNonFinite}).
 */
export function toHostMatrix(input: EmbeddingInput, what = 'embeddings', kernels?: Kernels): HostMatrix {
  if (input instanceof tf.Tensor) {
    if (input.rank !== 2) {
      throw new ImprintError('INVALID_INPUT', `${what} must be a rank-2 tensor [n, d], got shape [${input.shape.join(', ')}]`);
    }
    const [rows, dim] = input.shape as [number, number];
    if (dim === 0) throw new ImprintError('INVALID_INPUT', `${what} must have at least one column, got shape [${input.shape.join(', ')}]`);
    const raw = input.dataSync();
    const values = raw instanceof Float32Array ? raw : Float32Array.from(raw);
    assertFiniteValues(values, dim, what, values, kernels);
    return { values, rows, dim };
  }
  if (!Array.isArray(input) && typeof input === 'object' && input !== null && 'shape' in input) {
    const { data, shape } = input as { data: ArrayLike<number>; shape: readonly [number, number] };
    const [rows, dim] = shape;
    if (shape.length !== 2 || !Number.isInteger(rows) || !Number.isInteger(dim) || rows < 0 || dim < 1) {
      throw new ImprintError('INVALID_INPUT', `${what} shape must be [n, d] with d ≥ 1, got [${shape.join(', ')}]`);
    }
    if (data.length !== rows * dim) {
      throw new ImprintError('INVALID_INPUT', `${what} has ${data.length} values, but shape [${rows}, ${dim}] needs ${rows * dim}`);
    }
    const values = data instanceof Float32Array ? data : Float32Array.from(data);
    assertFiniteValues(values, dim, what, data, kernels);
    return { values, rows, dim };
  }
  if (!Array.isArray(input)) {
    throw new ImprintError('INVALID_INPUT', `${what} must be a tf.Tensor2D, an array of rows or { data, shape }, got ${typeof input}`);
  }
  const rowList = input as ReadonlyArray<ArrayLike<number>>;
  const dim = rowList.length > 0 ? rowList[0].length : 0;
  if (rowList.length > 0 && dim === 0) throw new ImprintError('INVALID_INPUT', `${what} rows must not be empty`);
  const values = new Float32Array(rowList.length * dim);
  rowList.forEach((row, r) => {
    if (row.length !== dim) {
      throw new ImprintError('DIMENSION_MISMATCH', `${what} row ${r} has ${row.length} values, but row 0 has ${dim}`, { row: r, expected: dim, actual: row.length });
    }
    for (let c = 0; c < dim; c++) {
      const element: unknown = row[c];
      if (typeof element !== 'number') {
        if (Array.isArray(element) || ArrayBuffer.isView(element)) {
          throw new ImprintError('INVALID_INPUT', `${what} must have rank 2 [n, d], got a deeper array: shape [${rowList.length}, ${dim}, ${(element as ArrayLike<unknown>).length}, …] (flatten each sample to one row)`);
        }
        throw new ImprintError('INVALID_INPUT', `${what} must hold numbers, got ${JSON.stringify(element) ?? String(element)} at row ${r}, column ${c}`, { row: r, column: c });
      }
      const value = element;
      values[r * dim + c] = value;
      // The float32 value is checked: 1e39 is a finite double but overflows to Infinity.
      if (!Number.isFinite(values[r * dim + c])) throw nonFiniteError(what, row[c], r, c);
    }
  });
  return { values, rows: rowList.length, dim };
}

/**
 * Convert and validate embeddings: a new float32 `[n, d]` tensor owned by the caller (see
 * {@link toHostMatrix} for what is rejected). A float32 tensor input is validated on the host and
 * returned as a clone, so it is not uploaded again.
 */
export function toTensor2D(input: EmbeddingInput, what = 'embeddings', kernels?: Kernels): tf.Tensor2D {
  const host = toHostMatrix(input, what, kernels);
  if (input instanceof tf.Tensor && input.dtype === 'float32') return rememberHostValues(cloneTensor(input) as tf.Tensor2D, host.values);
  return tensorFromHost(host.values, host.rows, host.dim);
}

/** Throw DIMENSION_MISMATCH unless `actual` equals `expected`. */
export function assertDimension(actual: number, expected: number, what: string, against: string): void {
  if (actual !== expected) {
    throw new ImprintError(
      'DIMENSION_MISMATCH',
      `${what} have dimension ${actual}, but ${against} have dimension ${expected}`,
      { expected, actual },
    );
  }
}

/** Backends whose tensors live in (WASM or JS) main memory, where host-side work is cheap. */
const MAIN_MEMORY_BACKENDS = new Set(['wasm', 'cpu']);

/** Whether the current tf.js backend keeps tensors in main memory (wasm, cpu) rather than on a GPU. */
export function isMainMemoryBackend(): boolean {
  return MAIN_MEMORY_BACKENDS.has(tf.getBackend());
}

/**
 * Host copies of tensor values, keyed by the tensor's `dataId` (shared by clones and reshapes of
 * the same data). tf.js tensors are immutable, so a copy stays valid for as long as the data lives;
 * the entry goes with the data.
 */
const hostMirrors = new WeakMap<object, Float32Array>();

/**
 * Record that `tensor` holds exactly `values` (row-major float32), because it was made from them:
 * later {@link hostMatrixOf} calls read them instead of downloading the tensor. Returns the tensor.
 * `values` must not be changed afterwards.
 */
export function rememberHostValues<T extends tf.Tensor>(tensor: T, values: Float32Array): T {
  hostMirrors.set(tensor.dataId, values);
  return tensor;
}

/**
 * Where tensors made from host arrays are kept while the active backend is WASM: the pure-JS
 * `cpu` backend, when it is registered, stores the array it is given without copying it. tf.js
 * moves such a tensor into the WASM heap the first time a WASM kernel reads it (its data storage
 * does this for any tensor of another backend), so data that only an engine's kernels read —
 * through {@link hostMatrixOf} — is never copied into WASM, and data that tf.js ops read is copied
 * once, as before. Elsewhere (WebGL, tfjs-node, cpu itself, or no cpu backend) tensors are made on
 * the active backend.
 */
function hostStorage(): tf.KernelBackend | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  let backend: tf.KernelBackend | null;
  try {
    backend = tf.findBackend('cpu');
  } catch {
    return undefined;
  }
  if (backend === null) return undefined;
  // The cpu backend greets its first use in Node with advice to install tfjs-node; here it only
  // stores arrays, so that advice would be wrong.
  const greeting = backend as unknown as { firstUse?: boolean };
  if (greeting.firstUse === true) greeting.firstUse = false;
  return backend;
}

/** The host storage that holds `tensor`'s data, when it is kept there (not yet moved into WASM). */
function residentStorage(tensor: tf.Tensor): tf.KernelBackend | undefined {
  const storage = hostStorage();
  return storage !== undefined && tf.engine().state.tensorInfo.get(tensor.dataId)?.backend === storage ? storage : undefined;
}

/** Whether `tensor`'s data is kept on the host (see {@link hostStorage}) and not yet moved into WASM. */
export function isHostResident(tensor: tf.Tensor): boolean {
  return residentStorage(tensor) !== undefined;
}

/**
 * A new tensor object with the same values, owned by the caller, that shares the data (tf.js
 * tensors are immutable, and their data is reference-counted): a reshape to the same shape, no
 * copy — where `clone()` copies the data on the WASM backend and loses its known host values.
 * Data kept on the host stays there (a reshape would move it into WASM).
 */
export function cloneTensor<T extends tf.Tensor>(tensor: T): T {
  const values = hostMirrors.get(tensor.dataId);
  const storage = values !== undefined && tensor.dtype === 'float32' ? residentStorage(tensor) : undefined;
  if (storage !== undefined) return rememberHostValues(tf.engine().makeTensor(values!, tensor.shape, 'float32', storage) as T, values!);
  const copy = tf.reshape(tensor, tensor.shape) as T;
  if (values !== undefined && copy.dataId !== tensor.dataId) hostMirrors.set(copy.dataId, values);
  return copy;
}

/**
 * A float32 `[rows, dim]` tensor made from host values, which it remembers (see
 * {@link rememberHostValues}); kept on the host until a tf.js op reads it (see {@link hostStorage}).
 */
export function tensorFromHost(values: Float32Array, rows: number, dim: number): tf.Tensor2D {
  const storage = hostStorage();
  const tensor = storage === undefined ? tf.tensor2d(values, [rows, dim], 'float32') : (tf.engine().makeTensor(values, [rows, dim], 'float32', storage) as tf.Tensor2D);
  return rememberHostValues(tensor, values);
}

/**
 * The values of a float32 rank-2 tensor in host memory: the values it was made from when known
 * (see {@link rememberHostValues}), else downloaded once and remembered for as long as the tensor's
 * data lives. Kernels of an engine read their inputs through this, so a head's stored weights and
 * data that came from host arrays are never downloaded again. Do not modify the returned values.
 */
export function hostMatrixOf(tensor: tf.Tensor2D): HostMatrix {
  const [rows, dim] = tensor.shape;
  let values = hostMirrors.get(tensor.dataId);
  if (values === undefined) {
    const raw = tensor.dataSync();
    values = raw instanceof Float32Array ? raw : Float32Array.from(raw);
    hostMirrors.set(tensor.dataId, values);
  }
  return { values, rows, dim };
}

/**
 * The matrices as one, when they lie back to back, in order, in one buffer (as the classes of
 * train data grouped by label and imprinted with `borrow` do): the matrix spanning them, a view;
 * else undefined. Lets a kernel over all rows run once instead of once per part.
 */
export function adjacentSpan(parts: readonly HostMatrix[]): HostMatrix | undefined {
  if (parts.length === 0) return undefined;
  const { dim } = parts[0];
  const first = parts[0].values;
  let end = first.byteOffset + first.byteLength;
  let rows = parts[0].rows;
  for (let i = 1; i < parts.length; i++) {
    const { values } = parts[i];
    if (parts[i].dim !== dim || values.buffer !== first.buffer || values.byteOffset !== end) return undefined;
    end += values.byteLength;
    rows += parts[i].rows;
  }
  return { values: new Float32Array(first.buffer, first.byteOffset, rows * dim), rows, dim };
}
