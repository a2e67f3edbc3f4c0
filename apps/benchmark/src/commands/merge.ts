import { writeFileAtomic } from '@imprint/core/node';
import { mergeResults } from '@imprint/eval';

/** `imprint-bench merge A.jsonl B.jsonl … --out ALL.jsonl`: join shard outputs, one line per run id. */
export async function mergeCommand(files: string[], options: { out: string }): Promise<void> {
  const { results, duplicates, malformed } = mergeResults(files);
  await writeFileAtomic(options.out, new TextEncoder().encode(results.map((r) => JSON.stringify(r)).join('\n') + (results.length ? '\n' : '')));
  process.stderr.write(`merged ${files.length} files into ${options.out}: ${results.length} runs (${duplicates} duplicates dropped, ${malformed} malformed lines skipped)\n`);
}
