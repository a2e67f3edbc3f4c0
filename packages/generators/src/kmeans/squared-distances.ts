import type * as tf from '@tensorflow/tfjs-core';
import { NO_KERNELS, kernelSet, type KernelSet, type Kernels } from '@imprint/core';

/**
 * Squared L2 norm of every row of a row-major `[rows, dim]` buffer: float32 data through the
 * `rowSquaredNorms` kernel (the engine's, else the reference), other data in float64 JavaScript.
 */
export function rowSquaredNorms(data: ArrayLike<number>, rows: number, dim: number, kernels: Kernels = NO_KERNELS): Float64Array {
  if (data instanceof Float32Array) return Float64Array.from(kernelSet(kernels).rowSquaredNorms({ values: data, rows, dim }));
  return squaredNorms64(data, rows, dim);
}

/** Squared L2 norm of every row in float64 JavaScript (exact sums of float32 products). */
export function squaredNorms64(data: ArrayLike<number>, rows: number, dim: number): Float64Array {
  const norms = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let j = i * dim, end = j + dim; j < end; j++) sum += data[j] * data[j];
    norms[i] = sum;
  }
  return norms;
}

/** Rows `indices` of a row-major buffer, as a new Float32Array. */
export function gatherRows(data: ArrayLike<number>, dim: number, indices: ArrayLike<number>): Float32Array {
  const out = new Float32Array(indices.length * dim);
  if (data instanceof Float32Array) {
    // one block copy per row
    for (let r = 0; r < indices.length; r++) out.set(data.subarray(indices[r] * dim, (indices[r] + 1) * dim), r * dim);
    return out;
  }
  for (let r = 0; r < indices.length; r++) {
    const from = indices[r] * dim;
    for (let j = 0; j < dim; j++) out[r * dim + j] = data[from + j];
  }
  return out;
}

/**
 * Squared Euclidean distances from the rows of a fixed data matrix (in host memory) to changing
 * target rows, as ‖x‖² − 2x·c + ‖c‖² clamped at 0, with the products `x·cᵀ` from the
 * `matMulTransposed` and `matMulTransposedRows` kernels (the engine's, else the reference).
 * `dispose` is kept for callers; nothing is held.
 */
export class RowDistances {
  readonly #data: Float32Array;
  readonly #rows: number;
  readonly #dim: number;
  readonly #norms: Float64Array;
  readonly #kernels: KernelSet;

  constructor(data: Float32Array, rows: number, dim: number, norms: Float64Array, kernels: Kernels = NO_KERNELS) {
    this.#data = data;
    this.#rows = rows;
    this.#dim = dim;
    this.#norms = norms;
    this.#kernels = kernelSet(kernels);
  }

  get rows(): number {
    return this.#rows;
  }

  /** Squared L2 norm of every row. */
  get squaredNorms(): Float64Array {
    return this.#norms;
  }

  /** `[rows, count]` squared distances from every row to the `count` target rows. */
  toAll(targets: Float32Array, count: number): Float64Array {
    const dots = this.#kernels.matMulTransposed({ values: this.#data, rows: this.#rows, dim: this.#dim }, { values: targets, rows: count, dim: this.#dim });
    return this.#combine(dots, undefined, this.#rows, targets, count);
  }

  /** `[n, count]` squared distances from rows `indices[0..n)` to the target rows. */
  toSome(indices: Int32Array, n: number, targets: Float32Array, count: number): Float64Array {
    if (n === this.#rows) return this.toAll(targets, count);
    const selected = indices.subarray(0, n);
    const dim = this.#dim;
    const dots = this.#kernels.matMulTransposedRows({ values: this.#data, rows: this.#rows, dim }, selected, { values: targets, rows: count, dim });
    return this.#combine(dots, indices, n, targets, count);
  }

  /**
   * For every row, its nearest and second-nearest target (squared distances, from one product
   * through {@link RowDistances.toAll}; for a few targets that is faster than the engine's fused
   * `nearest` kernel, measured: 6000 × 1280 rows, 20 targets, 2–4 ms against 8–9 ms). `second`
   * is +∞ with a single target.
   */
  nearestTwo(targets: Float32Array, count: number, labels: Int32Array, closest: Float64Array, second: Float64Array): void {
    const all = this.toAll(targets, count);
    for (let i = 0; i < this.#rows; i++) {
      let best = 0;
      let bestDistance = all[i * count];
      let next = Number.POSITIVE_INFINITY;
      for (let c = 1; c < count; c++) {
        const d = all[i * count + c];
        if (d < bestDistance) {
          next = bestDistance;
          bestDistance = d;
          best = c;
        } else if (d < next) next = d;
      }
      labels[i] = best;
      closest[i] = bestDistance;
      second[i] = next;
    }
  }

  dispose(): void {
    // nothing held: the kernels take host memory
  }

  #combine(dots: ArrayLike<number>, indices: Int32Array | undefined, n: number, targets: Float32Array, count: number): Float64Array {
    const targetNorms = squaredNorms64(targets, count, this.#dim);
    const distances = new Float64Array(n * count);
    for (let i = 0; i < n; i++) {
      const norm = this.#norms[indices === undefined ? i : indices[i]];
      for (let c = 0; c < count; c++) {
        const value = norm - 2 * dots[i * count + c] + targetNorms[c];
        distances[i * count + c] = value > 0 ? value : 0;
      }
    }
    return distances;
  }
}

/**
 * Squared Euclidean distances `[rows, targets]` from every row of `points` to every row of
 * `targets` (see {@link RowDistances}), returned row-major.
 */
export function squaredDistancesTo(points: tf.Tensor2D, pointNorms: Float64Array, targets: Float32Array, targetCount: number, kernels: Kernels = NO_KERNELS): Float64Array {
  const [rows, dim] = points.shape;
  const distances = new RowDistances(points.dataSync() as Float32Array, rows, dim, pointNorms, kernels);
  try {
    return distances.toAll(targets, targetCount);
  } finally {
    distances.dispose();
  }
}

