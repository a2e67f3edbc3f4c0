import { ImprintError, parseNumberOption, type ImprintConfigInput } from '@imprint/core';
import { readDataFile } from '@imprint/eval';

/** The imprinting options of `imprint-bench run`, as commander parses them. */
export interface ConfigFlags {
  preset?: string;
  normPre?: string;
  gen?: string;
  k?: string;
  kMax?: string;
  kSelect?: string;
  normPost?: string;
  normInf?: string;
  agg?: string;
  metric?: string;
  m?: string;
  weighting?: string;
  seed?: string;
  fewshot?: string;
  lambda?: string;
}

function numberFlag(flag: string, value: string | undefined): number | undefined {
  return value === undefined ? undefined : parseNumberOption(value, `--${flag}`);
}

/** Turn command-line flags into a config object (validation happens when it is resolved). */
export function configFromFlags(flags: ConfigFlags): ImprintConfigInput {
  const config: ImprintConfigInput = {};
  if (flags.preset !== undefined) config.preset = flags.preset as never;
  const strings = ['normPre', 'gen', 'normPost', 'normInf', 'agg', 'metric', 'weighting', 'kSelect'] as const;
  for (const key of strings) if (flags[key] !== undefined) config[key] = flags[key] as never;
  if (flags.k === 'auto') config.k = 'auto';
  const numbers = { k: 'k', kMax: 'k-max', m: 'm', seed: 'seed', fewshot: 'fewshot', lambda: 'lambda' } as const;
  for (const [key, flag] of Object.entries(numbers)) {
    if (key === 'k' && flags.k === 'auto') continue;
    const value = numberFlag(flag, flags[key as keyof typeof numbers]);
    if (value !== undefined) config[key] = value;
  }
  return config;
}

/** Read a configs file: a JSON array of config objects (extra keys such as `name` are kept). */
export async function readConfigsFile(path: string): Promise<ImprintConfigInput[]> {
  const parsed = await readDataFile(path, 'configs file');
  if (!Array.isArray(parsed)) throw new ImprintError('BAD_FILE', `${path} must hold a JSON array of config objects, got ${typeof parsed}`, { path });
  parsed.forEach((entry, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new ImprintError('INVALID_CONFIG', `${path}: entry ${i} must be a config object, got ${JSON.stringify(entry)}`, { path, index: i });
    }
  });
  return parsed as ImprintConfigInput[];
}
