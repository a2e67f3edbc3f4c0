import * as tf from '@tensorflow/tfjs-core';
import type { ImprintConfig, ImprintConfigInput } from '../config/config.js';
import { ImprintError } from '../util/errors.js';
import type { JointGenerator } from '../contracts/generator.js';
import { labelKey, sortedUniqueLabels, type Label } from './labels.js';
import { assertDimension, cloneTensor, tensorFromHost, toHostMatrix, toTensor2D, type EmbeddingInput } from '../compute/matrix.js';
import { UNKNOWN, checkRejection, confidenceOf, type ConfidenceMeasure, type Rejection, type Unknown } from './open-set.js';
import { resolvePipeline, type Pipeline, type ResolveOptions } from '../config/pipeline.js';
import type { ProxySet } from '../contracts/proxy-set.js';
import { WeightStore } from './weight-store.js';
import { ClassGeneration } from './class-generation.js';
import { requireBackend } from '../runtime/tfjs-backend.js';
import type { Registry } from '../config/registry.js';
import { createRng, deriveSeed } from '../util/rng.js';

interface StoredClass {
  readonly label: Label;
  /** Joint generators only: the class's prepared (presampled, NORMpre) train embeddings. */
  prepared?: tf.Tensor2D;
}

function validateLabel(label: unknown, position: string): Label {
  if ((typeof label === 'number' && Number.isFinite(label)) || (typeof label === 'string' && label.length > 0)) return label;
  throw new ImprintError('INVALID_INPUT', `${position} must be a finite number or a non-empty string, got ${JSON.stringify(label) ?? String(label)}`);
}

/** Index of the first maximum of each row of a row-major `[rows, columns]` buffer. */
export function argmaxRows(values: ArrayLike<number>, rows: number, columns: number): Int32Array {
  const result = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bestValue = values[r * columns];
    for (let c = 1; c < columns; c++) {
      const value = values[r * columns + c];
      if (value > bestValue) {
        bestValue = value;
        best = c;
      }
    }
    result[r] = best;
  }
  return result;
}

/** Options of {@link Imprinter.imprint} and {@link Imprinter.generateRaw}. */
export interface ImprintOptions {
  /**
   * Use the rows of each class in place, without a copy, where they are consecutive in
   * `embeddings` (train data grouped by label): the head and the tensors it returns may keep
   * views of `embeddings`, so the caller must not change them while those live. Classes whose
   * rows are scattered are copied as usual. @default false
   */
  borrow?: boolean;
}

/**
 * An imprinted classification head on top of a frozen embedding model.
 *
 * Classes are kept in insertion order; {@link Imprinter.imprint} inserts a batch of classes in
 * ascending label order (numbers before strings), so imprinting all classes at once and adding
 * them one by one in that order give the same head, bit for bit — random choices use one seeded
 * stream per class label, independent of the other classes. `scores` columns follow `classes`.
 *
 * @example
 * const head = Imprinter.fromConfig({ gen: 'mean' }, registry);
 * await head.imprint(trainEmbeddings, trainLabels);
 * const labels = head.predict(testEmbeddings);
 * head.dispose();
 */
export class Imprinter {
  readonly pipeline: Pipeline;
  #classes: StoredClass[] = [];
  /** The stored weights (after NORMpost), one packed tensor, classes in `#classes` order. */
  readonly #weights = new WeightStore();
  #dim: number | undefined;
  #disposed = false;
  /** The asynchronous change in progress (imprint, addClass, removeClass), if any. */
  #busy: string | undefined;

  /** Presampling, NORMpre, k and GEN per class, with the checks on what plugins return. */
  readonly #generation: ClassGeneration;

  constructor(pipeline: Pipeline) {
    requireBackend(); // a forgotten tf.js backend: one typed line now, not tf.js's error mid-imprint
    this.pipeline = pipeline;
    this.#generation = new ClassGeneration(pipeline);
  }

  /** Resolve `config` through `registry` and make an empty head. */
  static fromConfig(config: ImprintConfigInput | ImprintConfig, registry: Registry, options: ResolveOptions = {}): Imprinter {
    return new Imprinter(resolvePipeline(config, registry, options));
  }

  get config(): ImprintConfig {
    return this.pipeline.config;
  }

  /** Class labels in class-index order. */
  get classes(): Label[] {
    return this.#classes.map((c) => c.label);
  }

  get numClasses(): number {
    return this.#classes.length;
  }

