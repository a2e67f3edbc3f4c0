import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ImprintError, didYouMean, type Registry } from '@imprint/core';
import { BACKBONE_NAMES } from '@imprint/backbones';
import { createStandardRegistry, expandGrid, readGridFile, readResults, runGrid, type RunGridOptions } from '@imprint/eval';
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

/**
 * The grid's backbones are ones this CLI can load — an embedded FM, `pixels`, or `onnx:PATH` (an
 * existing file, with the onnx engine) — checked before anything runs, `--dry-run` included.
 */
function checkBackbones(backbones: readonly string[], file: string, onnx: boolean): void {
  for (const name of backbones) {
    if (name.startsWith('onnx:')) {
      const path = name.slice('onnx:'.length);
      if (!existsSync(path)) throw new ImprintError('BAD_FILE', `${file}: backbone ${name}: no such file (${resolve(path)})`, { backbone: name });
      if (!onnx) throw new ImprintError('UNSUPPORTED', `${file}: backbone ${name} is an ONNX model, which runs on the onnx engine: use --engine onnx`, { backbone: name });
    } else if (!(BACKBONE_NAMES as readonly string[]).includes(name)) {
      throw new ImprintError('UNKNOWN_PLUGIN', `${file}: unknown backbone "${name}"${didYouMean(name, BACKBONE_NAMES)}; available: ${BACKBONE_NAMES.join(', ')}, or onnx:PATH`, { backbone: name });
    }
  }
}

/** `imprint-bench grid GRID.yaml --out RESULTS.jsonl`: expand, validate, run (resumable). */
export async function gridCommand(file: string, options: GridOptions, registry: Registry = createStandardRegistry(), workerSetup: Pick<RunGridOptions, 'pluginModules' | 'engineModule' | 'engineOptions' | 'backboneLoader' | 'backboneLoaderModule'> = {}): Promise<void> {
  const spec = await readGridFile(file, registry.options());
  checkBackbones(spec.backbones, file, workerSetup.backboneLoader !== undefined);
  const runs = expandGrid(spec, registry);
  const shard = parseShard(options.shard);
  process.stderr.write(`${file}: ${runs.length} runs after filters${shard ? `, shard ${shard.index}/${shard.count}` : ''}\n`);
  if (options.dryRun) {
    process.stdout.write(`${JSON.stringify(runs.map((r) => r.id))}\n`);
    return;
  }
  let progress: Progress | undefined;
  const start = performance.now();
  // Ctrl-C: say what is kept and how to go on (finished runs are in the results file, line by line).
  const ids = new Set(runs.map((r) => r.id));
  const interrupted = () => {
    const kept = readResults(options.out).results.filter((r) => ids.has(r.id)).length;
    process.stderr.write(`\ninterrupted: ${kept} of ${runs.length} runs of ${file} are in ${options.out}; run the same command again to resume\n`);
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  let summary;
  try {
    summary = await runGrid({
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
  } finally {
    process.off('SIGINT', interrupted);
  }
  process.stderr.write(
    `done: ${summary.completed} runs in ${summary.seconds.toFixed(1)} s (${(summary.completed / Math.max(summary.seconds, 1e-9)).toFixed(1)} runs/s), ${summary.skipped} already in ${options.out}, ${summary.memoHits} proxy sets reused\n`,
  );
}
