import { ImprintError } from '../util/errors.js';
import type { PluginKind } from '../contracts/plugin.js';
import { parseNumberOption } from '../config/validate.js';

/**
 * What an option's value changes, which decides where it counts:
 * - `gen`: the generated proxies (it joins the GEN memo key: runs differing in it never share proxies);
 * - `head`: what happens after GEN (NORMpost, NORMinf, AGG);
 * - `runtime`: how the work is done, never the result (threads): left out of memo keys and method labels;
 * - `label`: names or annotates the run (`name`, `meta`, `preset`).
 */
export type OptionStage = 'gen' | 'head' | 'runtime' | 'label';

/** The kinds of value an option holds. */
export type OptionType = 'integer' | 'number' | 'string' | 'json';

/**
 * One option of the imprinting config, declared once by whoever owns it — core for its own keys,
 * a plugin entry (`PluginEntry.options`) for the keys its plugin reads. Everything else is derived
 * from the declarations: config validation with did-you-mean, the CLI flags (`take` → `--take`)
 * and their `--help`, grid list keys, GEN memo keys, run labels and the playground's controls.
 */
export interface OptionDeclaration<T = unknown> {
  /** The config key, camelCase (`shrink`, `prefilterQuantiles`). */
  readonly name: string;
  /** One line for `--help`, docs and the playground. */
  readonly description: string;
  readonly type: OptionType;
  readonly stage: OptionStage;
  /** The value a plugin uses when the config does not set it (shown in `--help`). */
  readonly default?: T;
  /**
   * Resolved configs always hold this key (its default when not given). Only for keys every run
   * carries (core's own, `metric`/`m`/`weighting`): a recorded key is part of every run id.
   * @default false
   */
  readonly recorded?: boolean;
  /** The only values allowed (strings). */
  readonly choices?: readonly string[];
  /** The value names a registered plugin of this kind (checked when the pipeline is resolved; listed in controls). */
  readonly pluginKind?: PluginKind;
  /** Further words a `pluginKind` option accepts besides plugin names (`prefilter: 'all'`). */
  readonly alsoAccepts?: readonly string[];
  /** Inclusive bounds of a number; `exclusiveMin` makes the lower bound strict. */
  readonly min?: number;
  readonly max?: number;
  readonly exclusiveMin?: boolean;
  /** A rule beyond type, choices and bounds; true when the value is valid. */
  readonly accepts?: (value: unknown) => boolean;
  /** What valid values are, for errors: `k must be ${valid}, got 0`. Derived from type and bounds when absent. */
  readonly valid?: string;
  /** How a command-line text becomes a value (default: by `type`). Throw an ImprintError for bad text. */
  readonly fromText?: (text: string, flag: string) => T;
  /** The placeholder in `--help` (`<n>`, `<name>`). */
  readonly placeholder?: string;
  /**
   * How the option shows in a run's label: a fragment (`take=1`), or undefined to leave it out.
   * `false`: never shown. Default: `name=value` whenever the config holds a value.
   */
  readonly label?: false | LabelFunction<T>;
  /** Not a command-line flag (`meta`, an object). @default true */
  readonly flag?: boolean;
  /** Not a list key of grid files (`name`, `meta`, `preset`: per method, not swept). @default true */
  readonly sweep?: boolean;
}

/** How a value shows in a label (bivariant in `T`, so any declaration fits a list of declarations). */
export type LabelFunction<T> = { bivarianceHack(value: T, config: Readonly<Record<string, unknown>>): string | undefined }['bivarianceHack'];

/** Declare an option (its type checked). */
export function defineOption<T>(declaration: OptionDeclaration<T>): OptionDeclaration<T> {
  return Object.freeze(declaration);
}

/** A config key as a command-line flag: `prefilterQuantiles` → `prefilter-quantiles`. */
export function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** A value as it appears in messages and labels: JSON, with non-finite numbers spelt out. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value) ?? String(value);
}

function boundsPhrase(option: OptionDeclaration): string {
  const parts: string[] = [];
  if (option.min !== undefined) parts.push(option.exclusiveMin ? `> ${option.min}` : `≥ ${option.min}`);
  if (option.max !== undefined) parts.push(`≤ ${option.max}`);
  return parts.length === 0 ? '' : ` ${parts.join(' and ')}`;
}

/** What valid values of `option` are, in words. */
export function validValues(option: OptionDeclaration): string {
  if (option.valid !== undefined) return option.valid;
  if (option.choices !== undefined) return `one of ${option.choices.join(', ')}`;
  switch (option.type) {
    case 'integer':
      return `an integer${boundsPhrase(option)}`;
    case 'number':
      return `a finite number${boundsPhrase(option)}`;
    case 'string':
      return option.pluginKind === undefined ? 'a string' : `a ${option.pluginKind} name (a non-empty string)`;
    case 'json':
      return 'a JSON value';
  }
}

function inBounds(option: OptionDeclaration, value: number): boolean {
  if (option.min !== undefined && (option.exclusiveMin ? !(value > option.min) : !(value >= option.min))) return false;
  return option.max === undefined || value <= option.max;
}

/** True when `value` is valid for `option` (type, choices, bounds, its own rule). */
export function isValidValue(option: OptionDeclaration, value: unknown): boolean {
  if (option.accepts !== undefined) return option.accepts(value);
  switch (option.type) {
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value) && inBounds(option, value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && inBounds(option, value);
    case 'string':
      if (typeof value !== 'string' || (option.pluginKind !== undefined && value.length === 0)) return false;
      return option.choices === undefined || option.choices.includes(value);
    case 'json':
      return value !== undefined;
  }
}

/** The problem with `value` for `option` in one phrase (`k must be …, got 0`), or undefined when it is valid. */
export function optionProblem(option: OptionDeclaration, value: unknown): string | undefined {
  if (isValidValue(option, value)) return undefined;
  const empty = option.pluginKind !== undefined && value === '';
  return `${option.name} ${empty ? 'must not be empty' : `must be ${validValues(option)}`}, got ${formatValue(value)}`;
}

/** A command-line text as a value of `option` (`--take 3` → 3), or a typed error naming the flag. */
export function optionFromText(option: OptionDeclaration, text: string): unknown {
  const flag = `--${kebabCase(option.name)}`;
  if (option.fromText !== undefined) return option.fromText(text, flag);
  switch (option.type) {
    // A decimal number; whether it is an integer in range is checked with the config (one message for both ways in).
    case 'integer':
    case 'number':
      return parseNumberOption(text, flag);
    case 'string':
      return text;
    case 'json':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new ImprintError('INVALID_CONFIG', `${flag} must be JSON (${option.description}), got ${JSON.stringify(text)}`, { flag, value: text });
      }
  }
}
