import * as tf from '@tensorflow/tfjs-core';
import type { ImprintConfig, ImprintConfigInput } from '../config/config.js';
import { ImprintError } from '../util/errors.js';
import type { JointGenerator } from '../contracts/generator.js';
import { labelKey, sortedUniqueLabels, type Label } from './labels.js';
import { assertDimension, cloneTensor, hostMatrixOf, tensorFromHost, toHostMatrix, toTensor2D, type EmbeddingInput } from '../compute/matrix.js';
import { CONFIDENCE_MEASURES, SCORE_CONFIDENCE_MEASURES, UNKNOWN, checkRejection, confidenceOf, distanceConfidence, type ConfidenceMeasure, type Rejection, type Unknown } from './open-set.js';
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
  readonly prepared?: tf.Tensor2D;
  /** With `keepExamples`: the class's train embeddings as given (before presampling and NORMpre), row-major. */
  readonly examples?: Float32Array;
  /** Generators that extend by their mean: the column sums (float64) and number of the class's NORMpre rows. */
  readonly running?: RunningMean;
}

/** The state a `mean`-like generator's class grows from: column sums of its NORMpre rows and their number. */
export interface RunningMean {
  readonly count: number;
  readonly sum: Float64Array;
}

/** What a head keeps of a class besides its weights (see {@link Imprinter.classState}). */
export interface ClassState {
  /** The kept train embeddings `[rows × dim]`, row-major (with `keepExamples`). */
  readonly examples?: Float32Array;
  readonly running?: RunningMean;
}

/** Rows a head keeps at most with `keepExamples: true` (about 490 MiB at d = 1280). */
export const KEEP_EXAMPLES_MAX_ROWS = 100_000;

/** Options of a head (besides its pipeline). */
export interface HeadOptions {
  /**
   * Keep every class's train embeddings (as given, before presampling), so that
   * {@link Imprinter.addExamples} and {@link Imprinter.removeExamples} can re-generate any GEN
   * exactly, and saved heads carry them. `true` keeps up to {@link KEEP_EXAMPLES_MAX_ROWS} rows over
   * all classes; `{ maxRows }` sets the bound. Adding past it fails with `EXAMPLES_LIMIT`, changing
   * nothing. @default false
   */
  readonly keepExamples?: boolean | { readonly maxRows?: number };
}

function keptRowBound(option: HeadOptions['keepExamples']): number | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return KEEP_EXAMPLES_MAX_ROWS;
  const maxRows = option.maxRows ?? KEEP_EXAMPLES_MAX_ROWS;
  if (!Number.isInteger(maxRows) || maxRows < 1) throw new ImprintError('INVALID_CONFIG', `keepExamples.maxRows must be a positive integer, got ${JSON.stringify(maxRows) ?? String(maxRows)}`, { maxRows });
  return maxRows;
}

/** Column sums (float64) of a row-major `[rows, dim]` buffer, added to `into` (default: zeros). */
function columnSums(values: Float32Array, rows: number, dim: number, into = new Float64Array(dim)): Float64Array {
  for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) into[j] += values[r * dim + j];
  return into;
}

