import type { Aggregator } from '../contracts/aggregator.js';
import type { Backbone } from '../contracts/backbone.js';
import type { ImprintConfig } from './config.js';
import { ImprintError } from '../util/errors.js';
import type { Generator } from '../contracts/generator.js';
import type { Engine } from '../contracts/kernels.js';
import type { Normalizer } from '../contracts/normalizer.js';
import type { OptionDeclaration } from '../options/option.js';
import { CORE_OPTIONS } from '../options/core-options.js';
import { OptionTable } from '../options/option-table.js';
import type { PluginKind } from '../contracts/plugin.js';
import type { KSelector } from '../contracts/k-selector.js';
import type { Presampler } from '../contracts/presampler.js';
import { didYouMean } from './suggest.js';

/** Every plugin, by kind. */
export interface PluginsByKind {
  generator: Generator;
  normalizer: Normalizer;
  aggregator: Aggregator;
  backbone: Backbone;
  presampler: Presampler;
  kselector: KSelector;
}
export type Plugin = PluginsByKind[PluginKind];

/**
 * How a registry makes a plugin from a config: `create` receives the whole resolved config and
 * picks the keys it needs (`k`, `lambda`, `m`, `metric`, …, or a third-party key).
 */
export interface PluginEntry<K extends PluginKind = PluginKind> {
  readonly kind: K;
  readonly name: string;
  readonly version?: string;
  readonly description?: string;
  /**
   * The options this plugin owns, declared once here (`defineOption`): their schema, default, the
   * stage they affect, a description and how they show in a label. From these the config accepts
   * and checks them, the CLI gets `--flags` and `--help` lines, grids get list keys, GEN memo keys
   * and labels tell runs apart. An option another entry already declares is shared by passing the
   * same declaration object (import it).
   */
  readonly options?: readonly OptionDeclaration[];
  /**
   * Options of others that do not apply to this plugin (`mean` ignores `k`): labels leave them out.
   */
  readonly ignores?: readonly string[];
  /**
   * Keys this plugin reads that someone else declares (`ls` reads a grid's `backbone` for its
   * default λ). Such a key becomes valid in configs; prefer `options` for keys you own.
   */
  readonly configKeys?: readonly string[];
  create(config: ImprintConfig): PluginsByKind[K];
}

/** Declare a registry entry with its kind checked. */
export function definePlugin<K extends PluginKind>(entry: PluginEntry<K>): PluginEntry<K> {
  return entry;
}

export interface UseOptions {
  /** Replace an entry of the same kind and name instead of failing. @default false */
  readonly override?: boolean;
}

function isEntry(item: PluginEntry | Plugin): item is PluginEntry {
  return typeof (item as PluginEntry).create === 'function';
}

/**
 * Maps (kind, name) to plugin factories so that a config (`{ gen: 'kmeans', k: 20 }`) and a
 * third-party package (`registry.use(myPlugin)`) resolve the same way.
 *
 * Duplicate names: registering a second, different entry under a kind and name that is already
 * taken throws `DUPLICATE_PLUGIN` — a silently shadowed plugin would change results without
 * notice. Pass `{ override: true }` to replace it on purpose. Registering the very same entry
 * object again is a no-op, so shared setup code may run twice.
 */
export class Registry {
  readonly #entries = new Map<string, PluginEntry>();
  #engine: Engine | undefined;
  #options: OptionTable | undefined;

  constructor(items: Iterable<PluginEntry | Plugin> = []) {
    for (const item of items) this.use(item);
  }

  /**
   * Register plugin entries, or ready-made plugin instances (which are then returned as they are
   * for every config). Returns the registry for chaining.
   */
  use(item: PluginEntry | Plugin | readonly (PluginEntry | Plugin)[], options: UseOptions = {}): this {
    if (Array.isArray(item)) {
      for (const each of item as readonly (PluginEntry | Plugin)[]) this.use(each, options);
      return this;
    }
    const single = item as PluginEntry | Plugin;
    const entry: PluginEntry = isEntry(single)
      ? single
      : { kind: single.kind, name: single.name, version: single.version, create: () => single };
    if (typeof entry.name !== 'string' || entry.name.length === 0) {
      throw new ImprintError('INVALID_INPUT', `a plugin needs a non-empty name, got ${JSON.stringify(entry.name)}`);
    }
    const key = `${entry.kind}:${entry.name}`;
    const existing = this.#entries.get(key);
    if (existing !== undefined && existing !== single && !options.override) {
      throw new ImprintError(
        'DUPLICATE_PLUGIN',
        `a ${entry.kind} named "${entry.name}" is already registered; pass { override: true } to replace it`,
        { kind: entry.kind, name: entry.name },
      );
    }
    if (existing === single) return this;
    // A conflicting option declaration fails now, at registration, not at the first config.
    const table = this.#tableWith(entry, existing);
    this.#entries.set(key, entry);
    this.#options = table;
    return this;
  }

