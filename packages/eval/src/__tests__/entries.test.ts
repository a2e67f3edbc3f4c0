import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('..', import.meta.url));

/** Every file of this package a module loads (static and dynamic relative imports), and the packages it names. */
function graph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)(?!\s+type\b)[^'";]*?from\s+'([^']+)'|import\('([^']+)'\)/g)) {
      const spec = match[1] ?? match[2];
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else packages.add(spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/'));
    }
  };
  visit(join(src, entry));
  return { files, packages };
}

describe('sub-path entries load one concern each', () => {
  it('@imprint/eval/files loads no chart, font, image model, data set or grid code', () => {
    const { files, packages } = graph('entries/files.ts');
    const names = [...files].map((f) => f.slice(src.length));
    expect(names).toEqual(expect.arrayContaining(['hdf5.ts', 'npz.ts', 'validate-set.ts'])); // the walk reaches the readers
    expect(names.filter((n) => /experiments\/|charts|font|png|mnist|image|stats\//.test(n))).toEqual([]);
    expect([...packages].filter((p) => /backbones|onnx|pngjs|jpeg|generators|aggregators/.test(p))).toEqual([]);
  });

  it('@imprint/eval/metrics loads no file reader or chart', () => {
    const names = [...graph('entries/metrics.ts').files].map((f) => f.slice(src.length));
    expect(names).toEqual(expect.arrayContaining(['metrics.ts', 'stats/friedman.ts']));
    expect(names.filter((n) => /hdf5|npz|charts|font|experiments\//.test(n))).toEqual([]);
  });

  it('the root entry exports every sub-path entry', () => {
    const index = readFileSync(join(src, 'index.ts'), 'utf8');
    for (const entry of ['files', 'datasets', 'metrics', 'experiments', 'charts', 'runtime']) expect(index).toContain(`./entries/${entry}.js`);
  });
});
