import * as tf from '@tensorflow/tfjs-core';
import { ImprintError, type ClassGenerator, type Rng } from '@imprint/core';

/** The shape of each component's covariance. */
export type Covariance = 'diagonal' | 'spherical';
export const COVARIANCES: readonly Covariance[] = ['diagonal', 'spherical'];

export interface GaussianMixtureOptions {
  /** Per-dimension variances (`diagonal`) or one variance per component (`spherical`). @default 'diagonal' */
  readonly covariance?: Covariance;
  /** EM iterations after the k-means++ seeding. @default 20 */
  readonly iterations?: number;
  /** Added to every variance, so that a component on a single point stays finite. @default 1e-6 */
  readonly regularization?: number;
}

/** A fitted mixture: `k` components of dimension `dim`, row-major. */
export interface GaussianMixture {
  readonly k: number;
  readonly dim: number;
  readonly weights: Float64Array;
  readonly means: Float64Array;
  /** `[k, dim]` (diagonal) or `[k, 1]` (spherical) variances. */
  readonly variances: Float64Array;
  /** Mean log-likelihood per row, after each iteration (non-decreasing, up to rounding). */
  readonly logLikelihood: number[];
}

function squaredDistance(x: Float32Array, row: number, centres: Float64Array, c: number, dim: number): number {
  let sum = 0;
  for (let j = 0; j < dim; j++) {
    const diff = x[row * dim + j] - centres[c * dim + j];
    sum += diff * diff;
  }
  return sum;
}

/** k-means++ seeding (D² sampling): the first centre uniformly, each next one ∝ squared distance. */
function seedMeans(x: Float32Array, rows: number, dim: number, k: number, rng: Rng): Float64Array {
  const means = new Float64Array(k * dim);
  const nearest = new Float64Array(rows).fill(Number.POSITIVE_INFINITY);
  let pick = rng.int(rows);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < dim; j++) means[c * dim + j] = x[pick * dim + j];
    let total = 0;
    for (let i = 0; i < rows; i++) {
      nearest[i] = Math.min(nearest[i], squaredDistance(x, i, means, c, dim));
      total += nearest[i];
    }
    if (c + 1 === k) break;
    // Every row already a centre (duplicates): take the next rows in order.
    if (total === 0) {
      pick = (pick + 1) % rows;
      continue;
    }
    let target = rng.next() * total;
    pick = rows - 1;
    for (let i = 0; i < rows; i++) {
      target -= nearest[i];
      if (target < 0) {
        pick = i;
        break;
      }
    }
  }
  return means;
}

/**
 * Fit a `k`-component Gaussian mixture to the rows of `x` (`[rows, dim]`) by expectation
 * maximisation from a seeded k-means++ start. Deterministic for a given rng.
 */
export function fitGaussianMixture(x: Float32Array, rows: number, dim: number, k: number, rng: Rng, options: GaussianMixtureOptions = {}): GaussianMixture {
  const { covariance = 'diagonal', iterations = 20, regularization = 1e-6 } = options;
  if (!COVARIANCES.includes(covariance)) throw new ImprintError('INVALID_CONFIG', `covariance must be one of ${COVARIANCES.join(', ')}, got ${JSON.stringify(covariance)}`);
  if (!Number.isSafeInteger(iterations) || iterations < 1) throw new ImprintError('INVALID_CONFIG', `iterations must be an integer ≥ 1, got ${JSON.stringify(iterations)}`);
  if (!Number.isInteger(k) || k < 1 || k > rows) throw new ImprintError('INVALID_K', `a mixture of ${rows} rows needs 1 ≤ k ≤ ${rows}, got ${k}`);
  const perComponent = covariance === 'diagonal' ? dim : 1;
  const means = seedMeans(x, rows, dim, k, rng);
  const weights = new Float64Array(k).fill(1 / k);
  // Start from the data's overall variance (the same for every component).
  let total = 0;
  const columnMean = new Float64Array(dim);
  for (let i = 0; i < rows; i++) for (let j = 0; j < dim; j++) columnMean[j] += x[i * dim + j] / rows;
  for (let i = 0; i < rows; i++) for (let j = 0; j < dim; j++) total += (x[i * dim + j] - columnMean[j]) ** 2;
  const variances = new Float64Array(k * perComponent).fill(total / (rows * dim) + regularization);
  const responsibilities = new Float64Array(rows * k);
  const logLikelihood: number[] = [];
  for (let iteration = 0; iteration < iterations; iteration++) {
    // E step: responsibilities ∝ π_c N(x | μ_c, Σ_c), in logs for stability.
    let likelihood = 0;
    for (let i = 0; i < rows; i++) {
      let best = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        let logDensity = Math.log(weights[c]);
        for (let j = 0; j < dim; j++) {
          const variance = variances[c * perComponent + (perComponent === 1 ? 0 : j)];
          const diff = x[i * dim + j] - means[c * dim + j];
          logDensity -= 0.5 * (diff * diff / variance + Math.log(2 * Math.PI * variance));
        }
        responsibilities[i * k + c] = logDensity;
        if (logDensity > best) best = logDensity;
      }
      let sum = 0;
      for (let c = 0; c < k; c++) sum += (responsibilities[i * k + c] = Math.exp(responsibilities[i * k + c] - best));
      for (let c = 0; c < k; c++) responsibilities[i * k + c] /= sum;
      likelihood += best + Math.log(sum);
    }
    logLikelihood.push(likelihood / rows);
    // M step: weights, means, variances from the responsibilities.
    for (let c = 0; c < k; c++) {
      let mass = 0;
      for (let i = 0; i < rows; i++) mass += responsibilities[i * k + c];
      // A component that lost every row keeps its parameters (its weight floored) instead of NaN.
      if (mass < 1e-12) {
        weights[c] = 1e-12;
        continue;
      }
      weights[c] = mass / rows;
      for (let j = 0; j < dim; j++) {
        let sum = 0;
        for (let i = 0; i < rows; i++) sum += responsibilities[i * k + c] * x[i * dim + j];
        means[c * dim + j] = sum / mass;
      }
      if (perComponent === 1) {
        let sum = 0;
        for (let i = 0; i < rows; i++) sum += responsibilities[i * k + c] * squaredDistance(x, i, means, c, dim);
        variances[c] = sum / (mass * dim) + regularization;
      } else {
        for (let j = 0; j < dim; j++) {
          let sum = 0;
          for (let i = 0; i < rows; i++) sum += responsibilities[i * k + c] * (x[i * dim + j] - means[c * dim + j]) ** 2;
          variances[c * dim + j] = sum / mass + regularization;
        }
      }
    }
  }
  return { k, dim, weights, means, variances, logLikelihood };
}

/**
 * GEN `gmm`: the means of a k-component Gaussian mixture fitted to the class by EM — like k-means
 * proxies, but a component's extent (its covariance) decides which rows pull on its mean, so a
 * wide sub-cluster does not split while a tight one gets its own proxy. Seeded (one stream per class).
 */
export function gaussianMixture(options: GaussianMixtureOptions = {}): ClassGenerator {
  return {
    kind: 'generator',
    name: 'gmm',
    version: '0.1.0',
    scope: 'class',
    generate(embeddings, { k, rng }) {
      const [rows, dim] = embeddings.shape;
      const mixture = fitGaussianMixture(embeddings.dataSync() as Float32Array, rows, dim, k, rng, options);
      return tf.tensor2d(Float32Array.from(mixture.means), [k, dim]);
    },
  };
}
