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

/**
 * Running per-cluster sums and counts. Only samples that change cluster are moved between sums,
 * so after the first iterations a centre update costs O(changed × d) instead of O(n × d).
 */
class ClusterSums {
  readonly sums: Float64Array;
  readonly counts: Int32Array;
  readonly labels: Int32Array;

  constructor(
    private readonly data: ArrayLike<number>,
    private readonly dim: number,
    k: number,
    labels: Int32Array,
  ) {
    this.sums = new Float64Array(k * dim);
    this.counts = new Int32Array(k);
    this.labels = Int32Array.from(labels);
    labels.forEach((c, i) => this.#add(i, c, 1));
  }

  #add(row: number, cluster: number, sign: 1 | -1): void {
    const from = row * this.dim;
    const to = cluster * this.dim;
    for (let j = 0; j < this.dim; j++) this.sums[to + j] += sign * this.data[from + j];
    this.counts[cluster] += sign;
  }

  /** Move samples to their new clusters; returns how many moved. */
  reassign(labels: Int32Array): number {
    let moved = 0;
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] === this.labels[i]) continue;
      this.#add(i, this.labels[i], -1);
      this.#add(i, labels[i], 1);
      this.labels[i] = labels[i];
      moved++;
    }
    return moved;
  }

  /**
   * Re-seed every empty cluster with the sample farthest from its centre (as scikit-learn does),
   * moving that sample into it.
   */
  fillEmpty(distances: Float64Array): void {
    const empty: number[] = [];
    this.counts.forEach((n, c) => n === 0 && empty.push(c));
    if (empty.length === 0) return;
    const farthest = Array.from({ length: distances.length }, (_, i) => i).sort((a, b) => distances[b] - distances[a] || a - b);
    let next = 0;
    for (const c of empty) {
      while (next < farthest.length && this.counts[this.labels[farthest[next]]] <= 1) next++;
      if (next >= farthest.length) break;
      const row = farthest[next++];
      this.#add(row, this.labels[row], -1);
      this.#add(row, c, 1);
      this.labels[row] = c;
    }
  }

  centers(previous: Float32Array): Float32Array {
    const k = this.counts.length;
    const centers = new Float32Array(k * this.dim);
    for (let c = 0; c < k; c++) {
      const n = this.counts[c];
      for (let j = 0; j < this.dim; j++) centers[c * this.dim + j] = n > 0 ? this.sums[c * this.dim + j] / n : previous[c * this.dim + j];
    }
    return centers;
  }
}

/**
 * Lloyd iterations from the given initial centres. Distances are one tfjs matrix product per
 * iteration (‖x‖² − 2x·c + ‖c‖²); label assignment and incremental centre sums run in plain JS.
 * Stops when labels no longer change, when the total squared centre shift falls under
 * `tolerance × meanVariance`, or after `maxIterations`.
 */
export function lloydTfjs(points: tf.Tensor2D, data: ArrayLike<number>, norms: Float64Array, initialCenters: Float32Array, k: number, { maxIterations = 300, tolerance = 1e-4 }: LloydOptions = {}): KMeansResult {
  const [rows, dim] = points.shape;
  const threshold = tolerance * meanVariance(data, rows, dim);
  let centers = initialCenters;
  let clusters: ClusterSums | undefined;
  let converged = false;
  let iterations = 0;
  for (; iterations < maxIterations; ) {
    const assignment = assign(points, norms, centers, k);
    let moved = rows;
    if (clusters === undefined) clusters = new ClusterSums(data, dim, k, assignment.labels);
    else moved = clusters.reassign(assignment.labels);
    clusters.fillEmpty(assignment.distances);
    const next = clusters.centers(centers);
    iterations++;
    let shift = 0;
    for (let i = 0; i < next.length; i++) shift += (next[i] - centers[i]) ** 2;
    centers = next;
    if (iterations > 1 && moved === 0) {
      converged = true;
      break;
    }
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