  /** Embedding dimension, fixed by the first class imprinted. */
  get dim(): number | undefined {
    return this.#dim;
  }

  /** Number of stored proxies per class, in class order. */
  get proxyCounts(): number[] {
    return this.#weights.counts;
  }

  hasClass(label: Label): boolean {
    return this.#indexOf(label) >= 0;
  }

  /**
   * Imprint every class found in `labels` from the rows of `embeddings` with that label, in
   * ascending label order after the classes already stored. Labels may be any integers or
   * strings. Fails if a label is already stored (remove it first).
   */
  async imprint(embeddings: EmbeddingInput, labels: ArrayLike<Label>, options: ImprintOptions = {}): Promise<this> {
    this.#assertUsable();
    const perClass = this.#splitByLabel(embeddings, labels, options);
    for (const { label } of perClass) {
      if (this.hasClass(label)) {
        perClass.forEach((c) => c.embeddings.dispose());
        throw new ImprintError('CLASS_EXISTS', `class ${JSON.stringify(label)} is already imprinted; remove it first to re-imprint it`, { label });
      }
    }
    await this.#exclusive('imprint()', () => this.#insert(perClass));
    return this;
  }

  /**
   * GEN without storing: the raw proxies (before NORMpost) this head's pipeline makes for each
   * class of `embeddings`, in ascending label order. With {@link Imprinter.storeGenerated} this
   * lets experiment grids compute proxies once and reuse them across NORMpost/NORMinf/AGG
   * settings. Tensors are owned by the caller.
   */
  async generateRaw(embeddings: EmbeddingInput, labels: ArrayLike<Label>, options: ImprintOptions = {}): Promise<{ label: Label; proxies: tf.Tensor2D }[]> {
    this.#assertUsable();
    const perClass = this.#splitByLabel(embeddings, labels, options);
    const { generator, config } = this.pipeline;
    if (generator.scope === 'joint') {
      const prepared: tf.Tensor2D[] = [];
      try {
        for (const c of perClass) prepared.push(this.#generation.prepare(c.label, c.embeddings));
        const raw = await generator.generate(prepared, { k: config.k as number, rng: createRng(deriveSeed(config.seed, 'joint')), kernels: this.pipeline.kernels });
        return perClass.map((c, i) => ({ label: c.label, proxies: raw[i] }));
      } finally {
        prepared.forEach((t) => t.dispose());
      }
    }
    const settled = await Promise.allSettled(perClass.map((c) => this.#generation.generate(c.label, c.embeddings)));
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure !== undefined) {
      for (const s of settled) if (s.status === 'fulfilled') s.value.dispose();
      throw failure.reason;
    }
    return settled.map((s, i) => ({ label: perClass[i].label, proxies: (s as PromiseFulfilledResult<tf.Tensor2D>).value }));
  }

  /**
   * Store raw proxies of a new class (from {@link Imprinter.generateRaw}): NORMpost against the
   * weights stored so far, then append. `proxies` is not disposed.
   */
  storeGenerated(label: Label, proxies: tf.Tensor2D): void {
    this.#assertUsable();
    validateLabel(label, 'class label');
    if (this.hasClass(label)) throw new ImprintError('CLASS_EXISTS', `class ${JSON.stringify(label)} is already imprinted`, { label });
    this.#checkDim(proxies.shape[1], `proxies of class ${JSON.stringify(label)}`);
    this.#dim ??= proxies.shape[1];
    this.#store(label, cloneTensor(proxies));
  }

  /**
   * Validate train embeddings and labels and split them into per-class tensors, labels ascending.
   * Each class's rows are copied, except with `borrow` where they are consecutive: then the
   * tensor is made from a view of them.
   */
  #splitByLabel(embeddings: EmbeddingInput, labels: ArrayLike<Label>, { borrow = false }: ImprintOptions): { label: Label; embeddings: tf.Tensor2D }[] {
    const { values, rows, dim } = toHostMatrix(embeddings, 'train embeddings', this.pipeline.kernels);
    if (labels.length !== rows) {
      throw new ImprintError('INVALID_INPUT', `got ${labels.length} labels for ${rows} train embeddings; they must match`, { labels: labels.length, rows });
    }
    if (rows === 0) throw new ImprintError('EMPTY_CLASS', 'train embeddings are empty: there is no class to imprint');
    this.#checkDim(dim, 'train embeddings');
    const rowsByClass = new Map<string, { label: Label; rows: number[] }>();
    for (let i = 0; i < rows; i++) {
      const label = validateLabel(labels[i], `label ${i}`);
      const key = labelKey(label);
      let group = rowsByClass.get(key);
      if (group === undefined) rowsByClass.set(key, (group = { label, rows: [] }));
      group.rows.push(i);
    }
    const ordered = sortedUniqueLabels([...rowsByClass.values()].map((g) => g.label));
    // Each class becomes a tensor from host memory (tf.gather is slow on the WASM backend).
    return ordered.map((label) => {
      const members = rowsByClass.get(labelKey(label))!.rows;
      const first = members[0];
      const last = members[members.length - 1];
      if (borrow && last - first + 1 === members.length) {
        return { label, embeddings: tensorFromHost(values.subarray(first * dim, (last + 1) * dim), members.length, dim) };
      }
      const rowsOfClass = new Float32Array(members.length * dim);
      members.forEach((row, r) => rowsOfClass.set(values.subarray(row * dim, (row + 1) * dim), r * dim));
      return { label, embeddings: tensorFromHost(rowsOfClass, members.length, dim) };
    });
  }

  /** Imprint one more class. Equivalent to `imprint(embeddings, [label, label, …])`. */
  async addClass(label: Label, embeddings: EmbeddingInput): Promise<this> {
    this.#assertUsable();
    validateLabel(label, 'class label');
    const data = toTensor2D(embeddings, `train embeddings of class ${JSON.stringify(label)}`, this.pipeline.kernels);
    if (data.shape[0] === 0) {
      data.dispose();
      throw new ImprintError('EMPTY_CLASS', `class ${JSON.stringify(label)} has no train embeddings; a class needs at least one`, { label });
    }
    try {
      this.#checkDim(data.shape[1], `train embeddings of class ${JSON.stringify(label)}`);
      if (this.hasClass(label)) {
        throw new ImprintError('CLASS_EXISTS', `class ${JSON.stringify(label)} is already imprinted; remove it first to re-imprint it`, { label });
      }
    } catch (error) {
      data.dispose();
      throw error;
    }
    await this.#exclusive(`addClass(${JSON.stringify(label)})`, () => this.#insert([{ label, embeddings: data }]));
    return this;
  }

  /**
   * Remove a class and its proxies. For class-scoped generators the other classes keep their
   * weights exactly as they were (also under quantile NORMpost, whose reference was fixed when
   * they were stored); joint generators (least squares) re-solve for the remaining classes.
   */
  async removeClass(label: Label): Promise<this> {
    this.#assertUsable();
    const index = this.#indexOf(label);
    if (index < 0) {
      throw new ImprintError('UNKNOWN_CLASS', `class ${JSON.stringify(label)} is not imprinted; imprinted classes: ${this.classes.map((l) => JSON.stringify(l)).join(', ') || '(none)'}`, { label });
    }
    const joint = this.pipeline.generator.scope === 'joint';
    if (joint && this.#classes.length > 1 && this.#classes.some((c) => c.prepared === undefined)) {
      throw new ImprintError(
        'UNSUPPORTED',
        `generator "${this.pipeline.generator.name}" solves for all classes jointly and needs every class's train embeddings to re-solve without ${JSON.stringify(label)}; a restored head has only weights, so imprint the remaining classes again instead`,
        { label },
      );
    }
    await this.#exclusive(`removeClass(${JSON.stringify(label)})`, async () => {
      if (joint && this.#classes.length > 1) {
        // Re-solve without the class first; the head changes only when that succeeded.
        const removed = this.#classes[index];
        await this.#regenerateJoint(this.#classes.filter((_, i) => i !== index));
        removed.prepared?.dispose();
      } else {
        const [removed] = this.#classes.splice(index, 1);
        this.#weights.remove(index);
        removed.prepared?.dispose();
      }
      if (this.#classes.length === 0) this.#dim = undefined;
    });
    return this;
  }

