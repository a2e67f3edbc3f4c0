import { ImprintError, type Registry } from '@imprint/core';
import { createStandardRegistry, expandGrid, readGridFile, runGrid, type RunGridOptions } from '@imprint/eval';
import { Progress } from '../progress.js';

export interface GridOptions {
  out: string;
  workers?: number;
  shard?: string;
  memo?: boolean;
  dryRun?: boolean;
}

/** Parse `--shard i/n` (0-based). */
export function parseShard(text: string | undefined): { index: number; count: number } | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index >= count) throw new ImprintError('INVALID_CONFIG', `--shard must be i/n with 0 ≤ i < n, got ${JSON.stringify(text)}`);
  return { index, count };
}

/** `imprint-bench grid GRID.yaml --out RESULTS.jsonl`: expand, validate, run (resumable). */
export async function gridCommand(file: string, options: GridOptions, registry: Registry = createStandardRegistry(), workerSetup: Pick<RunGridOptions, 'pluginModules' | 'engineModule' | 'engineOptions' | 'backboneLoader' | 'backboneLoaderModule'> = {}): Promise<void> {
  const runs = expandGrid(await readGridFile(file, registry.options()), registry);
  const shard = parseShard(options.shard);
  process.stderr.write(`${file}: ${runs.length} runs after filters${shard ? `, shard ${shard.index}/${shard.count}` : ''}\n`);
  if (options.dryRun) {
    process.stdout.write(`${JSON.stringify(runs.map((r) => r.id))}\n`);
    return;
  }
  let progress: Progress | undefined;
  const start = performance.now();
  const summary = await runGrid({
    runs,
    resultsPath: options.out,
    registry,
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(shard === undefined ? {} : { shard }),
    memoize: options.memo !== false,
    ...workerSetup,
    onProgress: (done, total) => {
      progress ??= new Progress('runs', total, '', start);
      progress.update(done);
    },
  });
  process.stderr.write(
    `done: ${summary.completed} runs in ${summary.seconds.toFixed(1)} s (${(summary.completed / Math.max(summary.seconds, 1e-9)).toFixed(1)} runs/s), ${summary.skipped} already in ${options.out}, ${summary.memoHits} proxy sets reused\n`,
  );
}
