/**
 * Holm's step-down correction: which of the hypotheses with `pValues` are rejected at family-wise
 * level `alpha`, and the adjusted p-values (monotone, capped at 1).
 */
export function holm(pValues: readonly number[], alpha = 0.05): { rejected: boolean[]; adjusted: number[] } {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const rejected = new Array<boolean>(m).fill(false);
  const adjusted = new Array<number>(m).fill(1);
  let running = 0;
  let stillRejecting = true;
  order.forEach(([p, i], step) => {
    running = Math.max(running, Math.min(1, (m - step) * p));
    adjusted[i] = running;
    if (stillRejecting && p <= alpha / (m - step)) rejected[i] = true;
    else stillRejecting = false;
  });
  return { rejected, adjusted };
}
