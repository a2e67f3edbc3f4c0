import type * as tf from '@tensorflow/tfjs-core';
import type { Kernels } from './kernels.js';
import type { PluginBase } from './plugin.js';

/** Where in the pipeline a normalizer runs: before GEN, on stored proxies, or on queries. */
export type NormStage = 'pre' | 'post' | 'inf';

export interface NormalizerContext {
  /**
   * The weights already stored for earlier classes, `[p, d]`, or undefined when none are
   * (NORMpost only). Quantile normalisation maps onto their value distribution.
   */
  readonly reference?: tf.Tensor2D;
  /** The engine's kernels (empty or absent without an engine: compute with tf.js or on the host). */
  readonly kernels?: Kernels;
}

/**
 * NORM: maps a matrix `[n, d]` to a matrix of the same shape. Returns a new tensor owned by the
 * caller, also when it changes nothing. `stages` lists where the normalizer is meaningful; config
 * validation rejects it elsewhere (quantile needs a reference and is NORMpost only).
 */
export interface Normalizer extends PluginBase<'normalizer'> {
  readonly stages: readonly NormStage[];
  /**
   * True when each output row depends only on that input row (and the context's reference): then
   * normalizing rows added later equals normalizing them together with the rows before, which
   * `Imprinter.addExamples` needs to grow a class in place (none, l2 and quantile are row-wise).
   */
  readonly rowWise?: boolean;
  normalize(matrix: tf.Tensor2D, context?: NormalizerContext): tf.Tensor2D;
}
