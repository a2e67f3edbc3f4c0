import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every ```ts sample in the docs and READMEs is extracted and type-checked against the workspace
// sources, so the docs cannot drift from the API. A sample whose first line is `// name.ts` is
// saved under that name (later samples may import it as './name.js').
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scratch = join(repo, 'tools', '.docs-check');

function markdownFiles(): string[] {
  const files = [join(repo, 'README.md'), ...readdirSync(join(repo, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(repo, 'docs', f))];
  for (const group of ['packages', 'apps', 'examples']) {
    for (const name of readdirSync(join(repo, group))) {
      const readme = join(repo, group, name, 'README.md');
      if (existsSync(readme)) files.push(readme);
    }
  }
  return files;
}

function samples(file: string): { name: string; code: string }[] {
  const text = readFileSync(file, 'utf8');
  const out: { name: string; code: string }[] = [];
  const base = relative(repo, file).replace(/[^A-Za-z0-9]+/g, '-').replace(/-md$/, '');
  let index = 0;
  for (const match of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
    const code = match[1];
    const named = /^\/\/ ([\w.-]+\.ts)\n/.exec(code);
    out.push({ name: named ? named[1] : `${base}-${++index}.ts`, code });
  }
  return out;
}

describe('documentation samples', () => {
  it('every TypeScript sample type-checks', () => {
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
    const all = markdownFiles().flatMap(samples);
    expect(all.length).toBeGreaterThanOrEqual(10);
    for (const sample of all) writeFileSync(join(scratch, sample.name), `${sample.code}\nexport {};\n`);
    copyFileSync(join(repo, 'tools', 'docs', 'prelude.d.ts'), join(scratch, 'prelude.d.ts'));
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    writeFileSync(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { customConditions: ['@imprint/source'], noEmit: true, noUnusedLocals: false }, include: ['*.ts'] }),
    );
    let output = '';
    try {
      execFileSync(join(repo, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: scratch, stdio: 'pipe' });
    } catch (error) {
      output = String((error as { stdout?: Buffer }).stdout ?? error);
    }
    expect(output, `samples that do not type-check:\n${output}`).toBe('');
    rmSync(scratch, { recursive: true, force: true });
  });
});
