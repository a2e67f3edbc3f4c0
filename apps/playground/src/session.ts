import * as tf from '@tensorflow/tfjs-core';
import { Imprinter, ImprintError, describeConfig, deserializeImprinter, parseConfig, serializeImprinter, type ImprintConfigInput, type Label, type PresetName, type Registry } from '@imprint/core';

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

/** One method's leave-one-out result on the page's examples. */
export interface LeaveOneOutResult {
  readonly method: string;
  /** Percent of the examples predicted right by a head imprinted from all the others. */
  readonly accuracy: number;
  readonly examples: number;
  /** Class names with examples, in the order of `confusion`'s rows and columns. */
  readonly classes: readonly string[];
  /** `confusion[true][predicted]` counts over the examples. */
  readonly confusion: readonly (readonly number[])[];
  /** Per class: examples that could not be predicted (their class had no other example). */
  readonly unpredicted: readonly number[];
}

/** The five methods of the paper's Table 1, as presets. */
export const TABLE1_PRESETS: readonly PresetName[] = ['qi2018', 'hosoda2024', 'janson2022', 'imprintKmeans', 'leastSquaresOracle'];

/**
 * What the playground holds: classes of example embeddings, the method config, and the head
 * imprinted from them (rebuilt on every change). No DOM here: the page and the tests drive it.
 */
export class PlaygroundSession {
  readonly #registry: Registry;
  readonly #classes = new Map<string, PlaygroundClass>();
  #config: ImprintConfigInput = { preset: 'qi2018' };
  #head: Imprinter | undefined;
  /** A head loaded from a file: used as it is until the classes or the method change. */
  #loaded = false;

  constructor(registry: Registry) {
    this.#registry = registry;
  }

  get registry(): Registry {
    return this.#registry;
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
    this.#classes.delete(name);
    return this.rebuild();
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
  async addExamples(name: string, embeddings: readonly Float32Array[], thumbnails: readonly string[] = []): Promise<void> {
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
      const data = new Float32Array(embeddings.length * dim);
      embeddings.forEach((e, i) => data.set(e, i * dim));
      try {
        await head.addExamples(name, { data, shape: [embeddings.length, dim] });
        return;
      } catch (error) {
        if (!(error instanceof ImprintError && error.code === 'EXAMPLES_NOT_KEPT')) {
          target.examples.length = before;
          target.thumbnails.length = before;
          throw error;
        }
      }
    }
    await this.rebuild();
  }

  /** Whether adding an example to class `name` grows the loaded head in place (else: a rebuild from the page's examples). */
  growsInPlace(name: string): boolean {
    return this.#loaded && this.#head !== undefined && this.#head.hasClass(name);
  }

  /** Change the method (a preset and/or keys); validated by the registry before anything changes. */
  async setConfig(config: ImprintConfigInput): Promise<void> {
    Imprinter.fromConfig(config, this.#registry).dispose(); // throws INVALID_CONFIG before the change
    this.#config = { ...config };
    await this.rebuild();
  }

  /** Imprint every class that has examples with the current method. */
  async rebuild(): Promise<void> {
    const { matrix, labels } = this.#trainingSet();
    this.#loaded = false;
    this.#head?.dispose();
    this.#head = undefined;
    if (labels.length === 0) return;
    const head = Imprinter.fromConfig(this.#config, this.#registry);
    await head.imprint(matrix, labels);
    this.#head = head;
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
   * Leave-one-out accuracy (percent) of each method on the examples: every example is predicted
   * by a head imprinted from all the others (a class left without examples counts as an error).
   */
  async leaveOneOut(methods: readonly ImprintConfigInput[] = TABLE1_PRESETS.map((preset) => ({ preset }))): Promise<LeaveOneOutResult[]> {
    const { embeddings, labels } = this.#trainingSet();
    const classes = [...this.#classes.values()].filter((c) => c.examples.length > 0).map((c) => c.name);
    const index = new Map(classes.map((name, i) => [name, i]));
    const out: LeaveOneOutResult[] = [];
    for (const method of methods) {
      let correct = 0;
      // confusion[true][predicted]; an example whose class has no other example is counted as unpredicted
      const confusion = classes.map(() => classes.map(() => 0));
      const unpredicted = classes.map(() => 0);
      for (let i = 0; i < labels.length; i++) {
        const rest = embeddings.filter((_, j) => j !== i).map((e) => Array.from(e));
        const restLabels = labels.filter((_, j) => j !== i);
        const truth = index.get(String(labels[i]))!;
        if (!restLabels.includes(labels[i])) {
          unpredicted[truth]++;
          continue;
        }
        const head = Imprinter.fromConfig(method, this.#registry);
        try {
          await head.imprint(rest, restLabels);
          const predicted = String(head.predict([Array.from(embeddings[i])])[0]);
          confusion[truth][index.get(predicted)!]++;
          if (predicted === labels[i]) correct++;
        } finally {
          head.dispose();
        }
      }
      out.push({ method: methodName(method, this.#registry), accuracy: labels.length === 0 ? 0 : (100 * correct) / labels.length, examples: labels.length, classes, confusion, unpredicted });
    }
    return out;
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
    this.#head?.dispose();
    this.#head = head;
    this.#loaded = true;
    this.#classes.clear();
    for (const label of head.classes) this.#classes.set(String(label), { name: String(label), examples: [], thumbnails: [] });
    const { name: _name, meta: _meta, ...config } = head.config as ImprintConfigInput;
    this.#config = config;
  }

  /** Forget every class, example and the head (a new foundation model: the old embeddings do not fit). */
  reset(): void {
    this.#head?.dispose();
    this.#head = undefined;
    this.#loaded = false;
    this.#classes.clear();
  }

  /** True while the head in use came from a file. */
  get loaded(): boolean {
    return this.#loaded;
  }

  dispose(): void {
    this.#head?.dispose();
    this.#head = undefined;
  }

  #firstExample(): Float32Array | undefined {
    for (const c of this.#classes.values()) if (c.examples.length > 0) return c.examples[0];
    return undefined;
  }

  /** Every example as one row-major matrix, with its class name per row. */
  #trainingSet(): { embeddings: Float32Array[]; labels: Label[]; matrix: { data: Float32Array; shape: [number, number] } } {
    const embeddings: Float32Array[] = [];
    const labels: Label[] = [];
    for (const c of this.#classes.values()) {
      for (const e of c.examples) {
        embeddings.push(e);
        labels.push(c.name);
      }
    }
    const dim = embeddings[0]?.length ?? 0;
    const data = new Float32Array(embeddings.length * dim);
    embeddings.forEach((e, i) => data.set(e, i * dim));
    return { embeddings, labels, matrix: { data, shape: [embeddings.length, dim] } };
  }
}

/** A method config's name as reports and the CLI print it (`describeConfig`): its preset, or its pipeline and options. */
export function methodName(config: ImprintConfigInput, registry: Registry): string {
  return describeConfig(parseConfig(config, registry), registry);
}

/** Dispose helper for the page: numTensors must not grow as the user works. */
export function tensorCount(): number {
  return tf.memory().numTensors;
}
