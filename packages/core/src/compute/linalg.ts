import { kernelSet } from './kernel-set.js';
import { ImprintError } from '../util/errors.js';
import { hostMatMulTransposed64 } from './host-products.js';
import type { Kernels } from '../contracts/kernels.js';
import { dotProduct } from './dot.js';

/** Columns per panel of the blocked Cholesky factorisation. */
const BLOCK = 96;

/** Unblocked Cholesky of the `size × size` diagonal block at `offset` of the `n × n` matrix `a`, in place. */
function factorDiagonalBlock(a: Float64Array, n: number, offset: number, size: number, what: string): void {
  for (let i = offset; i < offset + size; i++) {
    const ri = i * n;
    for (let j = offset; j <= i; j++) {
      const rj = j * n;
      const sum = a[ri + j] - dotProduct(a, ri + offset, a, rj + offset, j - offset);
      if (i === j) {
        if (!(sum > 0)) {
          throw new ImprintError('INVALID_INPUT', `${what} is not positive definite (pivot ${i} is ${sum}); it needs a larger ridge term`, { pivot: i, value: sum });
        }
        a[ri + i] = Math.sqrt(sum);
      } else a[ri + j] = sum / a[rj + j];
    }
  }
}

/**
 * Cholesky factorisation `A = L·Lᵀ` of a symmetric positive definite `n × n` matrix (row-major,
 * float64; only its lower triangle is read). Blocked, left-looking: for each block column, the
 * update by the columns already factored, `A[k:, K] −= L[k:, :k]·L[K, :k]ᵀ`, and the panel below
 * the diagonal block, `L₂₁ = A₂₁·L₁₁⁻ᵀ` — almost all of the n³/3 operations, and only the lower
 * triangle's — are float64 products through the engine's `matMulTransposed64` kernel (the update
 * reads the factored columns in place, as strided rows); each diagonal block is factored in
 * JavaScript. Without that kernel the matrix is factored in one piece in JavaScript. Returns L,
 * lower triangular (the upper triangle is zero).
 */
export function choleskyFactor(a: Float64Array, n: number, kernels: Kernels = {}, what = 'the matrix'): Float64Array {
  if (a.length !== n * n) throw new ImprintError('INVALID_INPUT', `${what} has ${a.length} values, not ${n} × ${n}`);
  const l = Float64Array.from(a);
  // Without an engine's float64 product the blocked form only adds copies: factor in one piece.
  const block = kernelSet(kernels).overridden.has('matMulTransposed64') ? BLOCK : n;
  for (let k0 = 0; k0 < n; k0 += block) {
    const kb = Math.min(block, n - k0);
    const rows = n - k0;
    if (k0 > 0) {
      // Block column k0…k0+kb, rows k0…n: subtract the product of the factored columns 0…k0.
      const factored = l.subarray(k0 * n);
      const update = hostMatMulTransposed64(kernels, { values: factored, rows, dim: k0, stride: n }, { values: factored, rows: kb, dim: k0, stride: n });
      subtractBlockColumn(l, n, k0, kb, update);
    }
    factorDiagonalBlock(l, n, k0, kb, what);
    const below = rows - kb;
    if (below === 0) break;
    // L₂₁ = A₂₁ · L₁₁⁻ᵀ, one float64 product through the engine with the inverse of the small
    // triangular L₁₁ (only this branch runs with the engine's kernel; see `block` above).
    const diagonal = new Float64Array(kb * kb);
    copyBlock(l, k0 * n + k0, n, diagonal, 0, kb, kb, kb); // its upper part is not read
    const below21 = new Float64Array(below * kb);
    copyBlock(l, (k0 + kb) * n + k0, n, below21, 0, kb, below, kb);
    const panel = hostMatMulTransposed64(kernels, { values: below21, rows: below, dim: kb }, { values: invertLower(diagonal, kb), rows: kb, dim: kb });
    copyBlock(panel, 0, kb, l, (k0 + kb) * n + k0, n, below, kb);
  }
  for (let i = 0; i < n; i++) l.fill(0, i * n + i + 1, (i + 1) * n);
  return l;
}

