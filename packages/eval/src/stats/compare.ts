import { friedmanTest, type FriedmanResult } from './friedman.js';
import { holm } from './holm.js';
import { wilcoxonSignedRank } from './wilcoxon.js';

export interface PairwiseComparison {
  readonly a: number;
  readonly b: number;
  readonly pValue: number;
  readonly adjustedPValue: number;
  /** Significantly different after Holm's correction. */
  readonly significant: boolean;
}

export interface MethodComparison {
  readonly friedman: FriedmanResult;
  readonly pairs: PairwiseComparison[];
  /**
   * Maximal sets of methods (indices, best average rank first) with no significant difference
   * between any two members — the bars of a critical-difference diagram.
   */
  readonly cliques: number[][];
}

/** `k × k` flags: whether methods a and b differ significantly. */
export function significanceMatrix(pairs: readonly PairwiseComparison[], k: number): Uint8Array {
  const matrix = new Uint8Array(k * k);
  for (const p of pairs) {
    if (!p.significant) continue;
    matrix[p.a * k + p.b] = 1;
    matrix[p.b * k + p.a] = 1;
  }
  return matrix;
}

/**
 * The maximal runs of consecutive methods in `order` (best first) whose members are pairwise not
 * significantly different. Two pointers: when a run [start, end] is a clique, so is
 * [start + 1, end], so `end` only moves forward and every pair is looked at O(1) times per
 * extension — O(k²) in all, not the O(k⁵) of re-checking every run from scratch.
 */
export function cliquesInOrder(order: readonly number[], different: Uint8Array, k: number): number[][] {
  const cliques: number[][] = [];
  let end = 0;
  let lastEnd = -1;
  for (let start = 0; start < order.length; start++) {
    if (end < start) end = start;
    // extend while the next method differs from no member of [start, end]
    while (end + 1 < order.length) {
      const next = order[end + 1];
      let fits = true;
      for (let i = start; i <= end && fits; i++) if (different[order[i] * k + next] === 1) fits = false;
      if (!fits) break;
      end++;
    }
    // [start, end] is maximal unless it lies inside the previous run (same end)
    if (end > start && end > lastEnd) {
      cliques.push(order.slice(start, end + 1));
      lastEnd = end;
    }
  }
  return cliques;
}

/**
 * The paper's statistics over a `groups × methods` score table: Friedman, then pairwise Wilcoxon
 * signed-rank tests (Pratt) with Holm's correction at `alpha`, and the cliques of methods that are
 * not significantly different, in average-rank order. Cost: k(k−1)/2 Wilcoxon tests and an O(k²)
 * clique search for k methods (810 methods of the paper grid: seconds).
 */
export function compareMethods(scores: readonly (readonly number[])[], alpha = 0.05): MethodComparison {
  const friedman = friedmanTest(scores);
  const k = scores[0].length;
  const columns = Array.from({ length: k }, (_, j) => scores.map((r) => r[j]));
  const raw: { a: number; b: number; pValue: number }[] = [];
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) raw.push({ a, b, pValue: wilcoxonSignedRank(columns[a], columns[b]).pValue });
  }
  const corrected = holm(raw.map((r) => r.pValue), alpha);
  const pairs = raw.map((r, i) => ({ ...r, adjustedPValue: corrected.adjusted[i], significant: corrected.rejected[i] }));
  const order = friedman.averageRanks.map((r, i) => [r, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]).map(([, i]) => i);
  return { friedman, pairs, cliques: cliquesInOrder(order, significanceMatrix(pairs, k), k) };
}
