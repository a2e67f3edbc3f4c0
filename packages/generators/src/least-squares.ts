import * as tf from '@tensorflow/tfjs-core';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { gramMatrix, ImprintError, matMulTransposed, type JointGenerator } from '@imprint/core';
import { DEFAULT_LAMBDA } from './lambda-defaults.js';

export interface LeastSquaresOptions {
  /** Ridge term λ > 0. @default 0.05 (see `defaultLambda` for per-FM values) */
  lambda?: number;
}

/**
 * Least-squares weights for classes given as sample groups: W = (1/C)·Mᵀ(Σ_T + μ_G μ_Gᵀ + λI)⁻¹,
 * M the class means (d×C), Σ_T the total covariance around the global mean (divided by n).
 * Since Σ_T + μ_G μ_Gᵀ = XᵀX / n, the system matrix is one Gram matrix (a tfjs matrix product)
 * plus λI, solved by Cholesky decomposition (float64, ml-matrix) — no explicit inverse. With fewer
 * samples than dimensions the equivalent n × n system is solved instead (Woodbury identity).
 * Returns W row-major `[C, d]`.
 */
export function leastSquaresWeights(groups: readonly tf.Tensor2D[], lambda: number): Float64Array {
  if (!(lambda > 0)) throw new ImprintError('INVALID_CONFIG', `lambda must be a positive number, got ${lambda}`);
  const dim = groups[0].shape[1];
  const total = groups.reduce((n, g) => n + g.shape[0], 0);
  return total < dim ? dualSolve(groups, lambda, total, dim) : primalSolve(groups, lambda, total, dim);
}

function cholesky(system: Matrix, lambda: number): CholeskyDecomposition {
  const decomposition = new CholeskyDecomposition(system);
  if (!decomposition.isPositiveDefinite()) {
    throw new ImprintError('INVALID_INPUT', `the least-squares system is not positive definite (λ = ${lambda}); use a larger lambda`);
  }
  return decomposition;
}

function classMeans(groups: readonly tf.Tensor2D[]): Float32Array {
  const means = tf.tidy(() => tf.concat(groups.map((g) => tf.mean(g, 0, true)), 0));
  const values = means.dataSync() as Float32Array;
  means.dispose();
  return values;
}

/** d × d system (XᵀX/n + λI) Y = M/C, for n ≥ d. */
function primalSolve(groups: readonly tf.Tensor2D[], lambda: number, total: number, dim: number): Float64Array {
  const classes = groups.length;
  const gram = tf.tidy(() => groups.map((g) => gramMatrix(g)).reduce((a, b) => tf.add(a, b)));
  const gramValues = gram.dataSync();
  gram.dispose();
  const meanValues = classMeans(groups);
  const system = new Matrix(dim, dim);
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j < dim; j++) system.set(i, j, gramValues[i * dim + j] / total);
    system.set(i, i, system.get(i, i) + lambda);
  }
  const rhs = new Matrix(dim, classes);
  for (let c = 0; c < classes; c++) for (let j = 0; j < dim; j++) rhs.set(j, c, meanValues[c * dim + j] / classes);
  const solution = cholesky(system, lambda).solve(rhs); // A⁻¹ M / C, d×C; W = its transpose (A is symmetric)
  const weights = new Float64Array(classes * dim);
  for (let c = 0; c < classes; c++) for (let j = 0; j < dim; j++) weights[c * dim + j] = solution.get(j, c);
  return weights;
}

/**
 * The same weights through the n × n system for n < d (Woodbury):
 * (XᵀX/n + λI)⁻¹ m = (m − Xᵀ(XXᵀ + nλI)⁻¹ X m) / λ.
 */
function dualSolve(groups: readonly tf.Tensor2D[], lambda: number, total: number, dim: number): Float64Array {
  const classes = groups.length;
  const meanValues = classMeans(groups);
  const [kernelValues, projectedValues, xValues] = tf.tidy(() => {
    const x = tf.concat([...groups], 0) as tf.Tensor2D;
    const kernel = matMulTransposed(x, x);
    const projected = matMulTransposed(x, tf.tensor2d(meanValues, [classes, dim])); // X Mᵀ, n × C
    return [kernel.dataSync(), projected.dataSync(), x.dataSync()];
  });
  const system = new Matrix(total, total);
  for (let i = 0; i < total; i++) {
    for (let j = 0; j < total; j++) system.set(i, j, kernelValues[i * total + j]);
    system.set(i, i, system.get(i, i) + total * lambda);
  }
  const rhs = new Matrix(total, classes);
  for (let i = 0; i < total; i++) for (let c = 0; c < classes; c++) rhs.set(i, c, projectedValues[i * classes + c]);
  const s = cholesky(system, lambda).solve(rhs); // n × C
  const weights = new Float64Array(classes * dim);
  for (let c = 0; c < classes; c++) {
    const row = c * dim;
    for (let j = 0; j < dim; j++) weights[row + j] = meanValues[row + j];
    for (let i = 0; i < total; i++) {
      const coefficient = s.get(i, c);
      if (coefficient === 0) continue;
      for (let j = 0; j < dim; j++) weights[row + j] -= coefficient * xValues[i * dim + j];
    }
    for (let j = 0; j < dim; j++) weights[row + j] /= lambda * classes;
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
    generate(classes) {
      const dim = classes[0].shape[1];
      const weights = leastSquaresWeights(classes, lambda);
      return classes.map((_, c) => tf.tensor2d(Float32Array.from(weights.subarray(c * dim, (c + 1) * dim)), [1, dim]));
    },
  };
}
