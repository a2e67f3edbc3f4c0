import type * as tf from '@tensorflow/tfjs-core';
import type { Kernels } from './kernels.js';
import type { PluginBase } from './plugin.js';
import type { Rng } from '../util/rng.js';

/** What a generator gets besides the embeddings. */
export interface GeneratorContext {
  /** Proxies wanted per class; -1 means "every sample". */
  readonly k: number;
  /** Seeded randomness; class-scoped generators get one stream per class label. */
  readonly rng: Rng;
  /** The engine's kernels (empty without an engine: compute with tf.js). */
  readonly kernels?: Kernels;
}

/**
 * GEN for one class at a time: from that class's (NORMpre-normalised) embeddings `[n, d]` to its
 * proxies `[p, d]`. The returned tensor is new and owned by the caller; the input is not disposed.
 * The Imprinter applies the reference's shared rule before calling it: `k = -1`, or a class with
 * fewer than `k` samples, stores every sample and never reaches the generator.
 */
export interface ClassGenerator extends PluginBase<'generator'> {
  readonly scope: 'class';
  /** True when the output does not depend on the rng: runs differing only by seed may share it. */
  readonly deterministic?: boolean;
  /**
   * How a class's proxies grow when examples are added (`Imprinter.addExamples`) without the head
   * keeping the examples: `'mean'` — the single proxy is the mean of the class's rows, so the head
   * keeps a running sum and count; `'rows'` — the proxies are the rows themselves, so new rows are
   * appended. Absent: the class is re-generated from its kept examples (`keepExamples`), or adding
   * fails with `EXAMPLES_NOT_KEPT`.
   */
  readonly extend?: 'mean' | 'rows';
  generate(embeddings: tf.Tensor2D, context: GeneratorContext): tf.Tensor2D | Promise<tf.Tensor2D>;
}

/**
 * GEN that needs every class at once (least squares): from the embeddings of all classes, in
 * class order, to each class's proxies, in the same order.
 */
export interface JointGenerator extends PluginBase<'generator'> {
  readonly scope: 'joint';
  /** True when the output does not depend on the rng. */
  readonly deterministic?: boolean;
  generate(classes: readonly tf.Tensor2D[], context: GeneratorContext): tf.Tensor2D[] | Promise<tf.Tensor2D[]>;
}

export type Generator = ClassGenerator | JointGenerator;
