import type { PluginKind } from '../contracts/plugin.js';
import type { OptionTable } from './option-table.js';

/** What applicability needs of a registry: its options and its entries. */
export interface ApplicabilitySource {
  options(): OptionTable;
  find(kind: PluginKind, name: string): { readonly ignores?: readonly string[] } | undefined;
}

const STAGE_KINDS: readonly (readonly [string, PluginKind])[] = [
  ['normPre', 'normalizer'],
  ['gen', 'generator'],
  ['normPost', 'normalizer'],
  ['normInf', 'normalizer'],
  ['agg', 'aggregator'],
];

/**
 * The entries a config puts to work, as `kind name`: its normalizers, generator and aggregator, the
 * presamplers it turns on (`prefilter`, `fewshot`) and, with `k: 'auto'`, its k selector — the
 * same choice `resolvePipeline` makes.
 */
export function activeEntries(config: Readonly<Record<string, unknown>>): Set<string> {
  const active = new Set<string>();
  for (const [key, kind] of STAGE_KINDS) if (typeof config[key] === 'string') active.add(`${kind} ${config[key] as string}`);
  if (typeof config.prefilter === 'string' && config.prefilter !== 'all') active.add(`presampler ${config.prefilter}`);
  if (config.fewshot !== undefined) active.add('presampler fewshot');
  if (config.k === 'auto') active.add(`kselector ${typeof config.kSelect === 'string' ? config.kSelect : 'gap'}`);
  return active;
}

/**
 * Which options act in a config: core's options and keys nobody declares always do; a plugin's
 * option only when a plugin that declares it is at work in the config, and none of the config's
 * plugins lists it in `ignores` (`lambda` acts with `ls` and `kls`, not with `mean`; `mean` ignores
 * `k`). The config's plugins are looked up once; the returned test is then cheap per option.
 */
export function applicableOptions(config: Readonly<Record<string, unknown>>, source: ApplicabilitySource): (name: string) => boolean {
  const active = activeEntries(config);
  const ignored = new Set<string>();
  for (const [key, kind] of STAGE_KINDS) {
    const value = config[key];
    if (typeof value === 'string') for (const name of source.find(kind, value)?.ignores ?? []) ignored.add(name);
  }
  const options = source.options();
  return (name) => {
    if (ignored.has(name)) return false;
    const owners = options.ownersOf(name);
    return owners.length === 0 || owners.includes('core') || owners.some((owner) => active.has(owner));
  };
}

/** Whether option `name` acts in a config (see {@link applicableOptions}). */
export function optionApplies(name: string, config: Readonly<Record<string, unknown>>, source: ApplicabilitySource): boolean {
  return applicableOptions(config, source)(name);
}
