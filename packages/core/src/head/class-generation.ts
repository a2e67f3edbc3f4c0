import type * as tf from '@tensorflow/tfjs-core';
import { cloneTensor, firstNonFinite, hostMatrixOf } from '../compute/matrix.js';
import { K_MAX_DEFAULT } from '../config/config.js';
import type { Pipeline } from '../config/pipeline.js';
import type { ClassGenerator } from '../contracts/generator.js';
import { ImprintError } from '../util/errors.js';
import { createRng, deriveSeed, type Rng } from '../util/rng.js';
import { labelKey, type Label } from './labels.js';

/**
 * The generation side of a head, one class at a time: presampling, NORMpre, the shared k rule
 * (k = −1 or fewer samples than k: every sample), k selection and GEN, with the checks on what the
 * plugins return. Random choices use one seeded stream per class label, so a class's proxies do not
 * depend on the other classes or on the order they come in.
 */
export class ClassGeneration {
  constructor(private readonly pipeline: Pipeline) {}

  /** The seeded stream of one class (forked per step: presample, choose-k, generate). */
  rngOf(label: Label): Rng {
    return createRng(deriveSeed(this.pipeline.config.seed, labelKey(label)));
  }

  /** Presampling then NORMpre, for one class; consumes `embeddings`. */
  prepare(label: Label, embeddings: tf.Tensor2D): tf.Tensor2D {
    let current = embeddings;
    const rng = this.rngOf(label).fork('presample');
    for (const presampler of this.pipeline.presamplers) {
      const next = presampler.select(current, { rng });
      current.dispose();
      current = next;
      if (current.shape[0] === 0) {
        current.dispose();
        throw new ImprintError('EMPTY_CLASS', `presampling "${presampler.name}" left class ${JSON.stringify(label)} without samples`, { label });
      }
    }
    try {
      return this.checkNormalized('pre', this.pipeline.normPre.normalize(current, { kernels: this.pipeline.kernels }), `class ${JSON.stringify(label)}`);
    } finally {
      current.dispose();
    }
  }

  /**
   * Presampling, NORMpre, the shared k rule and GEN for one class (class-scoped generators); consumes
   * `embeddings`. `observe` sees the prepared rows and whether the k rule stored them all, before GEN.
   */
  async generate(label: Label, embeddings: tf.Tensor2D, observe?: (prepared: tf.Tensor2D, storesAll: boolean) => void): Promise<tf.Tensor2D> {
    const { generator, config } = this.pipeline;
    const prepared = this.prepare(label, embeddings);
    try {
      const k = config.k === 'auto' ? await this.#chooseK(label, prepared) : config.k;
      const useAll = k === -1 || prepared.shape[0] < k;
      observe?.(prepared, useAll);
      return useAll ? cloneTensor(prepared) : await (generator as ClassGenerator).generate(prepared, { k, rng: this.rngOf(label).fork('generate'), kernels: this.pipeline.kernels });
    } finally {
      prepared.dispose();
    }
  }

  /**
   * A normalizer's output must be finite: a NaN there (a plugin dividing by zero) would otherwise
   * predict class 0 for every query, silently. Disposes the output and throws when it is not.
   */
  checkNormalized(stage: 'pre' | 'post' | 'inf', output: tf.Tensor2D, what: string): tf.Tensor2D {
    const key = stage === 'pre' ? 'normPre' : stage === 'post' ? 'normPost' : 'normInf';
    const host = hostMatrixOf(output);
    const at = firstNonFinite(host.values, host.dim, this.pipeline.kernels);
    if (at < 0) return output;
    output.dispose();
    const row = Math.floor(at / host.dim);
    throw new ImprintError('NON_FINITE', `normalizer "${this.pipeline[key].name}" (NORM${stage}) produced a non-finite value for ${what}, at row ${row}, column ${at - row * host.dim}`, { stage, row });
  }

  /** What a generator returned for a class: `[p ≥ 1, dim]`, every value finite. */
  checkGenerated(label: Label, proxies: tf.Tensor2D, dim: number): void {
    if (proxies.rank !== 2 || proxies.shape[1] !== dim || proxies.shape[0] < 1) {
      throw new ImprintError('INVALID_INPUT', `generator "${this.pipeline.generator.name}" returned shape [${proxies.shape.join(', ')}] for class ${JSON.stringify(label)}; expected [p ≥ 1, ${dim}]`);
    }
    const at = firstNonFinite(hostMatrixOf(proxies).values);
    if (at >= 0) {
      throw new ImprintError('NON_FINITE', `generator "${this.pipeline.generator.name}" produced a non-finite weight for class ${JSON.stringify(label)}`, { label });
    }
  }

  /** k of one class under `k: 'auto'`: the pipeline's selector, checked to be an integer in [1, kMax]. */
  async #chooseK(label: Label, prepared: tf.Tensor2D): Promise<number> {
    const selector = this.pipeline.kSelector!;
    const kMax = typeof this.pipeline.config.kMax === 'number' ? this.pipeline.config.kMax : K_MAX_DEFAULT;
    const k = await selector.choose(prepared, { kMax, rng: this.rngOf(label).fork('choose-k'), kernels: this.pipeline.kernels });
    if (!Number.isInteger(k) || k < 1 || k > kMax) throw new ImprintError('INTERNAL', `k selector "${selector.name}" chose k = ${k} for class ${JSON.stringify(label)}; it must be an integer from 1 to kMax = ${kMax}`, { label, k });
    return k;
  }
}
