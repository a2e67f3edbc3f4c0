import type { PluginKind } from '../contracts/plugin.js';
import { parseConfig } from '../config/config.js';
import { applicableOptions } from './applicability.js';
import { CORE_OPTION_TABLE, type OptionTable } from './option-table.js';
import type { OptionDeclaration } from './option.js';

/** What the describer needs of a registry: its options and which options an entry ignores. */
export interface DescribeSource {
  options(): OptionTable;
  find(kind: PluginKind, name: string): { readonly ignores?: readonly string[] } | undefined;
}

export interface DescribeOptions {
  /** Keys that are not imprinting options and are never shown (a grid's data keys, `id`). */
  readonly skip?: readonly string[];
  /**
   * A run line rather than a method label: the name (if any) as a prefix instead of the whole
   * label, and the seed at the end (`ours: l2/kmeans k=20/l2/l2/max seed=42`).
   */
  readonly run?: boolean;
}

/** Core's keys that form the pipeline part of a label (`l2/kmeans k=20/l2/l2/max`) or are never shown. */
const POSITIONAL = new Set(['normPre', 'gen', 'k', 'normPost', 'normInf', 'agg', 'seed', 'preset', 'name', 'meta']);
function text(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

function fragment(name: string, option: OptionDeclaration | undefined, value: unknown, config: Readonly<Record<string, unknown>>): string | undefined {
  if (value === undefined || option?.label === false || option?.stage === 'runtime') return undefined;
  if (option?.label !== undefined) return option.label(value, config);
  return `${name}=${text(value)}`;
}

/**
 * The one describer of a config, derived from the option declarations: what CLI lines, reports,
 * charts and the playground print for a method.
 * - a preset: its name, `k` where the generator uses it, and every option whose value differs from
 *   the preset's (`imprintKmeans k=20`, `qi2018 fewshot=5`);
 * - a named config: its name;
 * - otherwise the pipeline (`l2/kmeans k=20/l2/l2/max`) then each further option's label fragment,
 *   in declaration order (`cosine m=5 uniform`, `lambda=0.1`, a plugin's `take=1`), then keys no
 *   registered option declares, sorted (`key=value`).
 * Options that do not act in the config (a plugin's option when no plugin that declares it is at
 * work, or one the config's plugins `ignores`), `runtime` options and `label: false` options are
 * left out.
 */
export function describeConfig(config: Readonly<Record<string, unknown>>, source?: DescribeSource, options: DescribeOptions = {}): string {
  const table = source?.options() ?? CORE_OPTION_TABLE;
  const skip = new Set(options.skip ?? []);
  const applies = source === undefined ? () => true : applicableOptions(config, source);
  const show = (name: string): string | undefined => (!applies(name) || skip.has(name) ? undefined : fragment(name, table.get(name), config[name], config));
  const rest = (keep: (name: string) => boolean): string[] => {
    const declared = table.names().filter((name) => !POSITIONAL.has(name) && keep(name));
    const undeclared = Object.keys(config)
      .filter((name) => !table.has(name) && !POSITIONAL.has(name) && keep(name))
      .sort();
    return [...declared, ...undeclared].map(show).filter((part): part is string => part !== undefined);
  };
  const seed = options.run ? show('seed') : undefined;
  const finish = (parts: string[]) => [...parts, ...(seed === undefined ? [] : [seed])].join(' ');

  if (typeof config.preset === 'string') {
    let preset: Record<string, unknown>;
    try {
      preset = parseConfig({ preset: config.preset }, table);
    } catch {
      preset = {};
    }
    const differs = (name: string) => JSON.stringify(config[name]) !== JSON.stringify(preset[name]);
    const overridden = ['normPre', 'gen', 'normPost', 'normInf', 'agg'].filter(differs).map((name) => `${name}=${text(config[name])}`);
    const k = show('k');
    const name = options.run && typeof config.name === 'string' ? `${config.name}: ` : '';
    return `${name}${finish([config.preset, ...overridden, ...(k === undefined ? [] : [k]), ...rest(differs)])}`;
  }
  if (typeof config.name === 'string' && !options.run) return config.name;
  const k = show('k');
  const pipeline = `${text(config.normPre)}/${text(config.gen)}${k === undefined ? '' : ` ${k}`}/${text(config.normPost)}/${text(config.normInf)}/${text(config.agg)}`;
  const name = typeof config.name === 'string' ? `${config.name}: ` : '';
  return `${name}${finish([pipeline, ...rest(() => true)])}`;
}
