import * as tf from '@tensorflow/tfjs-core';
import { ImprintError } from './errors.js';

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
  let acc = 0;
  let i = 0;
  for (; i + 3 < bits.length; i += 4) {
    acc |= ((bits[i] & 0x7f800000) + 0x00800000) | ((bits[i + 1] & 0x7f800000) + 0x00800000) | ((bits[i + 2] & 0x7f800000) + 0x00800000) | ((bits[i + 3] & 0x7f800000) + 0x00800000);
  }
  for (; i < bits.length; i++) acc |= (bits[i] & 0x7f800000) + 0x00800000;
  return (acc & 0x80000000) === 0;
}

/** Index of the first NaN or ±Infinity in `values`, or -1 (float32 data is cleared in one fast pass first). */
export function firstNonFinite(values: ArrayLike<number>): number {
  if (values instanceof Float32Array && allFiniteFloat32(values)) return -1;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
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
function assertFiniteValues(values: Float32Array, columns: number, what: string, original: ArrayLike<number> = values): void {
  const at = firstNonFinite(values);
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
 * values with an {@link ImprintError} that names `what` and the position.
 */
export function toHostMatrix(input: EmbeddingInput, what = 'embeddings'): HostMatrix {
  if (input instanceof tf.Tensor) {
    if (input.rank !== 2) {
      throw new ImprintError('INVALID_INPUT', `${what} must be a rank-2 tensor [n, d], got shape [${input.shape.join(', ')}]`);
    }
    const [rows, dim] = input.shape as [number, number];
    if (dim === 0) throw new ImprintError('INVALID_INPUT', `${what} must have at least one column, got shape [${input.shape.join(', ')}]`);
    const raw = input.dataSync();
    const values = raw instanceof Float32Array ? raw : Float32Array.from(raw);
    assertFiniteValues(values, dim, what);
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
    assertFiniteValues(values, dim, what, data);
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
      const value = typeof row[c] === 'number' ? row[c] : Number.NaN;
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
export function toTensor2D(input: EmbeddingInput, what = 'embeddings'): tf.Tensor2D {
  const host = toHostMatrix(input, what);
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
 * A new tensor object with the same values, owned by the caller, that shares the data (tf.js
 * tensors are immutable, and their data is reference-counted): a reshape to the same shape, no
 * copy — where `clone()` copies the data on the WASM backend and loses its known host values.
 */
export function cloneTensor<T extends tf.Tensor>(tensor: T): T {
  const copy = tf.reshape(tensor, tensor.shape) as T;
  const values = hostMirrors.get(tensor.dataId);
  if (values !== undefined && copy.dataId !== tensor.dataId) hostMirrors.set(copy.dataId, values);
  return copy;
}

/** A float32 `[rows, dim]` tensor made from host values, which it remembers (see {@link rememberHostValues}). */
export function tensorFromHost(values: Float32Array, rows: number, dim: number): tf.Tensor2D {
  return rememberHostValues(tf.tensor2d(values, [rows, dim], 'float32'), values);
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
