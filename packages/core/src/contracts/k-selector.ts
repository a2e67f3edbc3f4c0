import type * as tf from '@tensorflow/tfjs-core';
import type { Kernels } from './kernels.js';
import type { PluginBase } from './plugin.js';
import type { Rng } from '../util/rng.js';

/** What a k selector gets besides the class's embeddings. */
export interface KSelectorContext {
  /** The largest k it may return (config `kMax`). */
  readonly kMax: number;
  /** Seeded randomness, one stream per class label. */
  readonly rng: Rng;
  /** The engine's kernels (empty without an engine). */
  readonly kernels?: Kernels;
}

/**
 * Chooses a class's number of proxies from its own (NORMpre-normalised) embeddings `[n, d]` when a
 * config says `k: 'auto'`: returns an integer in [1, kMax]. The Imprinter then applies the shared
 * rule (fewer samples than k: every sample) and calls the class-scoped generator with that k.
 */
export interface KSelector extends PluginBase<'kselector'> {
  choose(embeddings: tf.Tensor2D, context: KSelectorContext): number | Promise<number>;
}