  has(kind: PluginKind, name: string): boolean {
    return this.#entries.has(`${kind}:${name}`);
  }

  /**
   * Every option this registry knows — core's and those of its entries (`PluginEntry.options`) — in
   * declaration order: the one table from which config validation, CLI flags, grid keys, memo keys
   * and labels are derived.
   */
  options(): OptionTable {
    this.#options ??= this.#tableWith(undefined, undefined);
    return this.#options;
  }

  #tableWith(added: PluginEntry | undefined, replaced: PluginEntry | undefined): OptionTable {
    const table = new OptionTable(CORE_OPTIONS.map((option) => ({ owner: 'core', option })));
    const entries = [...this.#entries.values()].filter((e) => e !== replaced);
    if (added !== undefined) entries.push(added);
    for (const entry of entries) {
      if (entry.options !== undefined && !Array.isArray(entry.options)) {
        throw new ImprintError('INVALID_INPUT', `the ${entry.kind} entry "${entry.name}" has options that are not an array of option declarations, got ${JSON.stringify(entry.options)}`);
      }
    }
    for (const entry of entries) for (const option of entry.options ?? []) table.add(`${entry.kind} ${entry.name}`, option);
    return table;
  }

  /** Config keys valid in configs besides core's: the entries' options and their `configKeys`. */
  configKeys(): Set<string> {
    const keys = new Set<string>(this.options().names().filter((name) => !CORE_OPTIONS.some((o) => o.name === name)));
    for (const entry of this.#entries.values()) for (const key of entry.configKeys ?? []) keys.add(key);
    return keys;
  }

  /** The registered entry of `kind` named `name`, or undefined. */
  find<K extends PluginKind>(kind: K, name: string): PluginEntry<K> | undefined {
    return this.#entries.get(`${kind}:${name}`) as PluginEntry<K> | undefined;
  }

  /** Registered names of one kind, sorted. */
  names(kind: PluginKind): string[] {
    return [...this.#entries.values()].filter((e) => e.kind === kind).map((e) => e.name).sort();
  }

  entry<K extends PluginKind>(kind: K, name: string): PluginEntry<K> {
    const found = this.#entries.get(`${kind}:${name}`);
    if (found === undefined) {
      const known = this.names(kind);
      throw new ImprintError(
        'UNKNOWN_PLUGIN',
        `unknown ${kind} "${name}"${didYouMean(name, known)}; registered ${kind}s: ${known.length > 0 ? known.join(', ') : '(none)'}`,
        { kind, name, known },
      );
    }
    return found as unknown as PluginEntry<K>;
  }

  /** Make the plugin `name` of `kind` for a resolved config. */
  create<K extends PluginKind>(kind: K, name: string, config: ImprintConfig): PluginsByKind[K] {
    const entry = this.entry(kind, name);
    let plugin: PluginsByKind[K];
    try {
      plugin = entry.create(config);
    } catch (error) {
      // A plugin's own typed error stands; anything else is named with the plugin that threw it.
      if (error instanceof ImprintError) throw error;
      throw new ImprintError('INVALID_INPUT', `the ${kind} "${name}"${entry.version === undefined ? '' : ` ${entry.version}`} failed to start: ${error instanceof Error ? error.message : String(error)}`, { kind, name });
    }
    if (typeof plugin !== 'object' || plugin === null) throw new ImprintError('INVALID_INPUT', `the ${kind} entry "${name}" created ${JSON.stringify(plugin)}, not a plugin`);
    if (plugin.kind !== kind) {
      throw new ImprintError('INVALID_INPUT', `the ${kind} entry "${name}" created a plugin of kind "${plugin.kind}"`);
    }
    return plugin;
  }

  /**
   * The compute engine whose kernels the plugins of heads resolved through this registry use
   * (`undefined`: tf.js alone). Set it once, before making heads; heads keep the engine they
   * were made with.
   */
  get engine(): Engine | undefined {
    return this.#engine;
  }

  /** Use `engine` for the heavy kernels (or `undefined` for tf.js alone). Returns the registry. */
  setEngine(engine: Engine | undefined): this {
    if (engine !== undefined && (engine.kind !== 'engine' || typeof engine.name !== 'string' || typeof engine.kernels !== 'object' || engine.kernels === null)) {
      throw new ImprintError('INVALID_INPUT', `setEngine needs an engine ({ kind: 'engine', name, kernels }), got ${JSON.stringify(engine)}`);
    }
    this.#engine = engine;
    return this;
  }

  /** A copy that can be extended without touching this registry (same engine). */
  clone(): Registry {
    const copy = new Registry();
    for (const entry of this.#entries.values()) copy.use(entry);
    copy.setEngine(this.#engine);
    return copy;
  }
}
