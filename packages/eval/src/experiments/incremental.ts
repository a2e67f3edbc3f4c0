import { Imprinter, ImprintError, type ImprintConfigInput, type Registry } from '@imprint/core';
import type { EmbeddingSet } from '../embedding-set.js';
import { requireClasses, rowsWhere } from './protocol-data.js';

export interface IncrementalOptions {
  readonly train: EmbeddingSet;
  readonly test: EmbeddingSet;
  /** Classes arriving task after task (e.g. `[[3, 7], [0, 9], …]`). */
  readonly tasks: readonly (readonly number[])[];
  readonly config: ImprintConfigInput;
  readonly registry: Registry;
  readonly seed?: number;
}

export interface IncrementalResult {
  /** Accuracy (percent) after task t on the test samples of every class seen so far. */
  readonly accuracy: number[];
  /** `[t][j]`: accuracy after task t on the test samples of task j's classes (j ≤ t), among all classes seen. */
  readonly taskAccuracy: number[][];
  /** Mean of `accuracy` over the tasks (average incremental accuracy). */
  readonly averageIncrementalAccuracy: number;
  /** Mean over the earlier tasks of the drop from their best accuracy to their final one (Chaudhry et al. 2018). */
  readonly forgetting: number;
  /** Proxies stored after each task. */
  readonly proxies: number[];
  /** Milliseconds to add each task's classes. */
  readonly msPerTask: number[];
}

/** Class orders for the incremental protocol: order 0 is ascending, others seeded shuffles. */
export function classOrder(classes: readonly number[], order: number, shuffle: (n: number) => number): number[] {
  const out = [...classes].sort((a, b) => a - b);
  if (order === 0) return out;
  for (let i = out.length - 1; i > 0; i--) {
    const j = shuffle(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * The class-incremental protocol for one method: the head starts empty and grows with `addClass`
 * as each task's classes arrive; after every task it is tested on the test samples of all classes
 * seen so far. Joint generators (least squares) re-solve on every added class, i.e. re-fit on all
 * seen data — the upper bound.
 */
export async function runIncremental({ train, test, tasks, config, registry, seed = 0 }: IncrementalOptions): Promise<IncrementalResult> {
  if (tasks.length === 0 || tasks.some((t) => t.length === 0)) throw new ImprintError('INVALID_INPUT', 'tasks must be a non-empty list of non-empty class lists');
  const all = tasks.flat();
  if (new Set(all).size !== all.length) throw new ImprintError('INVALID_INPUT', `a class may arrive in one task only, got ${JSON.stringify(tasks)}`);
  requireClasses(train, all, 'the train set');
  requireClasses(test, all, 'the test set');
  const head = Imprinter.fromConfig({ ...config, seed }, registry);
  const accuracy: number[] = [];
  const taskAccuracy: number[][] = [];
  const proxies: number[] = [];
  const msPerTask: number[] = [];
  const taskOf = new Map<number, number>();
  tasks.forEach((t, i) => t.forEach((c) => taskOf.set(c, i)));
  try {
    for (let t = 0; t < tasks.length; t++) {
      const began = performance.now();
      for (const c of tasks[t]) {
        const rows = rowsWhere(train, (label) => label === c);
        await head.addClass(c, { data: rows.embeddings, shape: rows.shape });
      }
      msPerTask.push(performance.now() - began);
      proxies.push(head.proxyCounts.reduce((a, b) => a + b, 0));
      const seen = rowsWhere(test, (label) => (taskOf.get(label) ?? Infinity) <= t);
      const predicted = head.predict({ data: seen.embeddings, shape: seen.shape });
      const correct = new Array<number>(t + 1).fill(0);
      const total = new Array<number>(t + 1).fill(0);
      seen.labels.forEach((label, r) => {
        const j = taskOf.get(label)!;
        total[j]++;
        if (predicted[r] === label) correct[j]++;
      });
      accuracy.push((100 * correct.reduce((a, b) => a + b, 0)) / seen.labels.length);
      taskAccuracy.push(correct.map((c, j) => (100 * c) / total[j]));
    }
  } finally {
    head.dispose();
  }
  const last = tasks.length - 1;
  let forgetting = 0;
  for (let j = 0; j < last; j++) {
    let best = -Infinity;
    for (let l = j; l < last; l++) best = Math.max(best, taskAccuracy[l][j]);
    forgetting += best - taskAccuracy[last][j];
  }
  return {
    accuracy,
    taskAccuracy,
    averageIncrementalAccuracy: accuracy.reduce((a, b) => a + b, 0) / accuracy.length,
    forgetting: last === 0 ? 0 : forgetting / last,
    proxies,
    msPerTask,
  };
}