/** Copy a `rows × cols` block between row-major matrices (plain loops: no view object per row). */
function copyBlock(from: Float64Array, fromOffset: number, fromStride: number, to: Float64Array, toOffset: number, toStride: number, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const source = fromOffset + r * fromStride;
    const target = toOffset + r * toStride;
    for (let c = 0; c < cols; c++) to[target + c] = from[source + c];
  }
}

/**
 * `L[k0:, k0:k0+kb] −= update` (`[n − k0, kb]`), lower triangle of the diagonal block only. Its own
 * function: called once per block column, it is optimised after the first few, where a loop inside
 * the once-called factorisation would run interpreted until on-stack replacement.
 */
function subtractBlockColumn(l: Float64Array, n: number, k0: number, kb: number, update: Float64Array): void {
  for (let r = 0; r < n - k0; r++) {
    const row = (k0 + r) * n + k0;
    const from = r * kb;
    const width = Math.min(kb, r + 1);
    for (let c = 0; c < width; c++) l[row + c] -= update[from + c];
  }
}

/** Solve `L·Y = B` for lower-triangular `L` (`n × n`) and `B` (`n × columns`, row-major). */
export function solveLower(l: Float64Array, n: number, b: Float64Array, columns: number): Float64Array {
  const y = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    const yi = i * columns;
    for (let j = 0; j < i; j++) {
      const factor = l[ri + j];
      if (factor === 0) continue;
      const yj = j * columns;
      for (let c = 0; c < columns; c++) y[yi + c] -= factor * y[yj + c];
    }
    const pivot = l[ri + i];
    for (let c = 0; c < columns; c++) y[yi + c] /= pivot;
  }
  return y;
}

/** Solve `Lᵀ·X = Y` for lower-triangular `L` (`n × n`) and `Y` (`n × columns`, row-major). */
export function solveLowerTransposed(l: Float64Array, n: number, y: Float64Array, columns: number): Float64Array {
  const x = Float64Array.from(y);
  for (let i = n - 1; i >= 0; i--) {
    const xi = i * columns;
    const pivot = l[i * n + i];
    for (let c = 0; c < columns; c++) x[xi + c] /= pivot;
    // eliminate x_i from the rows above: row j < i of Lᵀ has L[i][j] in column i
    const ri = i * n;
    for (let j = 0; j < i; j++) {
      const factor = l[ri + j];
      if (factor === 0) continue;
      const xj = j * columns;
      for (let c = 0; c < columns; c++) x[xj + c] -= factor * x[xi + c];
    }
  }
  return x;
}

/**
 * Solve `A·X = B` for a symmetric positive definite `A` (`n × n`) and `B` (`n × columns`), both
 * row-major float64, by Cholesky factorisation (see {@link choleskyFactor}) and two triangular
 * solves — never an explicit inverse.
 */
export function solveSymmetricPositiveDefinite(a: Float64Array, n: number, b: Float64Array, columns: number, kernels: Kernels = {}, what = 'the system matrix'): Float64Array {
  if (b.length !== n * columns) throw new ImprintError('INVALID_INPUT', `the right-hand side has ${b.length} values, not ${n} × ${columns}`);
  const l = choleskyFactor(a, n, kernels, what);
  return solveLowerTransposed(l, n, solveLower(l, n, b, columns), columns);
}

/** The inverse of a lower-triangular `n × n` matrix (lower triangular again), one column at a time by forward substitution. */
export function invertLower(l: Float64Array, n: number): Float64Array {
  const inverse = new Float64Array(n * n);
  const column = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    column[c] = 1 / l[c * n + c];
    inverse[c * n + c] = column[c];
    for (let i = c + 1; i < n; i++) {
      const ri = i * n;
      column[i] = -dotProduct(l, ri + c, column, c, i - c) / l[ri + i];
      inverse[ri + c] = column[i];
    }
  }
  return inverse;
}