  /** Class scores `[n, C]` for query embeddings (columns in `classes` order). Caller disposes. */
  scores(queries: EmbeddingInput): tf.Tensor2D {
    this.#assertUsable();
    if (this.#classes.length === 0) throw new ImprintError('NO_CLASSES', 'no class is imprinted yet: imprint at least one class before predicting');
    const data = toTensor2D(queries, 'query embeddings', this.pipeline.kernels);
    try {
      assertDimension(data.shape[1], this.#dim!, 'query embeddings', 'the stored weights');
      if (data.shape[0] === 0) return tf.zeros([0, this.#classes.length]) as tf.Tensor2D; // no query: nothing to score
      const normalized = this.#generation.checkNormalized('inf', this.pipeline.normInf.normalize(data, { kernels: this.pipeline.kernels }), 'the query embeddings');
      try {
        return this.pipeline.aggregator.scores(normalized, this.#weights.proxySet(), { kernels: this.pipeline.kernels });
      } finally {
        normalized.dispose();
      }
    } finally {
      data.dispose();
    }
  }

  /** Predicted class index (into `classes`) per query row; ties go to the lowest index. */
  predictIndices(queries: EmbeddingInput): Int32Array {
    const scores = this.scores(queries);
    try {
      const [rows, columns] = scores.shape;
      return argmaxRows(scores.dataSync(), rows, columns);
    } finally {
      scores.dispose();
    }
  }

  /**
   * Predicted label per query row. With `{ reject }`, a query whose confidence (`by`: the winning
   * score, or its margin over the runner-up) is below `reject.threshold` gets {@link UNKNOWN}
   * instead (open-set recognition; `calibrateRejection` sets the threshold).
   */
  predict(queries: EmbeddingInput): Label[];
  predict(queries: EmbeddingInput, options: { reject: Rejection }): (Label | Unknown)[];
  predict(queries: EmbeddingInput, options?: { reject?: Rejection }): (Label | Unknown)[] {
    const labels = this.classes;
    if (options?.reject === undefined) return Array.from(this.predictIndices(queries), (i) => labels[i]);
    const { threshold, by } = checkRejection(options.reject);
    const scores = this.scores(queries);
    try {
      const [rows, columns] = scores.shape;
      const values = scores.dataSync();
      const indices = argmaxRows(values, rows, columns);
      const confidence = confidenceOf(values, rows, columns, by);
      return Array.from(indices, (i, r) => (confidence[r] < threshold ? UNKNOWN : labels[i]));
    } finally {
      scores.dispose();
    }
  }

  /** Confidence of the prediction per query row (`score` or `margin`, see {@link Imprinter.predict}). */
  confidence(queries: EmbeddingInput, by: ConfidenceMeasure = 'score'): Float64Array {
    const scores = this.scores(queries);
    try {
      const [rows, columns] = scores.shape;
      return confidenceOf(scores.dataSync(), rows, columns, by);
    } finally {
      scores.dispose();
    }
  }

  /** A copy of the stored weights of one class `[p, d]` (caller disposes). */
  proxiesOf(label: Label): tf.Tensor2D {
    this.#assertUsable();
    const index = this.#indexOf(label);
    if (index < 0) throw new ImprintError('UNKNOWN_CLASS', `class ${JSON.stringify(label)} is not imprinted`, { label });
    return this.#weights.rowsOf(index);
  }

  /** All stored weights, grouped by class (tensors owned by the head; do not dispose). */
  weights(): ProxySet {
    this.#assertUsable();
    if (this.#classes.length === 0) throw new ImprintError('NO_CLASSES', 'no class is imprinted yet');
    return this.#weights.proxySet();
  }

  /**
   * Put already-computed weights into the head (used by deserialisation). Each class gets
   * `proxies` as its stored weights; nothing is normalised again.
   */
  restoreClass(label: Label, proxies: tf.Tensor2D): void {
    this.#assertUsable();
    validateLabel(label, 'class label');
    if (this.hasClass(label)) throw new ImprintError('CLASS_EXISTS', `class ${JSON.stringify(label)} is already imprinted`, { label });
    this.#checkDim(proxies.shape[1], `weights of class ${JSON.stringify(label)}`);
    this.#classes.push({ label });
    this.#weights.append(cloneTensor(proxies));
    this.#dim = proxies.shape[1];
  }

  /** Free every tensor the head holds. The head is unusable afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    for (const stored of this.#classes) stored.prepared?.dispose();
    this.#classes = [];
    this.#weights.clear();
    this.#disposed = true;
  }

  #assertUsable(): void {
    if (this.#disposed) throw new ImprintError('INVALID_INPUT', 'this Imprinter was disposed');
    if (this.#busy !== undefined) {
      throw new ImprintError('BUSY', `${this.#busy} is still running on this head; await it before using the head again`, { operation: this.#busy });
    }
  }

  /** Run an asynchronous change with the head marked busy, so that nothing sees it half done. */
  async #exclusive<T>(operation: string, body: () => Promise<T>): Promise<T> {
    this.#assertUsable();
    this.#busy = operation;
    try {
      return await body();
    } finally {
      this.#busy = undefined;
    }
  }

  #indexOf(label: Label): number {
    const key = labelKey(label);
    return this.#classes.findIndex((c) => labelKey(c.label) === key);
  }

  #checkDim(dim: number, what: string): void {
    if (this.#dim !== undefined) assertDimension(dim, this.#dim, what, 'the stored weights');
  }

  /** NORMpost of one class's new proxies against the weights stored before it; consumes `raw`. */
  #store(label: Label, raw: tf.Tensor2D, prepared?: tf.Tensor2D): void {
    this.#generation.checkGenerated(label, raw, this.#dim!);
    // The reference is packed only when the normalizer reads it (quantile does, l2 does not).
    const weights = this.#weights;
    const kernels = this.pipeline.kernels;
    const context = weights.numClasses === 0 ? { kernels } : { kernels, get reference() { return weights.proxySet().weights; } };
    let proxies: tf.Tensor2D;
    try {
      proxies = this.#generation.checkNormalized('post', this.pipeline.normPost.normalize(raw, context), `class ${JSON.stringify(label)}`);
    } finally {
      raw.dispose();
    }
    this.#classes.push(prepared === undefined ? { label } : { label, prepared });
    weights.append(proxies);
  }

  async #insert(batch: { label: Label; embeddings: tf.Tensor2D }[]): Promise<void> {
    const { generator } = this.pipeline;
    let index = 0;
    try {
      this.#dim ??= batch[0].embeddings.shape[1];
      if (generator.scope === 'joint') {
        if (this.#classes.some((c) => c.prepared === undefined)) {
          throw new ImprintError(
            'UNSUPPORTED',
            `generator "${generator.name}" solves for all classes jointly and needs the train embeddings of every stored class; a restored head has only weights, so imprint all classes again instead`,
          );
        }
        const added: StoredClass[] = [];
        try {
          for (; index < batch.length; index++) {
            const { label, embeddings } = batch[index];
            const prepared = this.#generation.prepare(label, embeddings);
            added.push({ label, prepared });
          }
          // The head changes only when the joint solve over old and new classes succeeded.
          await this.#regenerateJoint([...this.#classes, ...added]);
        } catch (error) {
          for (const c of added) c.prepared?.dispose();
          throw error;
        }
        return;
      }
      // All classes are generated concurrently (a generator may work off this thread, e.g.
      // k-means workers), then stored in order, each NORMpost seeing the classes before it.
      const generated = batch.map(({ label, embeddings }) => this.#generation.generate(label, embeddings));
      index = batch.length;
      const settled = await Promise.allSettled(generated);
      const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failure !== undefined) {
        for (const s of settled) if (s.status === 'fulfilled') s.value.dispose();
        throw failure.reason;
      }
      settled.forEach((s, i) => this.#store(batch[i].label, (s as PromiseFulfilledResult<tf.Tensor2D>).value));
    } finally {
      // A failure part-way leaves the classes stored so far; the rest is freed.
      for (let rest = index + 1; rest < batch.length; rest++) batch[rest].embeddings.dispose();
      if (this.#classes.length === 0) this.#dim = undefined;
    }
  }

  /**
   * Solve the joint generator for `classes` (by default every stored class) and make them the
   * stored classes. Nothing changes when the generator fails or returns unusable weights.
   */
  async #regenerateJoint(classes: StoredClass[] = this.#classes): Promise<void> {
    const generator = this.pipeline.generator as JointGenerator;
    const prepared = classes.map((c) => c.prepared!);
    const raw = await generator.generate(prepared, { k: this.pipeline.config.k as number, rng: createRng(deriveSeed(this.pipeline.config.seed, 'joint')), kernels: this.pipeline.kernels });
    try {
      if (raw.length !== classes.length) {
        throw new ImprintError('INVALID_INPUT', `generator "${generator.name}" returned ${raw.length} classes for ${classes.length}`);
      }
      classes.forEach((c, i) => this.#generation.checkGenerated(c.label, raw[i], this.#dim!));
    } catch (error) {
      raw.forEach((t) => t.dispose());
      throw error;
    }
    this.#weights.clear();
    this.#classes = [];
    classes.forEach((c, i) => this.#store(c.label, raw[i], c.prepared));
  }
}
