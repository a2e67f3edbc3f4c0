import * as tf from '@tensorflow/tfjs-core';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { gramMatrix, ImprintError, type JointGenerator } from '@imprint/core';
import { DEFAULT_LAMBDA } from './lambda-defaults.js';

export interface LeastSquaresOptions {
  /** Ridge term λ > 0. @default 0.05 (see `defaultLambda` for per-FM values) */
  lambda?: number;
}

/**
 * Least-squares weights for classes given as sample groups: W = (1/C)·Mᵀ(Σ_T + μ_G μ_Gᵀ + λI)⁻¹,
 * M the class means (d×C), Σ_T the total covariance around the global mean (divided by n).
 * Since Σ_T + μ_G μ_Gᵀ = XᵀX / n, the system matrix is one Gram matrix (a tfjs matrix product)
 * plus λI, solved by Cholesky decomposition (float64, ml-matrix) — no explicit inverse.
 * Returns W row-major `[C, d]`.
 */
export function leastSquaresWeights(groups: readonly tf.Tensor2D[], lambda: number): Float64Array {
  if (!(lambda > 0)) throw new ImprintError('INVALID_CONFIG', `lambda must be a positive number, got ${lambda}`);
  const dim = groups[0].shape[1];
  const classes = groups.length;
  const total = groups.reduce((n, g) => n + g.shape[0], 0);
  const gram = tf.tidy(() => groups.map((g) => gramMatrix(g)).reduce((a, b) => tf.add(a, b)));
  const means = tf.tidy(() => tf.concat(groups.map((g) => tf.mean(g, 0, true)), 0));
  const gramValues = gram.dataSync();
  const meanValues = means.dataSync();
  gram.dispose();
  means.dispose();
  const system = new Matrix(dim, dim);
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j < dim; j++) system.set(i, j, gramValues[i * dim + j] / total);
    system.set(i, i, system.get(i, i) + lambda);
  }
  const rhs = new Matrix(dim, classes);
  for (let c = 0; c < classes; c++) for (let j = 0; j < dim; j++) rhs.set(j, c, meanValues[c * dim + j] / classes);
  const cholesky = new CholeskyDecomposition(system);
  if (!cholesky.isPositiveDefinite()) {
    throw new ImprintError('INVALID_INPUT', `the least-squares system XᵀX/n + λI is not positive definite (λ = ${lambda}); use a larger lambda`);
  }
  const solution = cholesky.solve(rhs); // A⁻¹ M / C, d×C; W = its transpose (A is symmetric)
  const weights = new Float64Array(classes * dim);
  for (let c = 0; c < classes; c++) for (let j = 0; j < dim; j++) weights[c * dim + j] = solution.get(j, c);
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
    generate(classes) {
      const dim = classes[0].shape[1];
      const weights = leastSquaresWeights(classes, lambda);
      return classes.map((_, c) => tf.tensor2d(Float32Array.from(weights.subarray(c * dim, (c + 1) * dim)), [1, dim]));
    },
  };
}
