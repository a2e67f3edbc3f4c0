const shown = new Set<string>();

/**
 * Print `message` through `sink` the first time this process sees it, and never again: a
 * warning that applies to every run of a grid is shown once, not once per run.
 */
export function warnOnce(message: string, sink: (message: string) => void = (text) => console.warn(text)): void {
  if (shown.has(message)) return;
  shown.add(message);
  sink(message);
}
