import { ImprintError, type Registry } from '@imprint/core';
import { writeFileAtomic } from '@imprint/core/node';
import { createStandardRegistry, expandGrid, mergeResults, readGridFile } from '@imprint/eval';

export interface MergeOptions {
  out: string;
  /** A grid file: every run of it must be in the merged results (a shard that failed shows here). */
  expect?: string;
}

/** `imprint-bench merge A.jsonl B.jsonl … --out ALL.jsonl [--expect GRID]`: join shard outputs, one line per run id. */
export async function mergeCommand(files: string[], options: MergeOptions, registry: Registry = createStandardRegistry()): Promise<void> {
  const { results, duplicates, malformed } = mergeResults(files);
  await writeFileAtomic(options.out, new TextEncoder().encode(results.map((r) => JSON.stringify(r)).join('\n') + (results.length ? '\n' : '')));
  process.stderr.write(`merged ${files.length} files into ${options.out}: ${results.length} runs (${duplicates} duplicates dropped, ${malformed} malformed lines skipped)\n`);
  if (options.expect === undefined) return;
  const runs = expandGrid(await readGridFile(options.expect, registry.options()), registry);
  const have = new Set(results.map((r) => r.id));
  const missing = runs.filter((r) => !have.has(r.id));
  const wanted = new Set(runs.map((r) => r.id));
  const extra = results.filter((r) => !wanted.has(r.id)).length;
  if (missing.length > 0) {
    throw new ImprintError(
      'INVALID_INPUT',
      `${options.out}: ${missing.length} of the ${runs.length} runs of ${options.expect} are missing (e.g. ${missing.slice(0, 3).map((r) => r.id).join(', ')}); a shard did not finish: run its task again (it resumes), then merge again`,
      { missing: missing.length, runs: runs.length },
    );
  }
  process.stderr.write(`complete: all ${runs.length} runs of ${options.expect}${extra > 0 ? ` (and ${extra} runs of other grids)` : ''}\n`);
}
