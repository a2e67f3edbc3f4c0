/**
 * Ranks of `values` (1 = the largest when `descending`, as for accuracies), ties sharing the
 * average of the ranks they span.
 */
export function averageRanks(values: readonly number[], descending = true): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => (descending ? b[0] - a[0] : a[0] - b[0]));
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1][0] === order[start][0]) end++;
    const rank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) ranks[order[i][1]] = rank;
    start = end + 1;
  }
  return ranks;
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
