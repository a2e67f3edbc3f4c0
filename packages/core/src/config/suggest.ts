/** Edit distance (insertions, deletions, substitutions; case differences count half). */
function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j];
      const same = a[i - 1] === b[j - 1] ? 0 : a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0.5 : 1;
      previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + same);
      diagonal = above;
    }
  }
  return previous[b.length];
}

/**
 * The candidate closest to `input` when it is close enough to be a likely typo (a case
 * difference, a missing or extra plural "s", or at most two edits for longer names), else
 * undefined.
 */
export function closestName(input: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(input, candidate);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.min(best.length, input.length) <= 3 ? 1 : 2;
  return bestDistance <= limit ? best : undefined;
}

/** `' (did you mean "k"?)'` when a close candidate exists, else `''`. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const match = closestName(input, candidates);
  return match === undefined ? '' : ` (did you mean ${JSON.stringify(match)}?)`;
}
