import { kmeans as mlKmeans } from 'ml-kmeans';
import { NO_KERNELS, dotProduct, kernelSet, type Kernels } from '@imprint/core';
import type { RowDistances } from './squared-distances.js';

export interface LloydOptions {
  /** Iteration cap. @default 300 */
  maxIterations?: number;
  /**
   * Convergence threshold on the total squared centre shift, relative to the mean per-dimension
   * variance of the data (scikit-learn's `tol`). @default 1e-4
   */
  tolerance?: number;
  /** Elkan's bounds in the assignment step: the same assignments with fewer distances. @default true */
  bounds?: boolean;
  /** The engine's kernels (the first cluster sums as one product). @default none */
  kernels?: Kernels;
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
  /** Samples whose distances to all centres were computed, summed over iterations (work done). */
  readonly recomputedRows?: number;
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
    kernels: Kernels = NO_KERNELS,
  ) {
    this.sums = new Float64Array(k * dim);
    this.counts = new Int32Array(k);
    this.labels = Int32Array.from(labels);
    // The first sums over every sample: one product of a one-hot matrix with the data (the
    // transposedMatMul kernel: k × n × d multiply-adds at native speed with an engine).
    if (data instanceof Float32Array) {
      const onehot = new Float32Array(labels.length * k);
      for (let i = 0; i < labels.length; i++) onehot[i * k + labels[i]] = 1;
      this.sums.set(kernelSet(kernels).transposedMatMul({ values: onehot, rows: labels.length, dim: k }, { values: data, rows: labels.length, dim }));
      for (let i = 0; i < labels.length; i++) this.counts[labels[i]]++;
    } else for (let i = 0; i < labels.length; i++) this.#add(i, labels[i], 1); // float64 data: exact sums, no kernel takes it
  }

  #add(row: number, cluster: number, sign: 1 | -1): void {
    const from = row * this.dim;
    const to = cluster * this.dim;
    for (let j = 0; j < this.dim; j++) this.sums[to + j] += sign * this.data[from + j];
    this.counts[cluster] += sign;
  }

  /**
   * Mean over dimensions of the per-dimension variance, from the squared row norms and the
   * cluster sums (whose total is the column sum): O(k·d) instead of another pass over the data.
   */
  meanVariance(squaredNorms: Float64Array): number {
    const rows = this.labels.length;
    const k = this.counts.length;
    let sumOfSquares = 0;
    for (let i = 0; i < rows; i++) sumOfSquares += squaredNorms[i];
    let meanSquaredNorm = 0;
    for (let j = 0; j < this.dim; j++) {
      let column = 0;
      for (let c = 0; c < k; c++) column += this.sums[c * this.dim + j];
      meanSquaredNorm += (column / rows) ** 2;
    }
    return (sumOfSquares / rows - meanSquaredNorm) / this.dim;
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
 * Dense assignment: every sample's nearest centre from one product with all centres, and the
 * exact distances to all of them (the upper bound and the k lower bounds of Elkan's method).
 */
function assignAll(distances: RowDistances, centers: Float32Array, k: number, drifted: Float64Array, labels: Int32Array, upper: Float64Array, lower: Float64Array, closest: Float64Array): void {
  const all = distances.toAll(centers, k);
  for (let i = 0; i < labels.length; i++) setRow(i, all, i * k, k, drifted, labels, upper, lower, closest);
}

/**
 * Labels, bounds and squared distance of sample `i` from its squared distances to all centres
 * (`all[from …]`). Bounds are stored shifted by the centres' cumulative drift (`drifted`) so that
 * moving the centres costs O(k), not O(n·k): the lower bound to centre c is
 * `lower[i, c] − drifted[c]`, the upper bound `upper[i] + drifted[label]`.
 */
function setRow(i: number, all: Float64Array, from: number, k: number, drifted: Float64Array, labels: Int32Array, upper: Float64Array, lower: Float64Array, closest: Float64Array): void {
  let best = 0;
  let bestDistance = all[from];
  for (let c = 0; c < k; c++) {
    const d = all[from + c];
    lower[i * k + c] = Math.sqrt(d) + drifted[c];
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  labels[i] = best;
  closest[i] = bestDistance;
  upper[i] = Math.sqrt(bestDistance) - drifted[best];
}

/**
 * Half the distances between centres `[k, k]` and, per centre, half the distance to its nearest
 * other centre (float64, from the centres' dot products: ‖a − b‖² = ‖a‖² + ‖b‖² − 2a·b; k(k+1)/2
 * dot products in JavaScript, faster than a kernel call for so few centres).
 */
function halfCenterDistances(centers: Float32Array, k: number, dim: number): { half: Float64Array; nearest: Float64Array } {
  const dots = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) dots[a * k + b] = dotProduct(centers, a * dim, centers, b * dim, dim);
  }
  const half = new Float64Array(k * k);
  const nearest = new Float64Array(k).fill(Number.POSITIVE_INFINITY);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const squared = dots[a * k + a] + dots[b * k + b] - 2 * dots[a * k + b];
      const distance = 0.5 * Math.sqrt(squared > 0 ? squared : 0);
      half[a * k + b] = distance;
      half[b * k + a] = distance;
      if (distance < nearest[a]) nearest[a] = distance;
      if (distance < nearest[b]) nearest[b] = distance;
    }
  }
  return { half, nearest };
}

