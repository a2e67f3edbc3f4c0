import { CholeskyDecomposition, EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { ImprintError } from '@imprint/core';
import type { EmbeddingSet } from './embedding-set.js';

export interface NeuralCollapse {
  /** NC1 = Tr(Σ_W Σ_B⁺)/C: within-class variability relative to between-class spread (0 = collapsed). */
  readonly nc1: number;
  /** VCI = 1 − Tr(Σ_B (Σ_W + Σ_B)⁺)/rank(Σ_B); NaN when not asked for (`{ vci: false }`). */
  readonly vci: number;
  /** Tr(Σ_W): the within-class variability (the reference's script reports it beside NC1). */
  readonly traceWithin: number;
  /** Tr(Σ_B): the spread of the class means. */
  readonly traceBetween: number;
  /** rank(Σ_B) (≤ C − 1), with the tolerance torch.linalg.matrix_rank uses for float32: σ_max · d · ε₃₂. */
  readonly rankBetween: number;
  /** rank(Σ_W), same tolerance; NaN unless asked for (`{ ranks: true }`: a d × d or n × n eigen-decomposition). */
  readonly rankWithin: number;
  readonly classes: number;
}

/** float32's machine epsilon: the reference computes in float32, and matrix_rank's tolerance scales with it. */
const FLOAT32_EPSILON = 2 ** -23;

/** Eigenvalues of a symmetric positive semi-definite matrix above torch's float32 rank tolerance (σ_max · size · ε₃₂). */
function rankOf(values: readonly number[], size: number): number {
  const largest = Math.max(0, ...values);
  return values.filter((v) => v > largest * size * FLOAT32_EPSILON).length;
}

/** Symmetric eigen-decomposition; eigenvalues below `tolerance × largest` count as zero. */
function positiveEigen(matrix: Matrix, tolerance = 1e-10): { values: number[]; vectors: Matrix; kept: number[] } {
  const eig = new EigenvalueDecomposition(matrix, { assumeSymmetric: true });
  const values = eig.realEigenvalues;
  const largest = Math.max(...values.map(Math.abs));
  const kept = values.map((v, i) => [v, i] as const).filter(([v]) => v > tolerance * largest).map(([, i]) => i);
  return { values, vectors: eig.eigenvectorMatrix, kept };
}

/**
 * Neural-collapse measures of labelled embeddings, in float64, in the textbook form: Σ_W the mean
 * over classes of each class's covariance around its own mean (divided by n_c), Σ_B the
 * covariance of the class means around the global mean (divided by C). The published IMPRINT code
 * subtracts the *centred* class mean when forming Σ_W, which inflates Σ_W by μ_G μ_Gᵀ; this is the
 * textbook version (and reproduces the parity fixture's values).
 *
 * Computed without d × d pseudo-inverses where possible: Σ_B has rank ≤ C − 1, so NC1 works in
 * the span of the class means; VCI works in the span of the samples when n + C ≤ d, else solves
 * with Σ_W + Σ_B by Cholesky.
 */
export function neuralCollapse(set: EmbeddingSet, { vci: withVci = true, ranks = false }: { vci?: boolean; ranks?: boolean } = {}): NeuralCollapse {
  const [rows, dim] = set.shape;
  const labels = [...new Set(set.labels)].sort((a, b) => a - b);
  const C = labels.length;
  if (C < 2) throw new ImprintError('INVALID_INPUT', `neural collapse needs at least 2 classes, got ${C}`);
  const index = new Map(labels.map((l, i) => [l, i]));
  const counts = new Float64Array(C);
  const means = Array.from({ length: C }, () => new Float64Array(dim));
  const global = new Float64Array(dim);
  for (let r = 0; r < rows; r++) {
    const c = index.get(set.labels[r])!;
    counts[c]++;
    for (let j = 0; j < dim; j++) {
      const v = set.embeddings[r * dim + j];
      means[c][j] += v;
      global[j] += v;
    }
  }
  means.forEach((m, c) => m.forEach((_, j) => (m[j] /= counts[c])));
  global.forEach((_, j) => (global[j] /= rows));
  const between = means.map((m) => Float64Array.from(m, (v, j) => v - global[j])); // b_c
  const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let s = 0;
    for (let j = 0; j < dim; j++) s += a[j] * b[j];
    return s;
  };
  // Centred sample rows, with their weights in Σ_W = Σ_c (1/(C n_c)) Σ_x x̃ x̃ᵀ.
  const centred = (r: number) => {
    const c = index.get(set.labels[r])!;
    return { c, row: Float64Array.from({ length: dim }, (_, j) => set.embeddings[r * dim + j] - means[c][j]) };
  };

  // NC1: eigenvectors u_i of Σ_B = (1/C) Σ b bᵀ from the C × C Gram matrix of the b_c.
  const gram = new Matrix(C, C);
  for (let a = 0; a < C; a++) {
    for (let b = a; b < C; b++) {
      gram.set(a, b, dot(between[a], between[b]));
      gram.set(b, a, gram.get(a, b));
    }
  }
  const { values, vectors, kept } = positiveEigen(gram);
  const directions = kept.map((i) => {
    const u = new Float64Array(dim);
    for (let c = 0; c < C; c++) {
      const w = vectors.get(c, i) / Math.sqrt(values[i]);
      for (let j = 0; j < dim; j++) u[j] += w * between[c][j];
    }
    return { u, eigenvalue: values[i] / C };
  });
  const withinAlong = new Float64Array(directions.length);
  for (let r = 0; r < rows; r++) {
    const { c, row } = centred(r);
    directions.forEach(({ u }, i) => (withinAlong[i] += dot(row, u) ** 2 / (C * counts[c])));
  }
  const nc1 = directions.reduce((s, { eigenvalue }, i) => s + withinAlong[i] / eigenvalue, 0) / C;
  // Traces: Tr Σ_B = (1/C) Σ ‖b_c‖², Tr Σ_W = Σ_x ‖x̃‖² / (C n_c).
  const traceBetween = values.reduce((s, v) => s + Math.max(0, v), 0) / C;
  let traceWithin = 0;
  for (let r = 0; r < rows; r++) {
    const { c, row } = centred(r);
    traceWithin += dot(row, row) / (C * counts[c]);
  }
  const rankBetween = rankOf(values.map((v) => v / C), dim);
  const rankWithin = ranks ? withinRank() : Number.NaN;
  const measures = { nc1, traceWithin, traceBetween, rankBetween, rankWithin, classes: C };

  /** rank Σ_W from the eigenvalues of the smaller of Σ_W (d × d) and the weighted Gram matrix of the centred rows (n × n): the same non-zero eigenvalues. */
  function withinRank(): number {
    const weighted = Array.from({ length: rows }, (_, r) => {
      const { c, row } = centred(r);
      return row.map((v) => v / Math.sqrt(C * counts[c]));
    });
    const size = Math.min(rows, dim);
    const m = new Matrix(size, size);
    if (rows <= dim) {
      for (let a = 0; a < rows; a++) for (let b = a; b < rows; b++) m.set(a, b, dot(weighted[a], weighted[b]));
    } else {
      for (const row of weighted) for (let i = 0; i < dim; i++) if (row[i] !== 0) for (let j = i; j < dim; j++) m.set(i, j, m.get(i, j) + row[i] * row[j]);
    }
    for (let i = 0; i < size; i++) for (let j = 0; j < i; j++) m.set(i, j, m.get(j, i));
    return rankOf(new EigenvalueDecomposition(m, { assumeSymmetric: true }).realEigenvalues, dim);
  }

  if (!withVci) return { ...measures, vci: Number.NaN };
  // VCI: Tr(Σ_B T⁺) = (1/C) Σ_c b_cᵀ T⁺ b_c with T = Σ_W + Σ_B = GᵀG.
  let trace = 0;
  if (rows + C <= dim) {
    const g: Float64Array[] = [];
    for (let r = 0; r < rows; r++) {
      const { c, row } = centred(r);
      g.push(row.map((v) => v / Math.sqrt(C * counts[c])));
    }
    for (const b of between) g.push(b.map((v) => v / Math.sqrt(C)));
    const m = g.length;
    const k = new Matrix(m, m);
    for (let a = 0; a < m; a++) {
      for (let b = a; b < m; b++) {
        k.set(a, b, dot(g[a], g[b]));
        k.set(b, a, k.get(a, b));
      }
    }
    const eig = positiveEigen(k);
    for (const b of between) {
      const gb = g.map((row) => dot(row, b));
      for (const i of eig.kept) {
        let proj = 0;
        for (let a = 0; a < m; a++) proj += eig.vectors.get(a, i) * gb[a];
        trace += proj ** 2 / eig.values[i] ** 2;
      }
    }
  } else {
    const t = new Matrix(dim, dim);
    const add = (row: Float64Array, weight: number) => {
      for (let i = 0; i < dim; i++) {
        const ri = row[i] * weight;
        if (ri === 0) continue;
        for (let j = i; j < dim; j++) t.set(i, j, t.get(i, j) + ri * row[j]);
      }
    };
    for (let r = 0; r < rows; r++) {
      const { c, row } = centred(r);
      add(row, 1 / (C * counts[c]));
    }
    for (const b of between) add(b, 1 / C);
    for (let i = 0; i < dim; i++) for (let j = 0; j < i; j++) t.set(i, j, t.get(j, i));
    const rhs = new Matrix(dim, C);
    between.forEach((b, c) => b.forEach((v, j) => rhs.set(j, c, v)));
    const cholesky = new CholeskyDecomposition(t);
    if (cholesky.isPositiveDefinite()) {
      const solved = cholesky.solve(rhs);
      between.forEach((b, c) => b.forEach((v, j) => (trace += v * solved.get(j, c))));
    } else {
      // Singular (degenerate directions): pseudo-inverse through the eigen-decomposition.
      const eig = positiveEigen(t);
      for (const b of between) {
        for (const i of eig.kept) {
          let proj = 0;
          for (let j = 0; j < dim; j++) proj += eig.vectors.get(j, i) * b[j];
          trace += proj ** 2 / eig.values[i];
        }
      }
    }
  }
  const vci = 1 - trace / C / kept.length;
  return { ...measures, vci };
}
