/**
 * `pnpm bench:report`: the time `imprint-bench report` takes on a results file the size of the
 * paper grid (apps/benchmark/grids/paper-grid.yaml expanded: every run with an accuracy drawn from a
 * seeded model of method and group effects), measured through the CLI, start-up included.
 * Measures; asserts nothing. Options: --grid FILE (default the paper grid), --seeds N (default 1).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createRng } from '@imprint/core';
import { defaultCacheDir } from '@imprint/core/node';
import { canonicalJson, createStandardRegistry, expandGrid, methodKey, readGridFile } from '@imprint/eval';

const { values: args } = parseArgs({ options: { grid: { type: 'string' }, seeds: { type: 'string', default: '1' } } });
const root = resolve(new URL('../../../..', import.meta.url).pathname);
const gridFile = args.grid ?? join(root, 'apps/benchmark/grids/paper-grid.yaml');
const spec = await readGridFile(gridFile);
const runs = expandGrid({ ...spec, seeds: Array.from({ length: Number(args.seeds) }, (_, i) => i) }, createStandardRegistry());
const rng = createRng(7);
const methodEffect = new Map<string, number>();
const lines = runs.map(({ id, ...run }) => {
  const method = methodKey(run);
  if (!methodEffect.has(method)) methodEffect.set(method, rng.normal() * 6);
  const group = canonicalJson([run.dataset, run.split]);
  const accuracy = Math.min(100, Math.max(0, 70 + methodEffect.get(method)! + (group.length % 7) + rng.normal()));
  return JSON.stringify({ id, config: run, accuracy, f1Weighted: accuracy, timings: { generateMs: 1, predictMs: 1, memoised: false } });
});
const dir = join(defaultCacheDir(), 'bench');
mkdirSync(dir, { recursive: true });
const results = join(dir, 'paper-grid-results.jsonl');
writeFileSync(results, `${lines.join('\n')}\n`);
process.stdout.write(`bench:report — ${runs.length} runs, ${methodEffect.size} methods (${gridFile})\n`);
const started = performance.now();
const out = spawnSync(process.execPath, ['--conditions=@imprint/source', '--import', 'tsx', join(root, 'apps/benchmark/src/bin.ts'), 'report', results, '--out', join(dir, 'paper-grid-report')], { cwd: root, encoding: 'utf8' });
const seconds = (performance.now() - started) / 1000;
process.stdout.write(out.stderr);
process.stdout.write(`imprint-bench report: exit ${out.status}, ${seconds.toFixed(1)} s (process, start-up included)\n`);
