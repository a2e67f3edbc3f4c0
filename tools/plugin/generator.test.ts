import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
// eslint-disable-next-line @typescript-eslint/no-require-imports
import pluginGenerator from './generator.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const KINDS = ['generator', 'normalizer', 'aggregator', 'backbone'] as const;

describe('the plugin package generator', () => {
  it.each(KINDS)('scaffolds a %s package wired like ours', async (kind) => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('packages/core/package.json', JSON.stringify({ name: '@imprint/core', version: '0.3.0' }));
    await pluginGenerator(tree, { kind, name: `my-${kind}` });
    const root = `examples/my-${kind}`;
    for (const file of ['package.json', 'README.md', 'tsconfig.json', 'tsconfig.build.json', 'vitest.config.ts', 'src/index.ts', 'src/entries.ts', `src/my-${kind}.ts`, `src/__tests__/my-${kind}.test.ts`]) {
      expect(tree.exists(`${root}/${file}`), file).toBe(true);
    }
    const pkg = JSON.parse(tree.read(`${root}/package.json`, 'utf-8')!);
    expect(pkg.name).toBe(`imprint-plugin-my-${kind}`);
    expect(pkg.peerDependencies['@imprint/core']).toBe('^0.3.0');
    expect(Object.keys(pkg.exports['.'])).toEqual(['@imprint/source', 'types', 'import']);
    const test = tree.read(`${root}/src/__tests__/my-${kind}.test.ts`, 'utf-8')!;
    expect(test).toContain(`describe${kind[0].toUpperCase()}${kind.slice(1)}Contract('my-${kind}'`);
    const entries = tree.read(`${root}/src/entries.ts`, 'utf-8')!;
    if (kind !== 'backbone') expect(entries).toMatch(/declare module '@imprint\/core'/);
    expect(tree.read('.changeset/my-' + kind + '.md', 'utf-8')).toMatch(new RegExp(`['"]imprint-plugin-my-${kind}['"]: minor`));
    for (const heading of ['What is this', 'When should I use it', 'Install', 'Use', 'API', 'Compatibility']) expect(tree.read(`${root}/README.md`, 'utf-8')).toContain(`## ${heading}`);
  });

  it('rejects bad names and kinds, and existing packages', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await expect(pluginGenerator(tree, { kind: 'generator', name: 'Bad Name' })).rejects.toThrow(/kebab-case/);
    await expect(pluginGenerator(tree, { kind: 'tokenizer', name: 'x' })).rejects.toThrow(/kind must be one of/);
    await pluginGenerator(tree, { kind: 'generator', name: 'twice' });
    await expect(pluginGenerator(tree, { kind: 'generator', name: 'twice' })).rejects.toThrow(/already exists/);
  });

  it('generated packages type-check and pass their own tests (conformance suite included)', async () => {
    const scratch = join(repo, 'tools', '.scaffold-check');
    rmSync(scratch, { recursive: true, force: true });
    // The committed example was made by this generator and has the workspace links installed.
    const modules = join(repo, 'examples', 'centered-l2', 'node_modules');
    expect(existsSync(modules)).toBe(true);
    for (const kind of KINDS) {
      const tree = createTreeWithEmptyWorkspace();
      await pluginGenerator(tree, { kind, name: `check-${kind}`, directory: 'tools/.scaffold-check' });
      for (const change of tree.listChanges()) {
        if (!change.path.startsWith('tools/.scaffold-check/') || change.content === null) continue;
        mkdirSync(dirname(join(repo, change.path)), { recursive: true });
        writeFileSync(join(repo, change.path), change.content);
      }
      const root = join(scratch, `check-${kind}`);
      symlinkSync(modules, join(root, 'node_modules'), 'dir');
      const bin = (name: string) => join(repo, 'node_modules', '.bin', name);
      execFileSync(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit'], { cwd: root, stdio: 'pipe' });
      const output = execFileSync(bin('vitest'), ['run', '--reporter=dot'], { cwd: root, stdio: 'pipe', env: { ...process.env, CI: '', NO_COLOR: '1', FORCE_COLOR: '0' } }).toString();
      expect(output).toMatch(/Tests\s+\d+ passed/);
      expect(output).not.toMatch(/failed/);
    }
    rmSync(scratch, { recursive: true, force: true });
  });
});
