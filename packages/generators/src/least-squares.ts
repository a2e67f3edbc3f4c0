import * as tf from '@tensorflow/tfjs-core';
import { ImprintError, NO_KERNELS, adjacentSpan, hostGram, hostMatrixOf, hostMatMulTransposed, kernelSet, solveSymmetricPositiveDefinite, type HostMatrix, type JointGenerator, type Kernels } from '@imprint/core';
import { DEFAULT_LAMBDA } from './lambda-defaults.js';

export interface LeastSquaresOptions {
  /** Ridge term λ > 0. @default 0.05 (see `defaultLambda` for per-FM values) */
  lambda?: number;
}

/**
 * Least-squares weights for classes given as sample groups: W = (1/C)·Mᵀ(Σ_T + μ_G μ_Gᵀ + λI)⁻¹,
 * M the class means (d×C), Σ_T the total covariance around the global mean (divided by n).
 * Since Σ_T + μ_G μ_Gᵀ = XᵀX / n, the system matrix is one Gram matrix (the engine's `gram`
 * kernel, else tf.js) plus λI, solved by Cholesky decomposition in float64 — no explicit inverse.
 * With fewer samples than dimensions the equivalent n × n system is solved instead (Woodbury
 * identity). Returns W row-major `[C, d]`.
 */
export function leastSquaresWeights(groups: readonly tf.Tensor2D[], lambda: number, kernels: Kernels = NO_KERNELS): Float64Array {
  if (!(lambda > 0)) throw new ImprintError('INVALID_CONFIG', `lambda must be a positive number, got ${lambda}`);
  const dim = groups[0].shape[1];
  const total = groups.reduce((n, g) => n + g.shape[0], 0);
  return total < dim ? dualSolve(groups, lambda, total, dim, kernels) : primalSolve(groups, lambda, total, dim, kernels);
}

function solve(system: Float64Array, n: number, rhs: Float64Array, columns: number, lambda: number, kernels: Kernels): Float64Array {
  return solveSymmetricPositiveDefinite(system, n, rhs, columns, kernels, `the least-squares system (λ = ${lambda}; use a larger lambda)`);
}

/** Class means `[C, d]`: column sums as one `transposedMatMul` with a column of ones. */
function classMeans(matrices: readonly HostMatrix[], kernels: Kernels): Float32Array {
  const dim = matrices[0].dim;
  const means = new Float32Array(matrices.length * dim);
  matrices.forEach(({ values, rows }, c) => {
    const sums = kernelSet(kernels).transposedMatMul({ values: new Float32Array(rows).fill(1), rows, dim: 1 }, { values, rows, dim });
    for (let j = 0; j < dim; j++) means[c * dim + j] = sums[j] / rows;
  });
  return means;
}

/**
 * d × d system (XᵀX/n + λI) Y = M/C, for n ≥ d, solved as the equivalent (XᵀX + nλI) Y = n·M/C:
 * the Gram matrix becomes the system matrix in one native float32 → float64 conversion, with no
 * pass over its d² values in JavaScript.
 */
function primalSolve(groups: readonly tf.Tensor2D[], lambda: number, total: number, dim: number, kernels: Kernels): Float64Array {
  const classes = groups.length;
  const matrices = groups.map((group) => hostMatrixOf(group));
  // Classes that lie back to back in one buffer (grouped train data) make one Gram matrix.
  const span = adjacentSpan(matrices);
  const [first, ...others] = span === undefined ? matrices : [span];
  const system = Float64Array.from(hostGram(kernels, first));
  for (const matrix of others) addInto(system, hostGram(kernels, matrix));
  for (let i = 0; i < dim; i++) system[i * dim + i] += total * lambda;
  const meanValues = classMeans(matrices, kernels);
  const rhs = new Float64Array(dim * classes);
  const scale = total / classes;
  for (let c = 0; c < classes; c++) for (let j = 0; j < dim; j++) rhs[j * classes + c] = meanValues[c * dim + j] * scale;
  const solution = solve(system, dim, rhs, classes, lambda, kernels); // A⁻¹ M / C, d×C; W = its transpose (A is symmetric)
  const weights = new Float64Array(classes * dim);
  for (let c = 0; c < classes; c++) for (let j = 0; j < dim; j++) weights[c * dim + j] = solution[j * classes + c];
  return weights;
}

function addInto(sum: Float64Array, values: Float32Array): void {
  for (let i = 0; i < values.length; i++) sum[i] += values[i];
}

/**
 * The same weights through the n × n system for n < d (Woodbury):
 * (XᵀX/n + λI)⁻¹ m = (m − Xᵀ(XXᵀ + nλI)⁻¹ X m) / λ.
 */
function dualSolve(groups: readonly tf.Tensor2D[], lambda: number, total: number, dim: number, kernels: Kernels): Float64Array {
  const classes = groups.length;
  const meanValues = classMeans(groups.map((group) => hostMatrixOf(group)), kernels);
  const xValues = new Float32Array(total * dim);
  let row = 0;
  for (const group of groups) {
    xValues.set(hostMatrixOf(group).values, row * dim);
    row += group.shape[0];
  }
  const x = { values: xValues, rows: total, dim };
  const kernelValues = hostMatMulTransposed(kernels, x, x);
  const projectedValues = hostMatMulTransposed(kernels, x, { values: meanValues, rows: classes, dim }); // X Mᵀ, n × C
  const system = new Float64Array(total * total);
  for (let i = 0; i < system.length; i++) system[i] = kernelValues[i];
  for (let i = 0; i < total; i++) system[i * total + i] += total * lambda;
  const s = solve(system, total, Float64Array.from(projectedValues), classes, lambda, kernels); // n × C
  const weights = new Float64Array(classes * dim);
  for (let c = 0; c < classes; c++) {
    const rowOffset = c * dim;
    for (let j = 0; j < dim; j++) weights[rowOffset + j] = meanValues[rowOffset + j];
    for (let i = 0; i < total; i++) {
      const coefficient = s[i * classes + c];
      if (coefficient === 0) continue;
      for (let j = 0; j < dim; j++) weights[rowOffset + j] -= coefficient * xValues[i * dim + j];
    }
    for (let j = 0; j < dim; j++) weights[rowOffset + j] /= lambda * classes;
  }
  return weights;
}

/**
 * GEN `ls`: the least-squares optimal linear classifier of all classes at once (the paper's
 * oracle, not imprinting proper). Joint scope: adding or removing a class re-solves everything.
 */
export function leastSquares({ lambda = DEFAULT_LAMBDA }: LeastSquaresOptions = {}): JointGenerator {
  return {
    kind: 'generator',
    name: 'ls',
    scope: 'joint',
    deterministic: true,
    generate(classes, { kernels }) {
      const dim = classes[0].shape[1];
      const weights = leastSquaresWeights(classes, lambda, kernels);
      return classes.map((_, c) => tf.tensor2d(Float32Array.from(weights.subarray(c * dim, (c + 1) * dim)), [1, dim]));
    },
  };
}
