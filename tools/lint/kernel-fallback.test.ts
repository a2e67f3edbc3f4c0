import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The lint rule that keeps kernels in one table: a plugin calls kernelSet(kernels).name(…) — the
// engine's kernel or the reference one — and never keeps a private fallback. `pnpm lint` runs it
// over every package; this test makes sure the rule itself still catches the patterns.
const repo = join(__dirname, '..', '..');

async function problems(code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: repo, overrideConfigFile: join(repo, 'eslint.config.js') });
  const [result] = await eslint.lintText(code, { filePath: join(repo, 'packages', 'generators', 'src', 'example.ts') });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

describe('no private kernel fallback (lint rule)', () => {
  it('flags an optional kernel call and a branch on whether a kernel exists', async () => {
    const optional = await problems('declare const kernels: { gram?: (x: number) => number | undefined };\nexport const g = kernels.gram?.(1) ?? 0;\n');
    expect(optional).toHaveLength(1);
    expect(optional[0]).toMatch(/kernelSet\(kernels\)\.name/);
    const branch = await problems('declare const kernels: { nearest?: () => void };\nexport const has = kernels.nearest !== undefined;\n');
    expect(branch).toHaveLength(1);
  });

  it('lets a call through the kernel table and an algorithm choice by overridden pass', async () => {
    const fine = await problems(
      "declare const set: { gram(x: number): number; overridden: Set<string> };\nexport const g = set.gram(1);\nexport const blocked = set.overridden.has('matMulTransposed64');\n",
    );
    expect(fine).toEqual([]);
  });
});
