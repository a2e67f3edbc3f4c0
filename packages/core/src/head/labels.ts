/** A class label as users give it: any integer or string, not necessarily contiguous. */
export type Label = number | string;

/**
 * The order in which classes are indexed: numbers ascending before strings in code-point
 * order. Train and test labels map to class indices in this order.
 */
export function compareLabels(a: Label, b: Label): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Distinct labels in {@link compareLabels} order. */
export function sortedUniqueLabels(labels: Iterable<Label>): Label[] {
  return [...new Set(labels)].sort(compareLabels);
}

/** A key that tells `1` and `'1'` apart. */
export function labelKey(label: Label): string {
  return `${typeof label === 'number' ? 'n' : 's'}:${label}`;
}
