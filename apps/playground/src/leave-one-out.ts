import { Imprinter, describeConfig, parseConfig, type ImprintConfigInput, type Label, type Registry } from '@imprint/core';

/** One method's leave-one-out result on the page's examples. */
export interface LeaveOneOutResult {
  readonly method: string;
  /** Percent of the examples predicted right by a head imprinted from all the others. */
  readonly accuracy: number;
  readonly examples: number;
  /** Class names with examples, in the order of `confusion`'s rows and columns. */
  readonly classes: readonly string[];
  /** `confusion[true][predicted]` counts over the examples. */
  readonly confusion: readonly (readonly number[])[];
  /** Per class: examples that could not be predicted (their class had no other example). */
  readonly unpredicted: readonly number[];
}

/** Examples as one row-major matrix `[n, d]` with a class name per row. */
export interface LabelledRows {
  readonly data: Float32Array;
  readonly shape: readonly [number, number];
  readonly labels: readonly Label[];
}

/** A method config's name as reports and the CLI print it (`describeConfig`): its preset, or its pipeline and options. */
export function methodName(config: ImprintConfigInput, registry: Registry): string {
  return describeConfig(parseConfig(config, registry), registry);
}

/**
 * Leave-one-out accuracy (percent) and confusion matrix of each method: every example is predicted
 * by a head imprinted from all the others (an example whose class has no other example counts as
 * an error and as unpredicted). Classes in order of first appearance. The same on the page and in
 * the playground's worker.
 */
export async function leaveOneOut(rows: LabelledRows, methods: readonly ImprintConfigInput[], registry: Registry): Promise<LeaveOneOutResult[]> {
  const [n, dim] = rows.shape;
  const labels = rows.labels.map(String);
  const classes = [...new Set(labels)];
  const index = new Map(classes.map((name, i) => [name, i]));
  const asArrays = Array.from({ length: n }, (_, i) => Array.from(rows.data.subarray(i * dim, (i + 1) * dim)));
  const out: LeaveOneOutResult[] = [];
  for (const method of methods) {
    let correct = 0;
    const confusion = classes.map(() => classes.map(() => 0));
    const unpredicted = classes.map(() => 0);
    for (let i = 0; i < n; i++) {
      const truth = index.get(labels[i])!;
      const restLabels = labels.filter((_, j) => j !== i);
      if (!restLabels.includes(labels[i])) {
        unpredicted[truth]++;
        continue;
      }
      const rest = asArrays.filter((_, j) => j !== i);
      const head = Imprinter.fromConfig(method, registry);
      try {
        await head.imprint(rest, restLabels);
        const predicted = String(head.predict([asArrays[i]!])[0]);
        confusion[truth][index.get(predicted)!]++;
        if (predicted === labels[i]) correct++;
      } finally {
        head.dispose();
      }
    }
    out.push({ method: methodName(method, registry), accuracy: n === 0 ? 0 : (100 * correct) / n, examples: n, classes, confusion, unpredicted });
  }
  return out;
}
