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

/** Index of the first NaN or ±Infinity in `values`, or -1. */
export function firstNonFinite(values: ArrayLike<number>): number {
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
  if (input instanceof tf.Tensor && input.dtype === 'float32') return input.clone() as tf.Tensor2D;
  return tf.tensor2d(host.values, [host.rows, host.dim], 'float32');
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

const hostCopies = new WeakMap<tf.Tensor, Float32Array>();

/**
 * The values of a float32 rank-2 tensor in host memory, read once per tensor object and cached
 * for as long as the tensor object lives (stored proxies are read by every `scores` call of a
 * head with an engine; reading them again each time would cost a copy of all weights per call).
 * The tensor must not be changed in place while cached (tf.js tensors are immutable).
 */
export function hostMatrixOf(tensor: tf.Tensor2D): HostMatrix {
  const [rows, dim] = tensor.shape;
  let values = hostCopies.get(tensor);
  if (values === undefined) {
    const raw = tensor.dataSync();
    values = raw instanceof Float32Array ? raw : Float32Array.from(raw);
    hostCopies.set(tensor, values);
  }
  return { values, rows, dim };
}
