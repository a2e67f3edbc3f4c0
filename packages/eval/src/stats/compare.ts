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

/**
 * The paper's statistics over a `groups × methods` score table: Friedman, then pairwise Wilcoxon
 * signed-rank tests (Pratt) with Holm's correction at `alpha`, and the cliques of methods that are
 * not significantly different, in average-rank order.
 */
export function compareMethods(scores: readonly (readonly number[])[], alpha = 0.05): MethodComparison {
  const friedman = friedmanTest(scores);
  const k = scores[0].length;
  const raw: { a: number; b: number; pValue: number }[] = [];
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      raw.push({ a, b, pValue: wilcoxonSignedRank(scores.map((r) => r[a]), scores.map((r) => r[b])).pValue });
    }
  }
  const corrected = holm(raw.map((r) => r.pValue), alpha);
  const pairs = raw.map((r, i) => ({ ...r, adjustedPValue: corrected.adjusted[i], significant: corrected.rejected[i] }));
  const different = (a: number, b: number) => pairs.some((p) => ((p.a === a && p.b === b) || (p.a === b && p.b === a)) && p.significant);
  const order = friedman.averageRanks.map((r, i) => [r, i] as const).sort((x, y) => x[0] - y[0]).map(([, i]) => i);
  // Contiguous runs in rank order whose members are pairwise not different; keep maximal ones.
  const cliques: number[][] = [];
  for (let start = 0; start < order.length; start++) {
    let end = start;
    while (end + 1 < order.length && order.slice(start, end + 1).every((m) => !different(m, order[end + 1]))) end++;
    if (end > start) {
      const clique = order.slice(start, end + 1);
      if (!cliques.some((c) => clique.every((m) => c.includes(m)))) cliques.push(clique);
    }
  }
  return { friedman, pairs, cliques };
}
