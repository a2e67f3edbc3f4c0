import { Imprinter, type ImprintConfig, type ImprintConfigInput, type Registry } from '@imprint/core';
import type { EmbeddingSet } from './embedding-set.js';
import { accuracy, confusionMatrix, f1Scores } from './metrics.js';

/** One evaluated configuration, the result schema shared by the CLI and result files. */
export interface RunResult {
  /** The fully resolved config, extra keys (such as `name`) carried through. */
  readonly config: ImprintConfig;
  /** Train labels in class-index order. */
  readonly classes: number[];
  /** Percent correct on the test set (0–100). */
  readonly accuracy: number;
  /** Support-weighted one-vs-rest F1, in percent. */
  readonly f1Weighted: number;
  /** One-vs-rest F1 per class in class-index order, in percent. */
  readonly perClassF1: number[];
  /** `confusion[t][p]`: test samples of class index t predicted as p (class indices as in `classes`). */
  readonly confusion: number[][];
  readonly timings: { readonly generateMs: number; readonly predictMs: number };
}

/**
 * Predict `test` with an imprinted head and score it: labels map to the head's class indices;
 * test samples of a label the head does not know count as errors.
 */
export function scoreHead(head: Imprinter, test: EmbeddingSet): { classes: number[]; accuracy: number; f1Weighted: number; perClassF1: number[]; confusion: number[][] } {
  const predicted = head.predictIndices({ data: test.embeddings, shape: test.shape });
  const classes = head.classes as number[];
  const indexOf = new Map(classes.map((label, i) => [label, i]));
  const truth = Int32Array.from(test.labels, (label) => indexOf.get(label) ?? -1);
  const f1 = f1Scores(truth, predicted, classes.length);
  return { classes, accuracy: accuracy(truth, predicted), f1Weighted: f1.weighted, perClassF1: f1.perClass, confusion: confusionMatrix(truth, predicted, classes.length) };
}

/**
 * Imprint `train` with `config` and evaluate on `test`. Labels map to class indices in ascending
 * label order; test samples of a label absent from train count as errors.
 */
export async function evaluateConfig(train: EmbeddingSet, test: EmbeddingSet, config: ImprintConfigInput | ImprintConfig, registry: Registry): Promise<RunResult> {
  const head = Imprinter.fromConfig(config, registry);
  try {
    const generateStart = performance.now();
    // The head lives only for this call, so it may use the train rows in place (see groupByLabel).
    await head.imprint({ data: train.embeddings, shape: train.shape }, Array.from(train.labels), { borrow: true });
    const generateMs = performance.now() - generateStart;
    const predictStart = performance.now();
    const scores = scoreHead(head, test);
    const predictMs = performance.now() - predictStart;
    return { config: head.config, ...scores, timings: { generateMs, predictMs } };
  } finally {
    head.dispose();
  }
}
