import { PRESET_NAMES } from '../config/presets.js';
import { parseNumberOption } from '../config/validate.js';
import { defineOption, type OptionDeclaration } from './option.js';

const PLUGIN_NAME = 'a plugin name (a non-empty string)';

function pluginOption(name: string, kind: 'generator' | 'normalizer' | 'aggregator', defaultName: string, description: string): OptionDeclaration<string> {
  return defineOption<string>({ name, description, type: 'string', stage: name === 'normPost' || name === 'normInf' || name === 'agg' ? 'head' : 'gen', default: defaultName, recorded: true, pluginKind: kind, valid: PLUGIN_NAME, placeholder: '<name>' });
}

/** `k=20`, or `k=auto` with its selector and bound when the config sets them (`k=auto:gap≤10`). */
function kLabel(value: number | 'auto', config: Readonly<Record<string, unknown>>): string {
  if (value !== 'auto') return `k=${value}`;
  const selector = config.kSelect === undefined ? '' : `:${String(config.kSelect)}`;
  const bound = config.kMax === undefined ? '' : `≤${String(config.kMax)}`;
  return `k=auto${selector}${bound}`;
}

/**
 * Core's own options: the stages of the pipeline (which plugin runs at NORMpre, GEN, NORMpost,
 * NORMinf, AGG), the number of proxies, the seed, and the run's preset, name and annotations.
 * Options that only a plugin reads (`m`, `lambda`, `fewshot`, …) are declared by that plugin's entry.
 */
export const CORE_OPTIONS: readonly OptionDeclaration[] = Object.freeze([
  pluginOption('normPre', 'normalizer', 'l2', 'NORMpre: normalizer of the embeddings before GEN'),
  pluginOption('gen', 'generator', 'mean', 'GEN: how the proxies of a class are generated'),
  defineOption<number | 'auto'>({
    name: 'k',
    description: 'proxies per class (-1: every sample; auto: chosen per class by kSelect)',
    type: 'json',
    stage: 'gen',
    default: 1,
    recorded: true,
    accepts: (k) => k === 'auto' || k === -1 || (typeof k === 'number' && Number.isSafeInteger(k) && k >= 1),
    valid: '-1, a positive integer or "auto"',
    fromText: (text, flag) => (text.trim() === 'auto' ? 'auto' : parseK(text, flag)),
    placeholder: '<n|auto>',
    label: kLabel,
  }),
  pluginOption('normPost', 'normalizer', 'l2', 'NORMpost: normalizer of the stored proxies'),
  pluginOption('normInf', 'normalizer', 'l2', 'NORMinf: normalizer of the queries'),
  pluginOption('agg', 'aggregator', 'max', 'AGG: how class scores come from the proxies'),
  defineOption<number>({ name: 'seed', description: 'random seed (GEN, presampling)', type: 'integer', stage: 'gen', default: 42, recorded: true, valid: 'an integer', placeholder: '<n>', label: (seed) => `seed=${seed}` }),
  defineOption<string>({ name: 'preset', description: `a named method (${PRESET_NAMES.join(' | ')}); other options override its keys`, type: 'string', stage: 'label', choices: PRESET_NAMES, sweep: false, placeholder: '<name>', label: false }),
  defineOption<string>({ name: 'name', description: 'a label for the run (results, reports)', type: 'string', stage: 'label', valid: 'a string', sweep: false, flag: false, label: false }),
  defineOption<Record<string, unknown>>({
    name: 'meta',
    description: 'free-form annotations, carried through untouched',
    type: 'json',
    stage: 'label',
    accepts: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
    valid: 'an object of free-form annotations',
    sweep: false,
    flag: false,
    label: false,
  }),
]);

function parseK(text: string, flag: string): number {
  // A decimal number; -1, a positive integer or "auto" is checked with the config.
  return parseNumberOption(text, flag);
}
/** Core's option names. */
export const CORE_OPTION_NAMES: readonly string[] = Object.freeze(CORE_OPTIONS.map((o) => o.name));
