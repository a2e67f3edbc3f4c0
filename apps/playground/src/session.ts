import * as tf from '@tensorflow/tfjs-core';
import { Imprinter, ImprintError, deserializeImprinter, serializeImprinter, type ImprintConfigInput, type Label, type PresetName, type Registry } from '@imprint/core';
import { localHeadBuilder, type HeadBuilder } from './head-builder.js';
import { packRows } from './imprint-jobs.js';
import type { LeaveOneOutResult } from './leave-one-out.js';

export { methodName, type LeaveOneOutResult } from './leave-one-out.js';

/** One class of the playground: its name and the embeddings of its examples. */
export interface PlaygroundClass {
  readonly name: string;
  readonly examples: Float32Array[];
  /** Small previews (data URLs) of the examples, for the page. */
  readonly thumbnails: string[];
}

/** A prediction: the winning class and every class's score. */
export interface Prediction {
  readonly label: string;
  readonly scores: { label: string; score: number }[];
}

/** The five methods of the paper's Table 1, as presets. */
export const TABLE1_PRESETS: readonly PresetName[] = ['qi2018', 'hosoda2024', 'janson2022', 'imprintKmeans', 'leastSquaresOracle'];

/**
 * What the playground holds: classes of example embeddings, the method config, and the head
 * imprinted from them (rebuilt on every change). No DOM here: the page and the tests drive it.
 * Heads are imprinted by a {@link HeadBuilder}: on the calling thread by default, in the page's
 * Web Worker when the page gives one. Changes that imprint run one after another, in the order
 * they were asked for; the head in use stays until its successor is ready.
 */
export class PlaygroundSession {
  readonly #registry: Registry;
  #builder: HeadBuilder;
  readonly #classes = new Map<string, PlaygroundClass>();
  #config: ImprintConfigInput = { preset: 'qi2018' };
  #head: Imprinter | undefined;
  /** A head loaded from a file: used as it is until the classes or the method change. */
  #loaded = false;
  /** The changes that imprint, one after another. */
  #queue: Promise<unknown> = Promise.resolve();
  /** Bumped when the head is replaced outright (load, reset): a head still being imprinted for the old state is dropped. */
  #epoch = 0;

  constructor(registry: Registry, builder: HeadBuilder = localHeadBuilder(registry)) {
    this.#registry = registry;
    this.#builder = builder;
  }

  get registry(): Registry {
    return this.#registry;
  }

  /** Where heads are imprinted (the page's thread, a Web Worker). */
  get imprintsIn(): string {
    return this.#builder.where;
  }

  /** Imprint elsewhere from now on (the page's worker started, or stopped). */
  useBuilder(builder: HeadBuilder): void {
    this.#builder = builder;
  }

  get classes(): PlaygroundClass[] {
    return [...this.#classes.values()];
  }

  get config(): ImprintConfigInput {
    return { ...this.#config };
  }

  get head(): Imprinter | undefined {
    return this.#head;
  }

  /** Stored proxies per class label of the current head. */
  proxyCounts(): Map<string, number> {
    const head = this.#head;
    if (head === undefined) return new Map();
    const counts = head.proxyCounts;
    return new Map(head.classes.map((label, i) => [String(label), counts[i]]));
  }

  addClass(name: string): void {
    const trimmed = name.trim();
    if (trimmed === '') throw new ImprintError('INVALID_INPUT', 'a class needs a name');
    if (this.#classes.has(trimmed)) throw new ImprintError('CLASS_EXISTS', `there is already a class "${trimmed}"`);
    this.#classes.set(trimmed, { name: trimmed, examples: [], thumbnails: [] });
  }

  removeClass(name: string): Promise<void> {
    return this.#inTurn(() => {
      this.#classes.delete(name);
      return this.#rebuild();
    });
  }

  addExample(name: string, embedding: Float32Array, thumbnail = ''): Promise<void> {
    return this.addExamples(name, [embedding], [thumbnail]);
  }

  /**
   * Add several examples to a class and imprint once (not once per example). A head loaded from a
   * file grows its class in place where its GEN allows (mean: running mean; all: appended; a head
   * saved with kept examples: any GEN), keeping the other classes' weights; otherwise the head is
   * rebuilt from the page's examples. Nothing is added when an example is invalid.
   */
  addExamples(name: string, embeddings: readonly Float32Array[], thumbnails: readonly string[] = []): Promise<void> {
    return this.#inTurn(async () => {
      const target = this.#classes.get(name);
      if (target === undefined) throw new ImprintError('UNKNOWN_CLASS', `no class "${name}"; classes: ${[...this.#classes.keys()].join(', ') || 'none'}`);
      if (embeddings.length === 0) return;
      const dim = (this.#firstExample() ?? embeddings[0]).length;
      const odd = embeddings.findIndex((e) => e.length !== dim);
      if (odd >= 0) throw new ImprintError('DIMENSION_MISMATCH', `example ${odd} has ${embeddings[odd].length} dimensions, the others ${dim}`);
      const before = target.examples.length;
      target.examples.push(...embeddings);
      target.thumbnails.push(...embeddings.map((_, i) => thumbnails[i] ?? ''));
      const head = this.#head;
      if (this.#loaded && head !== undefined && head.hasClass(name)) {
        const epoch = this.#epoch;
        const { data, shape } = packRows(embeddings, []);
        try {
          const grown = await this.#builder.addExamples(head, name, { data, shape });
          if (epoch === this.#epoch) this.#head = grown;
          else grown.dispose();
          return;
        } catch (error) {
          if (!(error instanceof ImprintError && error.code === 'EXAMPLES_NOT_KEPT')) {
            target.examples.length = before;
            target.thumbnails.length = before;
            throw error;
          }
        }
      }
      await this.#rebuild();
    });
  }

  /** Whether adding an example to class `name` grows the loaded head in place (else: a rebuild from the page's examples). */
  growsInPlace(name: string): boolean {
    return this.#loaded && this.#head !== undefined && this.#head.hasClass(name);
  }

  /** Change the method (a preset and/or keys); validated by the registry before anything changes. */
  setConfig(config: ImprintConfigInput): Promise<void> {
    return this.#inTurn(() => {
      Imprinter.fromConfig(config, this.#registry).dispose(); // throws INVALID_CONFIG before the change
      this.#config = { ...config };
      return this.#rebuild();
    });
  }

