/**
 * Rows per block when scoring `queries` against `proxies` so that one block's `[rows, proxies]`
 * score matrix stays within `budgetElements` float32 values (64 MiB at the default).
 */
export function rowsPerBlock(queries: number, proxies: number, budgetElements = 16 * 1024 * 1024): number {
  return Math.max(1, Math.min(queries, Math.floor(budgetElements / Math.max(proxies, 1))));
}
