import { Option, type Command } from 'commander';
import { ImprintError, kebabCase, optionFromText, validValues, type ImprintConfigInput, type OptionDeclaration, type OptionTable, type Registry } from '@imprint/core';
import { readDataFile } from '@imprint/eval';

/** The imprinting flags of `imprint-bench run`, as commander parses them: option name → text. */
export type ConfigFlags = Record<string, unknown>;

/** What `--help` says after an option's description: valid values and default. */
function helpSuffix(option: OptionDeclaration, registry: Registry): string {
  const parts: string[] = [];
  if (option.pluginKind !== undefined) {
    const names = [...registry.names(option.pluginKind), ...(option.alsoAccepts ?? [])];
    if (names.length > 0) parts.push(names.join(' | '));
  } else if (option.choices === undefined && option.type !== 'string') parts.push(validValues(option));
  if (option.default !== undefined) parts.push(`default ${typeof option.default === 'string' ? option.default : JSON.stringify(option.default)}`);
  return parts.length === 0 ? '' : ` (${parts.join('; ')})`;
}

/** The command-line options of every declared config option that is a flag (`take` → `--take <n>`). */
export function configFlagOptions(registry: Registry): Option[] {
  return registry
    .options()
    .list()
    .filter((option) => option.flag !== false)
    .map((option) => {
      const flag = new Option(`--${kebabCase(option.name)} ${option.placeholder ?? '<value>'}`, `${option.description}${helpSuffix(option, registry)}`);
      if (option.choices !== undefined) flag.choices(option.choices as string[]);
      return flag;
    });
}

/**
 * Add the config flags to `command`; a plugin option whose flag the command already has (`--train`)
 * fails with one line naming both.
 */
export function addConfigFlags(command: Command, registry: Registry): void {
  const taken = new Map(command.options.map((o) => [o.attributeName(), o.flags]));
  for (const flag of configFlagOptions(registry)) {
    const clash = taken.get(flag.attributeName());
    if (clash !== undefined) {
      const owner = registry.options().ownerOf(flag.attributeName());
      throw new ImprintError('DUPLICATE_OPTION', `the option "${flag.attributeName()}" of ${owner} clashes with ${command.name()}'s own ${clash}; rename the option in the plugin`, { option: flag.attributeName(), owner });
    }
    command.addOption(flag);
  }
}

/** Turn command-line flags into a config object (values are checked when it is resolved). */
export function configFromFlags(flags: ConfigFlags, options: OptionTable): ImprintConfigInput {
  const config: ImprintConfigInput = {};
  for (const option of options.list()) {
    const text = flags[option.name];
    if (option.flag === false || typeof text !== 'string') continue;
    config[option.name] = optionFromText(option, text);
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
