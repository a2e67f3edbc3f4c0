import { ImprintError } from '@imprint/core';

/**
 * Labelled embeddings as they are stored on disk: the reference layout of the IMPRINT code,
 * `embeddings` float32 `[n, d]` (row-major) and `labels` int32 `[n]`.
 */
export interface EmbeddingSet {
  readonly embeddings: Float32Array;
  readonly shape: readonly [rows: number, dim: number];
  readonly labels: Int32Array;
  /**
   * Names of the classes when the file's labels are strings: label `i` is `classNames[i]`
   * (sorted, as `np.unique` numbers them). Absent for integer labels.
   */
  readonly classNames?: readonly string[];
}

/**
 * Bring a test set's labels to the train set's numbering when labels are class names (string
 * labels are numbered per file, in sorted order, so a class missing from one file shifts the
 * numbers of the other). Test classes the train set lacks are numbered after the train set's
 * (they can only be predicted wrong). Integer labels on both sides are returned unchanged; names on
 * one side and integers on the other fail with `INVALID_INPUT`.
 */
export function alignClassNames(train: EmbeddingSet, test: EmbeddingSet, names: { train: string; test: string }): EmbeddingSet {
  if (train.classNames === undefined && test.classNames === undefined) return test;
  if (train.classNames === undefined || test.classNames === undefined) {
    const [named, numbered] = train.classNames === undefined ? [names.test, names.train] : [names.train, names.test];
    throw new ImprintError('INVALID_INPUT', `${named} labels its rows with class names (strings), ${numbered} with integers; give both files the same kind of labels`);
  }
  const all = [...train.classNames, ...test.classNames.filter((name) => !train.classNames!.includes(name))];
  const index = new Map(all.map((name, i) => [name, i]));
  const mapping = test.classNames.map((name) => index.get(name)!);
  return { ...test, labels: Int32Array.from(test.labels, (label) => mapping[label]), classNames: all };
}
