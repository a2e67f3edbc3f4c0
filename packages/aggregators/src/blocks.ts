import { DEFAULT_BLOCK_ELEMENTS } from '@imprint/core';

/**
 * Rows per block when scoring `queries` against `proxies` so that one block's `[rows, proxies]`
 * score matrix stays within `budgetElements` float32 values (64 MiB at the default).
 */
export function rowsPerBlock(queries: number, proxies: number, budgetElements = DEFAULT_BLOCK_ELEMENTS): number {
  return Math.max(1, Math.min(queries, Math.floor(budgetElements / Math.max(proxies, 1))));
}
