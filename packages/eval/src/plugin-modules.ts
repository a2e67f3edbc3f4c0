import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ImprintError, type PluginEntry, type Registry } from '@imprint/core';

const KINDS = new Set(['generator', 'normalizer', 'aggregator', 'backbone', 'presampler', 'kselector']);

function isPluginEntry(value: unknown): value is PluginEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Partial<PluginEntry>;
  return typeof entry.kind === 'string' && KINDS.has(entry.kind) && typeof entry.name === 'string' && typeof entry.create === 'function';
}

function looksLikePath(specifier: string): boolean {
  return specifier.startsWith('.') || isAbsolute(specifier) || /\.(m?[jt]s|cjs)$/.test(specifier);
}

/** The entry file of an installed package as seen from `from` (its `exports["."]` import, or `main`). */
function packageEntry(specifier: string, from: string): string {
  let manifestPath: string | undefined;
  const require = createRequire(join(from, 'noop.js'));
  try {
    manifestPath = require.resolve(`${specifier}/package.json`);
  } catch {
    // A package whose "exports" do not list ./package.json: look for it along Node's search paths.
    manifestPath = (require.resolve.paths(specifier) ?? []).map((folder) => join(folder, specifier, 'package.json')).find((path) => existsSync(path));
  }
  if (manifestPath === undefined) {
    throw new ImprintError('UNKNOWN_PLUGIN', `plugin module ${JSON.stringify(specifier)} is not installed where ${from} can find it; install it (npm install ${specifier}) or pass a file path`, { module: specifier });
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: unknown; main?: string; module?: string };
  const root = (manifest.exports as Record<string, unknown> | undefined)?.['.'] ?? manifest.exports;
  const pick = (target: unknown): string | undefined => {
    if (typeof target === 'string') return target;
    if (typeof target !== 'object' || target === null) return undefined;
    const conditions = target as Record<string, unknown>;
    for (const key of ['import', 'node', 'default']) {
      const found = pick(conditions[key]);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  const entry = pick(root) ?? manifest.module ?? manifest.main ?? 'index.js';
  return join(dirname(manifestPath), entry);
}

/** Plugin modules whose import has started and not finished, in order. */
const importing = new Set<string>();

/**
 * The plugin modules being imported right now. A module whose top-level code awaits a promise that
 * never settles leaves Node with nothing to do: it exits (code 13) without a word. A command-line
 * front end calls this from a `process.on('exit')` handler to say which module never finished.
 */
export function pendingPluginImports(): string[] {
  return [...importing];
}

/** Turn a module specifier from the command line or a config into an importable file URL. */
export function resolvePluginModule(specifier: string, from = process.cwd()): string {
  if (specifier.startsWith('file:')) return specifier;
  if (looksLikePath(specifier)) {
    const path = resolve(from, specifier);
    if (!existsSync(path)) throw new ImprintError('BAD_FILE', `plugin module ${specifier}: no such file (${path})`, { module: specifier });
    return pathToFileURL(path).href;
  }
  const entry = packageEntry(specifier, from);
  if (!existsSync(entry)) {
    throw new ImprintError(
      'BAD_FILE',
      `plugin module ${specifier} is installed, but its entry file ${entry} does not exist: the package is not built (in a checkout of this repository: pnpm nx run-many -t build; otherwise run the package's build script)`,
      { module: specifier, entry },
    );
  }
  return pathToFileURL(entry).href;
}

/**
 * Import third-party plugin modules and register every plugin entry they export (an exported
 * `PluginEntry`, or an array of them) into `registry`, so that their names work in configs and
 * grids like the built-in ones. A module that exports no entry fails with `UNKNOWN_PLUGIN`; a name
 * that is already registered fails with `DUPLICATE_PLUGIN`. Returns the names registered per module.
 *
 * @example
 * await usePluginModules(registry, ['imprint-plugin-centered-l2', './my-plugin.js']);
 */
export async function usePluginModules(registry: Registry, specifiers: readonly string[], from = process.cwd()): Promise<Map<string, string[]>> {
  const registered = new Map<string, string[]>();
  for (const specifier of specifiers) {
    const url = resolvePluginModule(specifier, from);
    let module: Record<string, unknown>;
    importing.add(specifier);
    try {
      module = (await import(url)) as Record<string, unknown>;
    } catch (error) {
      throw new ImprintError('BAD_FILE', `plugin module ${specifier} could not be loaded: ${(error as Error).message}`, { module: specifier });
    } finally {
      importing.delete(specifier);
    }
    const entries = Object.values(module).flatMap((value) => (Array.isArray(value) ? value.filter(isPluginEntry) : isPluginEntry(value) ? [value] : []));
    if (entries.length === 0) {
      throw new ImprintError('UNKNOWN_PLUGIN', `plugin module ${specifier} exports no plugin entry (an object with kind, name and create, e.g. made with definePlugin)`, { module: specifier });
    }
    const unique = [...new Set(entries)];
    registry.use(unique);
    registered.set(specifier, unique.map((e) => `${e.kind} ${e.name}`));
  }
  return registered;
}
