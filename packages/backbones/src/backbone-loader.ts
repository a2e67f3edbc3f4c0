import type { Backbone } from '@imprint/core';
import { loadBackbone } from './load-backbone.js';

/**
 * Where backbones come from: the tf.js backbones of this package, or an engine's (the
 * `@imprint/onnx` package's run the same models natively). `name` is part of the embedding cache
 * key, since engines agree only within float rounding.
 */
export interface BackboneLoader {
  readonly name: string;
  /** Batch size that suits the loader's backbones. */
  readonly batchSize?: number;
  /** Extra identity of a backbone for cache keys (e.g. the hash of a model file), if its name is not enough. */
  identity?(name: string): string | undefined;
  load(name: string, inputSize?: number): Promise<Backbone>;
}

/** The tf.js backbones of this package (embedded FMs and raw pixels); `embedImages` spreads them over worker threads. */
export const tfjsBackbones: BackboneLoader = { name: 'tfjs', batchSize: 32, load: loadBackbone };
