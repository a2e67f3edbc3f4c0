import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// "One option, one declaration": every config option is declared once, by its owner, with
// defineOption (core's stage options through its pluginOption helper); nothing else in the source
// declares an option — the CLI, grids, labels and the playground derive theirs from the registry.
const repo = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name === '__tests__') return [];
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx|mts)$/.test(name) ? [path] : [];
  });
}

describe('option declarations', () => {
  it('each option name is declared exactly once, by the package that owns it', () => {
    const declared = new Map<string, string[]>();
    for (const group of ['packages', 'apps', 'examples']) {
      for (const project of readdirSync(join(repo, group))) {
        const src = join(repo, group, project, 'src');
        if (!statSync(join(repo, group, project)).isDirectory()) continue;
        let files: string[] = [];
        try {
          files = sources(src);
        } catch {
          continue;
        }
        for (const file of files) {
          const text = readFileSync(file, 'utf8');
          for (const match of text.matchAll(/defineOption(?:<.*?>)?\(\{\s*name: '(\w+)'|pluginOption\('(\w+)'/g)) {
            const name = match[1] ?? match[2];
            declared.set(name, [...(declared.get(name) ?? []), relative(repo, file)]);
          }
        }
      }
    }
    const twice = [...declared].filter(([, files]) => files.length > 1);
    expect(twice, `declared more than once: ${JSON.stringify(twice)}`).toEqual([]);
    const owners = Object.fromEntries([...declared].map(([name, [file]]) => [name, file.split('/').slice(0, 2).join('/')]));
    for (const name of ['normPre', 'gen', 'k', 'normPost', 'normInf', 'agg', 'seed', 'preset', 'name', 'meta']) expect(owners[name]).toBe('packages/core');
    for (const name of ['metric', 'm', 'weighting']) expect(owners[name]).toBe('packages/aggregators');
    for (const name of ['lambda', 'fewshot', 'prefilter', 'prefilterQuantiles', 'kMax', 'kSelect', 'workers', 'coverage']) expect(owners[name]).toBe('packages/generators');
    for (const name of ['covariance', 'iterations']) expect(owners[name]).toBe('examples/gaussian-mixture');
    expect(Object.values(owners).filter((owner) => owner.startsWith('apps/'))).toEqual([]);
  });
});
