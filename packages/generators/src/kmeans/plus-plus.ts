import type { Rng } from '@imprint/core';
import { gatherRows, type RowDistances } from './squared-distances.js';

/**
 * Greedy k-means++ seeding as scikit-learn does it: the first centre uniformly at random, then
 * for each further centre `2 + ⌊ln k⌋` candidates drawn with probability ∝ D² (squared distance
 * to the nearest centre so far), keeping the candidate that lowers the total D² most.
 * Returns the indices of the chosen samples (k-medoids++ uses them as initial medoids).
 */
export function kmeansPlusPlusIndices(distances: RowDistances, data: ArrayLike<number>, dim: number, k: number, rng: Rng, localTrials = 2 + Math.floor(Math.log(k))): Int32Array {
  const rows = distances.rows;
  const chosen = new Int32Array(k);
  chosen[0] = rng.int(rows);
  const closest = distances.toAll(gatherRows(data, dim, [chosen[0]]), 1);
  let potential = closest.reduce((a, b) => a + b, 0);
  const cumulative = new Float64Array(rows);
  for (let c = 1; c < k; c++) {
    let running = 0;
    for (let i = 0; i < rows; i++) cumulative[i] = running += closest[i];
    const candidates: number[] = [];
    for (let t = 0; t < localTrials; t++) {
      const target = rng.next() * potential;
      // first index whose cumulative sum reaches the target (numpy searchsorted, side 'left')
      let low = 0;
      let high = rows - 1;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (cumulative[mid] < target) low = mid + 1;
        else high = mid;
      }
      candidates.push(low);
    }
    const candidateDistances = distances.toAll(gatherRows(data, dim, candidates), candidates.length);
    let best = 0;
    let bestPotential = Number.POSITIVE_INFINITY;
    for (let t = 0; t < candidates.length; t++) {
      let total = 0;
      for (let i = 0; i < rows; i++) total += Math.min(closest[i], candidateDistances[i * candidates.length + t]);
      if (total < bestPotential) {
        bestPotential = total;
        best = t;
      }
    }
    chosen[c] = candidates[best];
    for (let i = 0; i < rows; i++) closest[i] = Math.min(closest[i], candidateDistances[i * candidates.length + best]);
    potential = bestPotential;
  }
  return chosen;
}
