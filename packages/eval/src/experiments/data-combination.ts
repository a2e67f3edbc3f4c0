import { ImprintError } from '@imprint/core';

/** What joins the data sets of a combination in a run's `dataset` key: `mnist + fashion_mnist`. */
export const COMBINATION_SEPARATOR = ' + ';

/** The data sets a run's `dataset` key names: one, or the parts of a combination. */
export function combinationParts(dataset: string): string[] {
  return dataset.split(COMBINATION_SEPARATOR);
}

/**
 * The `dataset` key of a grid entry: a name, or a list of names combined into one data set (their
 * labels offset one after another, as the reference's `datasets: [["MNIST", "MNIST-M", …]]`).
 * A name inside a combination must not itself contain the separator.
 */
export function combinationName(entry: string | readonly string[], source = 'grid'): string {
  if (typeof entry === 'string') return entry;
  if (!Array.isArray(entry) || entry.length === 0 || !entry.every((name) => typeof name === 'string' && name.length > 0)) {
    throw new ImprintError('INVALID_CONFIG', `${source}: a data set combined from several is a non-empty list of names, got ${JSON.stringify(entry)}`);
  }
  const odd = entry.find((name) => name.includes(COMBINATION_SEPARATOR));
  if (odd !== undefined) throw new ImprintError('INVALID_CONFIG', `${source}: ${JSON.stringify(odd)} contains "${COMBINATION_SEPARATOR}", which joins the parts of a combined data set; rename or link that folder`);
  return entry.join(COMBINATION_SEPARATOR);
}

/** How a run's data is named in reports and messages: its data set, and its label remapping's name when it has one. */
export function dataLabel(keys: { dataset: string; remap?: string }): string {
  return keys.remap === undefined ? keys.dataset : `${keys.dataset} [${keys.remap}]`;
}
