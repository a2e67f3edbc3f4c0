import { ImprintError } from '../util/errors.js';
import { CORE_OPTIONS } from './core-options.js';
import { formatValue, type OptionDeclaration } from './option.js';

/** An option together with who declared it (`core`, `generator kmeans`, …). */
export interface OwnedOption {
  readonly owner: string;
  readonly option: OptionDeclaration;
}

const STAGES = new Set(['gen', 'head', 'runtime', 'label']);
const TYPES = new Set(['integer', 'number', 'string', 'json']);

/** Check the shape of a declaration from a plugin (a plain-JavaScript plugin has no compiler to do it). */
function checkDeclaration(option: OptionDeclaration, owner: string): void {
  const bad = (what: string) => new ImprintError('INVALID_INPUT', `${owner} declares an option ${what}, got ${formatValue(option)}`, { owner });
  if (typeof option !== 'object' || option === null) throw bad('that is not an object');
  if (typeof option.name !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(option.name)) throw bad('without a camelCase name');
  if (!TYPES.has(option.type)) throw bad(`"${option.name}" whose type is not one of ${[...TYPES].join(', ')}`);
  if (!STAGES.has(option.stage)) throw bad(`"${option.name}" whose stage is not one of ${[...STAGES].join(', ')}`);
  if (typeof option.description !== 'string' || option.description.length === 0) throw bad(`"${option.name}" without a description`);
}

/**
 * Every option a registry knows, in declaration order: core's first, then each plugin entry's.
 * One name, one declaration: two plugins that read the same key share one declaration object
 * (`lambda` of `ls` and `kls`); a second, different declaration of a name fails with
 * `DUPLICATE_OPTION` — two meanings of one key would make configs ambiguous.
 */
export class OptionTable {
  readonly #options = new Map<string, OwnedOption>();
  readonly #owners = new Map<string, string[]>();

  constructor(owned: Iterable<OwnedOption> = []) {
    for (const { owner, option } of owned) this.add(owner, option);
  }

  /** Add a declaration (the same declaration object again is a no-op). */
  add(owner: string, option: OptionDeclaration): void {
    checkDeclaration(option, owner);
    const existing = this.#options.get(option.name);
    if (existing === undefined) {
      this.#options.set(option.name, { owner, option });
      this.#owners.set(option.name, [owner]);
      return;
    }
    if (existing.option === option) {
      if (!this.#owners.get(option.name)!.includes(owner)) this.#owners.get(option.name)!.push(owner);
      return;
    }
    throw new ImprintError(
      'DUPLICATE_OPTION',
      `the option "${option.name}" is declared by ${existing.owner} and again, differently, by ${owner}; a plugin that reads another's option should reuse its declaration (import it) instead of declaring it anew`,
      { name: option.name, owners: [existing.owner, owner] },
    );
  }

  has(name: string): boolean {
    return this.#options.has(name);
  }

  get(name: string): OptionDeclaration | undefined {
    return this.#options.get(name)?.option;
  }

  /** Who declared `name` (`core`, `generator kmeans`, …). */
  ownerOf(name: string): string | undefined {
    return this.#options.get(name)?.owner;
  }

  /** Everyone who declares `name` (entries sharing one declaration: `generator ls`, `generator kls`). */
  ownersOf(name: string): readonly string[] {
    return this.#owners.get(name) ?? [];
  }

  /** Every declaration, in order. */
  list(): OptionDeclaration[] {
    return [...this.#options.values()].map((o) => o.option);
  }

  names(): string[] {
    return [...this.#options.keys()];
  }

  /** The values resolved configs always hold when nothing sets them (`recorded` options). */
  recordedDefaults(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const { option } of this.#options.values()) if (option.recorded && option.default !== undefined) out[option.name] = option.default;
    return out;
  }
}

/** A table of core's options alone. */
export const CORE_OPTION_TABLE: OptionTable = new OptionTable(CORE_OPTIONS.map((option) => ({ owner: 'core', option })));
