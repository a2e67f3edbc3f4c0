import type * as tf from '@tensorflow/tfjs-core';
import { kmeans as mlKmeans } from 'ml-kmeans';
import { squaredDistancesTo } from './squared-distances.js';

export interface LloydOptions {
  /** Iteration cap. @default 300 */
  maxIterations?: number;
  /**
   * Convergence threshold on the total squared centre shift, relative to the mean per-dimension
   * variance of the data (scikit-learn's `tol`). @default 1e-4
   */
  tolerance?: number;
}

export interface KMeansResult {
  /** Centres `[k, d]`, row-major. */
  readonly centers: Float32Array;
  /** Cluster of every sample. */
  readonly labels: Int32Array;
  /** Sum of squared distances of samples to their centre. */
  readonly inertia: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/** Mean over dimensions of the per-dimension variance: the scale of scikit-learn's tolerance. */
export function meanVariance(data: ArrayLike<number>, rows: number, dim: number): number {
  const mean = new Float64Array(dim);
  const meanSquare = new Float64Array(dim);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < dim; j++) {
      const v = data[i * dim + j];
      mean[j] += v;
      meanSquare[j] += v * v;
    }
  }
  let total = 0;
  for (let j = 0; j < dim; j++) total += meanSquare[j] / rows - (mean[j] / rows) ** 2;
  return total / dim;
}

interface Assignment {
  labels: Int32Array;
  distances: Float64Array;
  inertia: number;
}

function assign(points: tf.Tensor2D, norms: Float64Array, centers: Float32Array, k: number): Assignment {
  const rows = points.shape[0];
  const all = squaredDistancesTo(points, norms, centers, k);
  const labels = new Int32Array(rows);
  const distances = new Float64Array(rows);
  let inertia = 0;
  for (let i = 0; i < rows; i++) {
    let best = 0;
    let bestDistance = all[i * k];
    for (let c = 1; c < k; c++) {
      const d = all[i * k + c];
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    labels[i] = best;
    distances[i] = bestDistance;
    inertia += bestDistance;
  }
  return { labels, distances, inertia };
}

/** Centres as the means of their samples; an empty cluster is moved to the farthest sample. */
function updateCenters(data: ArrayLike<number>, dim: number, k: number, assignment: Assignment): Float32Array {
  const rows = assignment.labels.length;
  const sums = new Float64Array(k * dim);
  const counts = new Int32Array(k);
  for (let i = 0; i < rows; i++) {
    const c = assignment.labels[i];
    counts[c]++;
    const from = i * dim;
    const to = c * dim;
    for (let j = 0; j < dim; j++) sums[to + j] += data[from + j];
  }
  const centers = new Float32Array(k * dim);
  const empty: number[] = [];
  for (let c = 0; c < k; c++) {
    if (counts[c] === 0) {
      empty.push(c);
      continue;
    }
    for (let j = 0; j < dim; j++) centers[c * dim + j] = sums[c * dim + j] / counts[c];
  }
  if (empty.length > 0) {
    // As scikit-learn: re-seed empty clusters at the samples farthest from their centres.
    const farthest = Array.from({ length: rows }, (_, i) => i).sort((a, b) => assignment.distances[b] - assignment.distances[a] || a - b);
    empty.forEach((c, e) => {
      const from = farthest[e] * dim;
      for (let j = 0; j < dim; j++) centers[c * dim + j] = data[from + j];
    });
  }
  return centers;
}

/**
 * Lloyd iterations from the given initial centres. Distances are one tfjs matrix product per
 * iteration (‖x‖² − 2x·c + ‖c‖²); label assignment and centre means run in plain JS.
 * Stops when labels no longer change, when the total squared centre shift falls under
 * `tolerance × meanVariance`, or after `maxIterations`.
 */
export function lloydTfjs(points: tf.Tensor2D, data: ArrayLike<number>, norms: Float64Array, initialCenters: Float32Array, k: number, { maxIterations = 300, tolerance = 1e-4 }: LloydOptions = {}): KMeansResult {
  const [rows, dim] = points.shape;
  const threshold = tolerance * meanVariance(data, rows, dim);
  let centers = initialCenters;
  let previous: Int32Array | undefined;
  let converged = false;
  let iterations = 0;
  for (; iterations < maxIterations; ) {
    const assignment = assign(points, norms, centers, k);
    const next = updateCenters(data, dim, k, assignment);
    iterations++;
    let shift = 0;
    for (let i = 0; i < next.length; i++) shift += (next[i] - centers[i]) ** 2;
    centers = next;
    if (previous !== undefined && previous.every((label, i) => label === assignment.labels[i])) {
      converged = true;
      break;
    }
    previous = assignment.labels;
    if (shift <= threshold) {
      converged = true;
      break;
    }
  }
  const final = assign(points, norms, centers, k);
  return { centers, labels: final.labels, inertia: final.inertia, iterations, converged };
}

/**
 * The same Lloyd iterations through `ml-kmeans` (plain JS), from the same initial centres: the
 * reference implementation the tfjs path is checked against. ml-kmeans stops when every centre
 * moved less than the threshold (squared distance).
 */
export function lloydMlKmeans(data: ArrayLike<number>, rows: number, dim: number, initialCenters: Float32Array, k: number, { maxIterations = 300, tolerance = 1e-4 }: LloydOptions = {}): KMeansResult {
  const toRows = (values: ArrayLike<number>, count: number) => Array.from({ length: count }, (_, i) => Array.from({ length: dim }, (_, j) => values[i * dim + j]));
  const points = toRows(data, rows);
  const result = mlKmeans(points, k, {
    initialization: toRows(initialCenters, k),
    maxIterations,
    tolerance: tolerance * meanVariance(data, rows, dim),
  });
  const centers = Float32Array.from(result.centroids.flat());
  const labels = Int32Array.from(result.clusters);
  let inertia = 0;
  for (let i = 0; i < rows; i++) {
    const c = labels[i];
    for (let j = 0; j < dim; j++) inertia += (data[i * dim + j] - centers[c * dim + j]) ** 2;
  }
  return { centers, labels, inertia, iterations: result.iterations, converged: result.converged };
}