  /** Imprint every class that has examples with the current method. */
  rebuild(): Promise<void> {
    return this.#inTurn(() => this.#rebuild());
  }

  /** Class scores of one embedding with the current head (undefined: no head yet). */
  predict(embedding: Float32Array): Prediction | undefined {
    const head = this.#head;
    if (head === undefined) return undefined;
    const scores = head.scores({ data: embedding, shape: [1, embedding.length] });
    const values = scores.dataSync();
    scores.dispose();
    const labels = head.classes.map(String);
    let best = 0;
    for (let c = 1; c < values.length; c++) if (values[c] > values[best]) best = c;
    return { label: labels[best], scores: labels.map((label, c) => ({ label, score: values[c] })) };
  }

  /**
   * Leave-one-out accuracy (percent) and confusion matrix of each method on the examples: every
   * example is predicted by a head imprinted from all the others (a class left without examples
   * counts as an error). Runs where heads are imprinted (the worker, when the page has one).
   */
  leaveOneOut(methods: readonly ImprintConfigInput[] = TABLE1_PRESETS.map((preset) => ({ preset }))): Promise<LeaveOneOutResult[]> {
    const { embeddings, labels } = this.#trainingSet();
    return this.#builder.leaveOneOut(packRows(embeddings, labels), methods);
  }

  /** The head as the binary file Node writes (`saveImprinter`). */
  save(): Uint8Array {
    if (this.#head === undefined) throw new ImprintError('NO_CLASSES', 'nothing to save yet: add examples to a class first');
    return serializeImprinter(this.#head);
  }

  /**
   * Use a saved head (from Node or this page). Its classes replace the page's (without examples:
   * predictions come from the loaded weights until examples are added or the method changes).
   */
  load(bytes: Uint8Array, source = 'the file'): void {
    this.adopt(deserializeImprinter(bytes, this.#registry, source));
  }

  /** Use a head loaded elsewhere (a file, the browser's IndexedDB); the session owns it from now on. */
  adopt(head: Imprinter): void {
    this.#replaceHead(head);
    this.#loaded = true;
    this.#classes.clear();
    for (const label of head.classes) this.#classes.set(String(label), { name: String(label), examples: [], thumbnails: [] });
    const { name: _name, meta: _meta, ...config } = head.config as ImprintConfigInput;
    this.#config = config;
  }

  /** Forget every class, example and the head (a new foundation model: the old embeddings do not fit). */
  reset(): void {
    this.#replaceHead(undefined);
    this.#classes.clear();
  }

  /** True while the head in use came from a file. */
  get loaded(): boolean {
    return this.#loaded;
  }

  dispose(): void {
    this.#replaceHead(undefined);
  }

  #replaceHead(head: Imprinter | undefined): void {
    this.#epoch++;
    if (this.#head !== head) this.#head?.dispose();
    this.#head = head;
    this.#loaded = false;
  }

  /** Run `change` after the changes asked for before it (a failed one does not stop the next). */
  #inTurn<T>(change: () => Promise<T> | T): Promise<T> {
    const turn = this.#queue.then(change, change);
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  async #rebuild(): Promise<void> {
    const { embeddings, labels } = this.#trainingSet();
    if (labels.length === 0) {
      this.#replaceHead(undefined);
      return;
    }
    const epoch = this.#epoch;
    let head: Imprinter;
    try {
      head = await this.#builder.imprint(this.#config, packRows(embeddings, labels));
    } catch (error) {
      if (epoch === this.#epoch) this.#replaceHead(undefined); // no head rather than one of an older state
      throw error;
    }
    if (epoch !== this.#epoch) {
      head.dispose(); // loaded or reset while this head was imprinted
      return;
    }
    this.#replaceHead(head);
  }

  #firstExample(): Float32Array | undefined {
    for (const c of this.#classes.values()) if (c.examples.length > 0) return c.examples[0];
    return undefined;
  }

  /** Every example with its class name, classes in order. */
  #trainingSet(): { embeddings: Float32Array[]; labels: Label[] } {
    const embeddings: Float32Array[] = [];
    const labels: Label[] = [];
    for (const c of this.#classes.values()) {
      for (const e of c.examples) {
        embeddings.push(e);
        labels.push(c.name);
      }
    }
    return { embeddings, labels };
  }
}

/** Dispose helper for the page: numTensors must not grow as the user works. */
export function tensorCount(): number {
  return tf.memory().numTensors;
}