/**
 * Lloyd iterations from the given initial centres, with scikit-learn's stopping rule: stop when
 * no label changes, when the total squared centre shift falls under `tolerance × meanVariance`,
 * or after `maxIterations`; then one last assignment so that labels and inertia belong to the
 * returned centres. Empty clusters are re-seeded with the samples farthest from their centres.
 *
 * With `bounds` (the default) the assignment step uses Elkan's exact bounds: every sample keeps
 * an upper bound on the distance to its centre and a lower bound on its distance to each other
 * centre, moved by how far the centres moved. A sample keeps its centre for certain when its
 * upper bound is below half the distance from its centre to the nearest other centre, or below,
 * for every other centre, that centre's lower bound or half the distance between the two centres;
 * only the other samples get their distances recomputed — one product of those rows with the
 * centres through the engine's `matMulTransposedRows` kernel (else tf.js). The assignments are
 * Lloyd's, so the fixed point is the same (bounds are compared with a margin for float32
 * rounding). Centre sums are updated only for the samples that moved.
 */
export function lloyd(distances: RowDistances, data: Float32Array, dim: number, initialCenters: Float32Array, k: number, { maxIterations = 300, tolerance = 1e-4, bounds = true, kernels = NO_KERNELS }: LloydOptions = {}): KMeansResult {
  const rows = distances.rows;
  let threshold = Number.NaN; // tolerance × mean variance, once the first cluster sums exist
  // Bounds are compared with a small margin: distances come from float32 products.
  let scale = 0;
  for (let i = 0; i < Math.min(rows, 64); i++) scale = Math.max(scale, Math.sqrt(distances.squaredNorms[i]));
  const margin = 1e-5 * Math.max(scale, 1e-12);
  let centers = initialCenters;
  const labels = new Int32Array(rows);
  const upper = new Float64Array(rows);
  const lower = new Float64Array(rows * k);
  const closest = new Float64Array(rows);
  const active = new Int32Array(rows);
  /** Cumulative drift of every centre since the start (see setRow). */
  const drifted = new Float64Array(k);
  let clusters: ClusterSums | undefined;
  let converged = false;
  let iterations = 0;
  let recomputed = 0;
  let boundsValid = false;
  for (; iterations < maxIterations; ) {
    // E-step: labels for the current centres.
    if (!bounds || !boundsValid) {
      assignAll(distances, centers, k, drifted, labels, upper, lower, closest);
      recomputed += rows;
    } else {
      const { half, nearest } = halfCenterDistances(centers, k, dim);
      let count = 0;
      for (let i = 0; i < rows; i++) {
        const a = labels[i];
        const u = upper[i] + drifted[a] + margin;
        if (u <= nearest[a]) continue;
        const row = i * k;
        for (let c = 0; c < k; c++) {
          if (c !== a && u > lower[row + c] - drifted[c] && u > half[a * k + c]) {
            active[count++] = i;
            break;
          }
        }
      }
      if (count > 0) {
        const some = distances.toSome(active, count, centers, k);
        for (let r = 0; r < count; r++) setRow(active[r], some, r * k, k, drifted, labels, upper, lower, closest);
      }
      recomputed += count;
    }
    let moved = rows;
    if (clusters === undefined) {
      clusters = new ClusterSums(data, dim, k, labels, kernels);
      threshold = tolerance * clusters.meanVariance(distances.squaredNorms);
    } else moved = clusters.reassign(labels);
    if (clusters.counts.some((n) => n === 0)) {
      // Re-seeding needs every sample's exact distance to its centre: a dense step (rare).
      if (bounds && boundsValid) {
        assignAll(distances, centers, k, drifted, labels, upper, lower, closest);
        recomputed += rows;
        moved = clusters.reassign(labels);
      }
      clusters.fillEmpty(closest);
      labels.set(clusters.labels);
      boundsValid = false;
    } else boundsValid = true;
    // M-step.
    const next = clusters.centers(centers);
    iterations++;
    let shift = 0;
    const drift = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      let squared = 0;
      for (let j = c * dim, end = j + dim; j < end; j++) {
        const difference = next[j] - centers[j];
        squared += difference * difference;
      }
      drift[c] = Math.sqrt(squared);
      shift += squared;
    }
    centers = next;
    if (iterations > 1 && moved === 0) {
      converged = true;
      break;
    }
    if (shift <= threshold) {
      converged = true;
      break;
    }
    for (let c = 0; c < k; c++) drifted[c] += drift[c];
  }
  // Labels and inertia of the returned centres (a dense step, as scikit-learn's final E-step).
  assignAll(distances, centers, k, drifted, labels, upper, lower, closest);
  recomputed += rows;
  let inertia = 0;
  for (let i = 0; i < rows; i++) inertia += closest[i];
  return { centers, labels: Int32Array.from(labels), inertia, iterations, converged, recomputedRows: recomputed };
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
