import { kmeans as mlKmeans } from 'ml-kmeans';
import type { RowDistances } from './squared-distances.js';

export interface LloydOptions {
  /** Iteration cap. @default 300 */
  maxIterations?: number;
  /**
   * Convergence threshold on the total squared centre shift, relative to the mean per-dimension
   * variance of the data (scikit-learn's `tol`). @default 1e-4
   */
  tolerance?: number;
  /**
   * Hamerly bounds in the assignment step: the same assignments with fewer distances. Off by
   * default: on 1280-d embeddings distances concentrate, few samples are pruned, and the gathering
   * costs more than one product with every sample (see docs/performance.md). @default false
   */
  bounds?: boolean;
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
  ) {
    this.sums = new Float64Array(k * dim);
    this.counts = new Int32Array(k);
    this.labels = Int32Array.from(labels);
    for (let i = 0; i < labels.length; i++) this.#add(i, labels[i], 1);
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

/** Dense assignment: every sample's nearest and second-nearest centre, and its bounds. */
function assignAll(distances: RowDistances, centers: Float32Array, k: number, labels: Int32Array, upper: Float64Array, lower: Float64Array, closest: Float64Array): void {
  distances.nearestTwo(centers, k, labels, closest, lower);
  for (let i = 0; i < labels.length; i++) {
    upper[i] = Math.sqrt(closest[i]);
    lower[i] = Math.sqrt(lower[i]);
  }
}

/** Half the distance from every centre to its nearest other centre (float64). */
function halfNearestCenter(centers: Float32Array, k: number, dim: number): Float64Array {
  const half = new Float64Array(k).fill(Number.POSITIVE_INFINITY);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      let squared = 0;
      for (let j = 0; j < dim; j++) {
        const diff = centers[a * dim + j] - centers[b * dim + j];
        squared += diff * diff;
      }
      const distance = 0.5 * Math.sqrt(squared);
      if (distance < half[a]) half[a] = distance;
      if (distance < half[b]) half[b] = distance;
    }
  }
  return half;
}

/**
 * Lloyd iterations from the given initial centres, with scikit-learn's stopping rule: stop when
 * no label changes, when the total squared centre shift falls under `tolerance × meanVariance`,
 * or after `maxIterations`; then one last assignment so that labels and inertia belong to the
 * returned centres. Empty clusters are re-seeded with the samples farthest from their centres.
 *
 * With `bounds` (the default) the assignment step is Hamerly's exact acceleration: every sample
 * keeps an upper bound on the distance to its centre and a lower bound on the distance to any
 * other centre, both moved by how far the centres moved; a sample whose upper bound is below
 * max(lower bound, half the distance from its centre to the nearest other centre) provably keeps
 * its centre, and only the other samples get their distances recomputed — one product with the
 * centres through the engine's `matMulTransposed` kernel (else tf.js). The assignments are
 * Lloyd's, so the fixed point is the same; after the first few iterations few samples are
 * recomputed. Centre sums are updated only for the samples that moved.
 */
export function lloyd(distances: RowDistances, data: Float32Array, dim: number, initialCenters: Float32Array, k: number, { maxIterations = 300, tolerance = 1e-4, bounds = false }: LloydOptions = {}): KMeansResult {
  const rows = distances.rows;
  let threshold = Number.NaN; // tolerance × mean variance, once the first cluster sums exist
  // Bounds are compared with a small margin: distances come from float32 products.
  let scale = 0;
  for (let i = 0; i < Math.min(rows, 64); i++) {
    let squared = 0;
    for (let j = 0; j < dim; j++) squared += data[i * dim + j] ** 2;
    scale = Math.max(scale, Math.sqrt(squared));
  }
  const margin = 1e-5 * Math.max(scale, 1e-12);
  let centers = initialCenters;
  const labels = new Int32Array(rows);
  const upper = new Float64Array(rows);
  const lower = new Float64Array(rows);
  const closest = new Float64Array(rows);
  const active = new Int32Array(rows);
  let clusters: ClusterSums | undefined;
  let converged = false;
  let iterations = 0;
  let recomputed = 0;
  let boundsValid = false;
  for (; iterations < maxIterations; ) {
    // E-step: labels for the current centres.
    if (!bounds || !boundsValid) {
      assignAll(distances, centers, k, labels, upper, lower, closest);
      recomputed += rows;
    } else {
      const half = halfNearestCenter(centers, k, dim);
      let count = 0;
      for (let i = 0; i < rows; i++) {
        const bound = Math.max(half[labels[i]], lower[i]);
        if (upper[i] + margin >= bound) active[count++] = i;
      }
      if (count > 0) {
        const some = distances.toSome(active, count, centers, k);
        for (let a = 0; a < count; a++) {
          const i = active[a];
          let best = 0;
          let bestDistance = some[a * k];
          let second = Number.POSITIVE_INFINITY;
          for (let c = 1; c < k; c++) {
            const d = some[a * k + c];
            if (d < bestDistance) {
              second = bestDistance;
              bestDistance = d;
              best = c;
            } else if (d < second) second = d;
          }
          labels[i] = best;
          closest[i] = bestDistance;
          upper[i] = Math.sqrt(bestDistance);
          lower[i] = Math.sqrt(second);
        }
      }
      recomputed += count;
    }
    let moved = rows;
    if (clusters === undefined) {
      clusters = new ClusterSums(data, dim, k, labels);
      threshold = tolerance * clusters.meanVariance(distances.squaredNorms);
    } else moved = clusters.reassign(labels);
    if (clusters.counts.some((n) => n === 0)) {
      // Re-seeding needs every sample's exact distance to its centre: a dense step (rare).
      if (bounds && boundsValid) {
        assignAll(distances, centers, k, labels, upper, lower, closest);
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
      for (let j = 0; j < dim; j++) squared += (next[c * dim + j] - centers[c * dim + j]) ** 2;
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
    if (bounds && boundsValid) {
      let largest = 0;
      let largestAt = -1;
      let secondLargest = 0;
      for (let c = 0; c < k; c++) {
        if (drift[c] > largest) {
          secondLargest = largest;
          largest = drift[c];
          largestAt = c;
        } else if (drift[c] > secondLargest) secondLargest = drift[c];
      }
      for (let i = 0; i < rows; i++) {
        upper[i] += drift[labels[i]];
        lower[i] -= labels[i] === largestAt ? secondLargest : largest;
      }
    }
  }
  // Labels and inertia of the returned centres (a dense step, as scikit-learn's final E-step).
  assignAll(distances, centers, k, labels, upper, lower, closest);
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
