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

function assertFiniteValues(values: ArrayLike<number>, columns: number, what: string): void {
  const at = firstNonFinite(values);
  if (at >= 0) {
    const row = Math.floor(at / Math.max(columns, 1));
    const column = at - row * columns;
    throw new ImprintError(
      'NON_FINITE',
      `${what} must contain only finite numbers, got ${values[at]} at row ${row}, column ${column}`,
      { row, column, value: values[at] },
    );
  }
}

/**
 * Convert and validate embeddings: a new float32 `[n, d]` tensor owned by the caller.
 * Rejects ragged rows, rank ≠ 2, zero columns, NaN and infinite values with an
 * {@link ImprintError} that names `what`.
 */
export function toTensor2D(input: EmbeddingInput, what = 'embeddings'): tf.Tensor2D {
  if (input instanceof tf.Tensor) {
    if (input.rank !== 2) {
      throw new ImprintError('INVALID_INPUT', `${what} must be a rank-2 tensor [n, d], got shape [${input.shape.join(', ')}]`);
    }
    const [, columns] = input.shape as [number, number];
    if (columns === 0) throw new ImprintError('INVALID_INPUT', `${what} must have at least one column, got shape [${input.shape.join(', ')}]`);
    const asFloat = input.dtype === 'float32' ? input.clone() : tf.cast(input, 'float32');
    assertFiniteValues(asFloat.dataSync(), columns, what);
    return asFloat as tf.Tensor2D;
  }
  if (!Array.isArray(input) && typeof input === 'object' && input !== null && 'shape' in input) {
    const { data, shape } = input as { data: ArrayLike<number>; shape: readonly [number, number] };
    const [rows, columns] = shape;
    if (shape.length !== 2 || !Number.isInteger(rows) || !Number.isInteger(columns) || rows < 0 || columns < 1) {
      throw new ImprintError('INVALID_INPUT', `${what} shape must be [n, d] with d ≥ 1, got [${shape.join(', ')}]`);
    }
    if (data.length !== rows * columns) {
      throw new ImprintError('INVALID_INPUT', `${what} has ${data.length} values, but shape [${rows}, ${columns}] needs ${rows * columns}`);
    }
    const values = data instanceof Float32Array ? data : Float32Array.from(data);
    assertFiniteValues(values, columns, what);
    return tf.tensor2d(values, [rows, columns], 'float32');
  }
  if (!Array.isArray(input)) {
    throw new ImprintError('INVALID_INPUT', `${what} must be a tf.Tensor2D, an array of rows or { data, shape }, got ${typeof input}`);
  }
  const rows = input as ReadonlyArray<ArrayLike<number>>;
  const columns = rows.length > 0 ? rows[0].length : 0;
  if (rows.length > 0 && columns === 0) throw new ImprintError('INVALID_INPUT', `${what} rows must not be empty`);
  const values = new Float32Array(rows.length * columns);
  rows.forEach((row, r) => {
    if (row.length !== columns) {
      throw new ImprintError('DIMENSION_MISMATCH', `${what} row ${r} has ${row.length} values, but row 0 has ${columns}`, { row: r, expected: columns, actual: row.length });
    }
    for (let c = 0; c < columns; c++) {
      const value = Number(row[c]);
      if (!Number.isFinite(value)) {
        throw new ImprintError('NON_FINITE', `${what} must contain only finite numbers, got ${row[c]} at row ${r}, column ${c}`, { row: r, column: c, value: row[c] });
      }
      values[r * columns + c] = value;
    }
  });
  return tf.tensor2d(values, [rows.length, columns], 'float32');
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