function concatRows(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
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
  /** With `keepExamples`: the most rows kept over all classes. */
  readonly #keepRows: number | undefined;

  /** Presampling, NORMpre, k and GEN per class, with the checks on what plugins return. */
  readonly #generation: ClassGeneration;

  constructor(pipeline: Pipeline, options: HeadOptions = {}) {
    requireBackend(); // a forgotten tf.js backend: one typed line now, not tf.js's error mid-imprint
    this.pipeline = pipeline;
    this.#generation = new ClassGeneration(pipeline);
    this.#keepRows = keptRowBound(options.keepExamples);
  }

  /** Resolve `config` through `registry` and make an empty head (`keepExamples`: see {@link HeadOptions}). */
  static fromConfig(config: ImprintConfigInput | ImprintConfig, registry: Registry, options: ResolveOptions & HeadOptions = {}): Imprinter {
    const { keepExamples, ...resolve } = options;
    return new Imprinter(resolvePipeline(config, registry, resolve), keepExamples === undefined ? {} : { keepExamples });
  }

  /** The bound on kept rows when the head keeps its examples, else undefined. */
  get keepExamples(): { readonly maxRows: number } | undefined {
    return this.#keepRows === undefined ? undefined : { maxRows: this.#keepRows };
  }

  /** Train rows kept over all classes (0 unless the head keeps its examples). */
  get keptRows(): number {
    return this.#dim === undefined ? 0 : this.#classes.reduce((n, c) => n + (c.examples?.length ?? 0), 0) / this.#dim;
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
        throw new ImprintError('CLASS_EXISTS', `class ${JSON.stringify(label)} is already imprinted; remove it first (or grow it with addExamples)`, { label });
      }
    }
    let kept: (Float32Array | undefined)[];
    try {
      kept = this.#keptCopies(perClass);
    } catch (error) {
      perClass.forEach((c) => c.embeddings.dispose());
      throw error;
    }
    await this.#exclusive('imprint()', () => this.#insert(perClass.map((c, i) => ({ ...c, examples: kept[i] }))));
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
    this.#store({ label }, cloneTensor(proxies));
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
        throw new ImprintError('CLASS_EXISTS', `class ${JSON.stringify(label)} is already imprinted; grow it with addExamples, or remove it first to re-imprint it`, { label });
      }
    } catch (error) {
      data.dispose();
      throw error;
    }
    let kept: (Float32Array | undefined)[];
    try {
      kept = this.#keptCopies([{ embeddings: data }]);
    } catch (error) {
      data.dispose();
      throw error;
    }
    await this.#exclusive(`addClass(${JSON.stringify(label)})`, () => this.#insert([{ label, embeddings: data, examples: kept[0] }]));
    return this;
  }

  /**
   * Add train examples to a class that exists, with the semantics of its GEN:
   * - the head keeps its examples (`keepExamples`): the class is generated again from all of them
   *   (presampling, NORMpre, k and GEN as in {@link Imprinter.imprint}, the same seeded stream), so
   *   the result equals imprinting every example at once — for any GEN, joint ones (`ls`, `kls`)
   *   re-solving for every class;
   * - a generator that extends by its mean (`mean`): the running mean of the class's NORMpre rows
   *   (equal to imprinting all at once up to float rounding) — needs a row-wise NORMpre, no
   *   presampling, and a class stored as its mean (not every sample under the k rule);
   * - a generator whose proxies are the rows (`all`): the new rows are appended — needs row-wise
   *   NORMpre and NORMpost and no presampling;
   * - a joint generator (`ls`, `kls`) without presampling: the new rows join the class and every
   *   class is solved again (a head loaded from a file keeps no rows unless it kept its examples);
   * - anything else (`kmeans`, `kmedoids`, `fps`, `cov_max`, `random`, …) fails with
   *   `EXAMPLES_NOT_KEPT`: create the head with `{ keepExamples: true }`.
   *
   * The class keeps its place; NORMpost sees the classes stored before it (as when it was first
   * stored), and classes after it keep their weights (as with {@link Imprinter.removeClass}).
   * Nothing changes when it fails.
   */
  async addExamples(label: Label, embeddings: EmbeddingInput): Promise<this> {
    this.#assertUsable();
    const index = this.#requireIndex(label);
    const host = toHostMatrix(embeddings, `new examples of class ${JSON.stringify(label)}`, this.pipeline.kernels);
    if (host.rows === 0) throw new ImprintError('EMPTY_CLASS', `no examples given to add to class ${JSON.stringify(label)}`, { label });
    this.#checkDim(host.dim, `new examples of class ${JSON.stringify(label)}`);
    const added = host.values.slice(0, host.rows * host.dim);
    await this.#exclusive(`addExamples(${JSON.stringify(label)})`, () => this.#grow(index, added, host.rows));
    return this;
  }

  /**
   * Remove kept examples of a class by their row index among its kept examples (0 = the first
   * imprinted; rows added later follow in order), then generate the class again from the rest
   * (as {@link Imprinter.addExamples} does with kept examples). Needs `keepExamples`; removing every
   * row fails (use {@link Imprinter.removeClass}).
   */
  async removeExamples(label: Label, rows: readonly number[]): Promise<this> {
    this.#assertUsable();
    const index = this.#requireIndex(label);
    const stored = this.#classes[index];
    const dim = this.#dim!;
    if (stored.examples === undefined) throw this.#notKept(label, 'removing examples needs the examples themselves');
    const count = stored.examples.length / dim;
    const drop = new Set<number>();
    for (const row of rows) {
      if (!Number.isInteger(row) || row < 0 || row >= count) throw new ImprintError('INVALID_INPUT', `row ${JSON.stringify(row)} is not a kept example of class ${JSON.stringify(label)}: it has rows 0 to ${count - 1}`, { label, row });
      drop.add(row);
    }
    if (drop.size === 0) return this;
    if (drop.size === count) throw new ImprintError('EMPTY_CLASS', `removing all ${count} examples of class ${JSON.stringify(label)} would leave it empty; use removeClass`, { label });
    const rest = new Float32Array((count - drop.size) * dim);
    for (let r = 0, at = 0; r < count; r++) if (!drop.has(r)) rest.set(stored.examples.subarray(r * dim, (r + 1) * dim), (at++) * dim);
    await this.#exclusive(`removeExamples(${JSON.stringify(label)})`, () => this.#regenerateFromExamples(index, rest));
    return this;
  }

  /** A copy of the kept train examples of a class `[rows, d]` (caller disposes); fails unless the head keeps examples. */
  examplesOf(label: Label): tf.Tensor2D {
    this.#assertUsable();
    const stored = this.#classes[this.#requireIndex(label)];
    if (stored.examples === undefined) throw this.#notKept(label, 'its examples were not kept');
    return tensorFromHost(stored.examples.slice(), stored.examples.length / this.#dim!, this.#dim!);
  }

  /**
   * What the head keeps of a class besides its weights: its examples (with `keepExamples`) and the
   * running mean of a `mean`-like generator. Saved heads carry it (format 3). Arrays are the head's own: do not change them.
   */
  classState(label: Label): ClassState {
    const stored = this.#classes[this.#requireIndex(label)];
    return { ...(stored.examples === undefined ? {} : { examples: stored.examples }), ...(stored.running === undefined ? {} : { running: stored.running }) };
  }

  #requireIndex(label: Label): number {
    const index = this.#indexOf(label);
    if (index < 0) {
      throw new ImprintError('UNKNOWN_CLASS', `class ${JSON.stringify(label)} is not imprinted; imprinted classes: ${this.classes.map((l) => JSON.stringify(l)).join(', ') || '(none)'}`, { label });
    }
    return index;
  }

  #notKept(label: Label, why: string): ImprintError {
    return new ImprintError(
      'EXAMPLES_NOT_KEPT',
      `cannot change the examples of class ${JSON.stringify(label)}: ${why}; create the head with { keepExamples: true } (Imprinter.fromConfig(config, registry, { keepExamples: true })) so that it keeps every class's train embeddings and re-generates the class from them`,
      { label, generator: this.pipeline.generator.name },
    );
  }

  /** With keepExamples: a copy of each class's rows, after checking the bound (nothing changes when it is passed). */
  #keptCopies(batch: readonly { embeddings: tf.Tensor2D }[]): (Float32Array | undefined)[] {
    if (this.#keepRows === undefined) return batch.map(() => undefined);
    this.#checkKeptBound(batch.reduce((n, c) => n + c.embeddings.shape[0], 0));
    return batch.map((c) => hostMatrixOf(c.embeddings).values.slice());
  }

  #checkKeptBound(adding: number): void {
    const total = this.keptRows + adding;
    if (total > this.#keepRows!) {
      throw new ImprintError('EXAMPLES_LIMIT', `keeping ${adding} more train rows would make ${total}, past this head's bound keepExamples.maxRows = ${this.#keepRows}; raise it ({ keepExamples: { maxRows: ${total} } }) or remove examples first`, { adding, total, maxRows: this.#keepRows });
    }
  }

  /** For `mean`-like generators without presampling and with a row-wise NORMpre: record a class's running mean from its prepared rows. */
  #runningObserver(set: (running: RunningMean) => void): ((prepared: tf.Tensor2D, storesAll: boolean) => void) | undefined {
    const { generator, presamplers, normPre } = this.pipeline;
    if (generator.scope !== 'class' || generator.extend !== 'mean' || presamplers.length > 0 || normPre.rowWise !== true) return undefined;
    return (prepared, storesAll) => {
      if (!storesAll) set({ count: prepared.shape[0], sum: columnSums(hostMatrixOf(prepared).values, prepared.shape[0], prepared.shape[1]) });
    };
  }

  /** addExamples: grow class `index` by `added` (`rows` × dim) by the rule its GEN allows. */
  async #grow(index: number, added: Float32Array, rows: number): Promise<void> {
    const stored = this.#classes[index];
    const { label } = stored;
    const { generator, presamplers, normPre, normPost } = this.pipeline;
    const dim = this.#dim!;
    if (stored.examples !== undefined) {
      this.#checkKeptBound(rows);
      return this.#regenerateFromExamples(index, concatRows(stored.examples, added));
    }
    const presampled = presamplers.length > 0 ? `presampling (${presamplers.map((p) => p.name).join(', ')}) draws from all of a class's examples at once` : undefined;
    if (generator.scope === 'joint') {
      if (presampled !== undefined) throw this.#notKept(label, presampled);
      if (normPre.rowWise !== true) throw this.#notKept(label, `NORMpre "${normPre.name}" is not row-wise`);
      if (stored.prepared === undefined) throw this.#notKept(label, `generator "${generator.name}" solves for all classes jointly and this head (loaded from a file) holds only weights`);
      const more = this.#generation.prepare(label, tensorFromHost(added, rows, dim));
      const prepared = tf.concat([stored.prepared, more]) as tf.Tensor2D;
      more.dispose();
      try {
        await this.#regenerateJoint(this.#classes.map((c, i) => (i === index ? { ...c, prepared } : c)));
      } catch (error) {
        prepared.dispose();
        throw error;
      }
      stored.prepared.dispose();
      return;
    }
    if (generator.extend === 'mean') {
      if (presampled !== undefined) throw this.#notKept(label, presampled);
      if (stored.running === undefined) {
        throw this.#notKept(label, `its proxies are not a running mean (NORMpre "${normPre.name}"${normPre.rowWise === true ? '' : ' is not row-wise'}; k = ${String(this.config.k)} may have stored every sample; or the head was loaded without its running state)`);
      }
      const more = this.#normalizePre(label, added, rows);
      const sum = columnSums(hostMatrixOf(more).values, rows, dim, Float64Array.from(stored.running.sum));
      more.dispose();
      const count = stored.running.count + rows;
      const meanRow = new Float32Array(dim);
      for (let j = 0; j < dim; j++) meanRow[j] = sum[j] / count;
      this.#replace(index, { label, running: { count, sum } }, tensorFromHost(meanRow, 1, dim));
      return;
    }
    if (generator.extend === 'rows') {
      if (presampled !== undefined) throw this.#notKept(label, presampled);
      if (normPre.rowWise !== true || normPost.rowWise !== true) throw this.#notKept(label, `appending rows needs a row-wise NORMpre and NORMpost ("${normPre.name}", "${normPost.name}")`);
      const more = this.#normalizePre(label, added, rows);
      let post: tf.Tensor2D;
      try {
        post = this.#normalizePost(index, label, more);
      } finally {
        more.dispose();
      }
      const current = this.#weights.rowsOf(index);
      const merged = tf.concat([current, post]) as tf.Tensor2D;
      current.dispose();
      post.dispose();
      this.#weights.replace(index, merged);
      return;
    }
    throw this.#notKept(label, `generator "${generator.name}" makes a class's proxies from all its examples at once`);
  }

  /** Generate class `index` again from `examples` (its full kept rows) and put it in place. */
  async #regenerateFromExamples(index: number, examples: Float32Array): Promise<void> {
    const stored = this.#classes[index];
    const { label } = stored;
    const dim = this.#dim!;
    const rows = examples.length / dim;
    if (this.pipeline.generator.scope === 'joint') {
      if (this.#classes.some((c, i) => i !== index && c.prepared === undefined)) throw this.#notKept(label, `generator "${this.pipeline.generator.name}" solves for all classes jointly, and other classes of this head (loaded from a file) hold only weights`);
      const prepared = this.#generation.prepare(label, tensorFromHost(examples, rows, dim));
      try {
        await this.#regenerateJoint(this.#classes.map((c, i) => (i === index ? { ...c, prepared, examples } : c)));
      } catch (error) {
        prepared.dispose();
        throw error;
      }
      stored.prepared?.dispose();
      return;
    }
    let running: RunningMean | undefined;
    const raw = await this.#generation.generate(label, tensorFromHost(examples, rows, dim), this.#runningObserver((r) => (running = r)));
    this.#replace(index, { label, examples, ...(running === undefined ? {} : { running }) }, raw);
  }

  /** NORMpre of rows added to a class (a new tensor; the rows are not kept). */
  #normalizePre(label: Label, added: Float32Array, rows: number): tf.Tensor2D {
    const input = tensorFromHost(added, rows, this.#dim!);
    try {
      return this.#generation.checkNormalized('pre', this.pipeline.normPre.normalize(input, { kernels: this.pipeline.kernels }), `new examples of class ${JSON.stringify(label)}`);
    } finally {
      input.dispose();
    }
  }

  /**
   * NORMpost of new proxies of class `index` against the classes stored before it (its reference
   * when first stored; `index` = the number of classes: a class being appended). The reference is
   * made only when the normalizer reads it (quantile does, l2 does not): for an appended class the
   * packed weights themselves, for a class in place the rows before it.
   */
  #normalizePost(index: number, label: Label, raw: tf.Tensor2D): tf.Tensor2D {
    const weights = this.#weights;
    const kernels = this.pipeline.kernels;
    let slice: tf.Tensor2D | undefined;
    const reference = () => {
      if (index === weights.numClasses) return weights.proxySet().weights;
      // kept: the normalizer may read it inside its own tf.tidy
      slice ??= tf.keep(weights.rowsBefore(index)!);
      return slice;
    };
    const context = index === 0 ? { kernels } : { kernels, get reference() { return reference(); } };
    try {
      return this.#generation.checkNormalized('post', this.pipeline.normPost.normalize(raw, context), `class ${JSON.stringify(label)}`);
    } finally {
      slice?.dispose();
    }
  }

  /** Put new raw proxies (consumed) of class `index` in place, NORMpost against the classes before it. */
  #replace(index: number, entry: StoredClass, raw: tf.Tensor2D): void {
    let proxies: tf.Tensor2D;
    try {
      this.#generation.checkGenerated(entry.label, raw, this.#dim!);
      proxies = this.#normalizePost(index, entry.label, raw);
    } finally {
      raw.dispose();
    }
    this.#weights.replace(index, proxies);
    this.#classes[index] = entry;
  }

  /**
   * Remove a class and its proxies. For class-scoped generators the other classes keep their
   * weights exactly as they were (also under quantile NORMpost, whose reference was fixed when
   * they were stored); joint generators (least squares) re-solve for the remaining classes.
   */
  async removeClass(label: Label): Promise<this> {
    this.#assertUsable();
    const index = this.#requireIndex(label);
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
    const { indices, confidence } = this.#predictWithConfidence(queries, by);
    return Array.from(indices, (i, r) => (confidence[r] < threshold ? UNKNOWN : labels[i]));
  }

  /**
   * Confidence of the prediction per query row (see {@link ConfidenceMeasure}: `score`, `margin`,
   * `share`, and for distance-based aggregators such as `mnn` `distance` and `distance-margin`).
   */
  confidence(queries: EmbeddingInput, by: ConfidenceMeasure = 'score'): Float64Array {
    return this.#predictWithConfidence(queries, by).confidence;
  }

  /** Predicted class indices and their confidence under `by`. */
  #predictWithConfidence(queries: EmbeddingInput, by: ConfidenceMeasure): { indices: Int32Array; confidence: Float64Array } {
    if (!CONFIDENCE_MEASURES.includes(by)) throw new ImprintError('INVALID_CONFIG', `confidence measure must be one of ${CONFIDENCE_MEASURES.join(', ')}, got ${JSON.stringify(by)}`);
    const { aggregator } = this.pipeline;
    if (!SCORE_CONFIDENCE_MEASURES.includes(by) && aggregator.classDistances === undefined) {
      throw new ImprintError('UNSUPPORTED', `confidence "${by}" needs a distance-based aggregator (one with classDistances, such as mnn); "${aggregator.name}" gives scores only: use score, margin or share`, { by, aggregator: aggregator.name });
    }
    const scores = this.scores(queries);
    let indices: Int32Array;
    let values: ArrayLike<number>;
    const [rows, columns] = scores.shape;
    try {
      values = scores.dataSync();
      indices = argmaxRows(values, rows, columns);
    } finally {
      scores.dispose();
    }
    if (by !== 'distance' && by !== 'distance-margin') return { indices, confidence: confidenceOf(values, rows, columns, by) };
    const data = toTensor2D(queries, 'query embeddings', this.pipeline.kernels);
    const normalized = this.#generation.checkNormalized('inf', this.pipeline.normInf.normalize(data, { kernels: this.pipeline.kernels }), 'the query embeddings');
    data.dispose();
    try {
      const distances = aggregator.classDistances!(normalized, this.#weights.proxySet(), { kernels: this.pipeline.kernels });
      try {
        return { indices, confidence: distanceConfidence(distances.dataSync(), indices, rows, columns, by) };
      } finally {
        distances.dispose();
      }
    } finally {
      normalized.dispose();
    }
  }

  /** A copy of the stored weights of one class `[p, d]` (caller disposes). */
  proxiesOf(label: Label): tf.Tensor2D {
    this.#assertUsable();
    return this.#weights.rowsOf(this.#requireIndex(label));
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
  restoreClass(label: Label, proxies: tf.Tensor2D, state: ClassState = {}): void {
    this.#assertUsable();
    validateLabel(label, 'class label');
    if (this.hasClass(label)) throw new ImprintError('CLASS_EXISTS', `class ${JSON.stringify(label)} is already imprinted`, { label });
    this.#checkDim(proxies.shape[1], `weights of class ${JSON.stringify(label)}`);
    const dim = proxies.shape[1];
    const { examples, running } = state;
    if (examples !== undefined && (examples.length === 0 || examples.length % dim !== 0)) throw new ImprintError('INVALID_INPUT', `kept examples of class ${JSON.stringify(label)} hold ${examples.length} values, not a positive multiple of d = ${dim}`, { label });
    if (running !== undefined && (running.sum.length !== dim || !Number.isInteger(running.count) || running.count < 1)) throw new ImprintError('INVALID_INPUT', `the running mean of class ${JSON.stringify(label)} must have ${dim} sums and a positive count`, { label });
    if (examples !== undefined && this.#keepRows !== undefined) this.#checkKeptBound(examples.length / dim);
    // A joint generator's class is prepared again from its kept examples, so the head can re-solve.
    const prepared = examples !== undefined && this.pipeline.generator.scope === 'joint' ? this.#generation.prepare(label, tensorFromHost(examples, examples.length / dim, dim)) : undefined;
    this.#classes.push({ label, ...(prepared === undefined ? {} : { prepared }), ...(examples === undefined ? {} : { examples }), ...(running === undefined ? {} : { running }) });
    this.#weights.append(cloneTensor(proxies));
    this.#dim = dim;
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

  /** NORMpost of one class's new proxies against the weights stored before it, then append `entry`; consumes `raw`. */
  #store(entry: StoredClass, raw: tf.Tensor2D): void {
    const { label } = entry;
    this.#generation.checkGenerated(label, raw, this.#dim!);
    let proxies: tf.Tensor2D;
    try {
      proxies = this.#normalizePost(this.#weights.numClasses, label, raw);
    } finally {
      raw.dispose();
    }
    this.#classes.push(entry);
    this.#weights.append(proxies);
  }

  async #insert(batch: { label: Label; embeddings: tf.Tensor2D; examples?: Float32Array | undefined }[]): Promise<void> {
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
            const { label, embeddings, examples } = batch[index];
            const prepared = this.#generation.prepare(label, embeddings);
            added.push(examples === undefined ? { label, prepared } : { label, prepared, examples });
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
      const running: (RunningMean | undefined)[] = [];
      const generated = batch.map(({ label, embeddings }, i) => this.#generation.generate(label, embeddings, this.#runningObserver((r) => (running[i] = r))));
      index = batch.length;
      const settled = await Promise.allSettled(generated);
      const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failure !== undefined) {
        for (const s of settled) if (s.status === 'fulfilled') s.value.dispose();
        throw failure.reason;
      }
      settled.forEach((s, i) => {
        const { label, examples } = batch[i];
        this.#store({ label, ...(examples === undefined ? {} : { examples }), ...(running[i] === undefined ? {} : { running: running[i] }) }, (s as PromiseFulfilledResult<tf.Tensor2D>).value);
      });
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
    classes.forEach((c, i) => this.#store(c, raw[i]));
  }
}
