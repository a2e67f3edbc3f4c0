import type { HostMatrix } from '../compute/matrix.js';

/**
 * A row-major float64 matrix in host memory. With `stride`, row `r` is
 * `values[r·stride, r·stride + dim)`: the first `dim` columns of a wider matrix, without a copy.
 */
export interface HostMatrix64 {
  readonly values: Float64Array;
  readonly rows: number;
  readonly dim: number;
  /** Values from one row's start to the next's, ≥ `dim`. @default dim */
  readonly stride?: number;
}

/** Metrics the `nearest` kernel handles (others are computed by the plugin itself). */
export type NearestMetric = 'cosine' | 'euclidean';

/** The m nearest target rows of every query row, nearest first. */
export interface NearestResult {
  /** Neighbours per query (the requested m, clipped to the number of targets). */
  readonly m: number;
  /** `[queries, m]` target row indices. */
  readonly indices: Int32Array;
  /** `[queries, m]` distances (cosine: 1 − cos; euclidean: ‖q − t‖), ascending per row. */
  readonly distances: Float32Array;
}

/**
 * The heavy numerical kernels that plugins ask an engine for, by name — the way tf.js backends
 * register kernels. Each is optional: a plugin calls a kernel when the engine provides it and
 * otherwise computes the same result with tf.js. A kernel may also decline particular arguments by
 * returning `undefined`. Kernels take and return host memory, run synchronously, and must follow
 * the semantics written here exactly (the engine conformance suite in `@imprint/core/testing`
 * checks them against plain JavaScript references), so that a registry with an engine predicts
 * what one without it predicts.
 */
export interface Kernels {
  /** `a · bᵀ`: `[n, d] · [m, d]ᵀ → [n, m]`, float32, row-major. */
  matMulTransposed?(a: HostMatrix, b: HostMatrix): Float32Array | undefined;
  /**
   * `a[rows] · bᵀ`: the rows `rows` of `a` (a gather) times `bᵀ`, `[rows.length, m]`. Lets an
   * engine take `a` as it is and gather inside (k-means with bounds recomputes a changing subset).
   */
  matMulTransposedRows?(a: HostMatrix, rows: Int32Array, b: HostMatrix): Float32Array | undefined;
  /** `aᵀ · b`: `[n, k]ᵀ · [n, d] → [k, d]` (sums of rows by group, with a one-hot `a`). */
  transposedMatMul?(a: HostMatrix, b: HostMatrix): Float32Array | undefined;
  /**
   * Every row divided by its L2 norm, the norm floored at `epsilon` (the `l2` normalizer), and the
   * squared norms of the input rows.
   */
  unitRows?(x: HostMatrix, epsilon: number): { values: Float32Array; squaredNorms: Float32Array } | undefined;
  /**
   * The squared L2 norm of every row. A row holding a NaN or ±Infinity must get a non-finite
   * value (as Σx² in IEEE arithmetic does): core checks large inputs for such values with it.
   */
  rowSquaredNorms?(x: HostMatrix): Float32Array | undefined;
  /**
   * `a · bᵀ` in float64 (used by the blocked Cholesky solver). Either operand may be strided
   * (`HostMatrix64.stride`, since core 0.2): an engine must honour the stride or decline with
   * `undefined` — the conformance suite checks it.
   */
  matMulTransposed64?(a: HostMatrix64, b: HostMatrix64): Float64Array | undefined;
  /** The Gram matrix `xᵀx`, `[d, d]` row-major (float32 products, symmetric). */
  gram?(x: HostMatrix): Float32Array | undefined;
  /**
   * The `m` nearest rows of `targets` to every row of `queries` under `metric` (cosine rows are
   * normalised with a norm floor of 1e-12, as the `l2` normalizer does), ascending distance,
   * equal distances to the lower target index. `m` is clipped to the number of targets.
   */
  nearest?(queries: HostMatrix, targets: HostMatrix, m: number, metric: NearestMetric): NearestResult | undefined;
}

/**
 * A compute engine: a named set of {@link Kernels} (e.g. `@imprint/onnx`, native and
 * multi-threaded in Node). A registry holds at most one (`registry.setEngine`); without one, every
 * plugin computes with tf.js alone. Engines never change results beyond floating-point rounding.
 */
export interface Engine {
  readonly kind: 'engine';
  readonly name: string;
  readonly version?: string;
  readonly kernels: Kernels;
  /** One line for logs, e.g. "onnx (onnxruntime-node 1.30.0, 2 threads)". */
  describe?(): string;
  /** Free native resources (sessions). The engine must not be used afterwards. */
  dispose?(): void;
}

/** The kernels of no engine: every plugin falls back to tf.js. */
export const NO_KERNELS: Readonly<Kernels> = Object.freeze({});
