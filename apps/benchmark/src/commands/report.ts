import { readResults, writeReport } from '@imprint/eval';
import { ImprintError } from '@imprint/core';

/** `imprint-bench report RESULTS.jsonl --out DIR`: report.md and SVG charts from any results file. */
export async function reportCommand(file: string, options: { out: string }): Promise<void> {
  const { results, malformed } = readResults(file);
  if (results.length === 0) throw new ImprintError('BAD_FILE', `${file} holds no results`, { path: file });
  const { files } = await writeReport(results, options.out, { title: `IMPRINT results: ${file}` });
  process.stderr.write(`wrote ${files.map((f) => `${options.out}/${f}`).join(', ')} from ${results.length} runs${malformed ? ` (${malformed} malformed lines skipped)` : ''}\n`);
}
