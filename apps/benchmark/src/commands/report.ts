import { ImprintError, type DescribeSource } from '@imprint/core';
import { readDataFile, readResults, writeReport } from '@imprint/eval';

export interface ReportCommandOptions {
  out: string;
  top?: number;
  method?: string[];
  nc1?: string;
}

/** Read an NC1 file: a JSON object `{ "backbone|dataset": nc1, … }` (what `table1` writes as nc1.json). */
async function readNc1(path: string): Promise<Record<string, number>> {
  const parsed = await readDataFile(path, 'NC1 file');
  const ok = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && Object.entries(parsed).every(([key, value]) => key.includes('|') && typeof value === 'number' && Number.isFinite(value) && value > 0);
  if (!ok) throw new ImprintError('BAD_FILE', `${path} must hold a JSON object of positive NC1 values keyed "backbone|dataset", e.g. {"mobilenet_v2_140|mnist": 1.42}`, { path });
  return parsed as Record<string, number>;
}

/** `imprint-bench report RESULTS.jsonl --out DIR`: report.md, methods.csv and SVG charts from any results file. */
export async function reportCommand(file: string, options: ReportCommandOptions, describe?: DescribeSource): Promise<void> {
  const { results, malformed, duplicates } = readResults(file, { mustExist: true });
  if (results.length === 0) throw new ImprintError('BAD_FILE', `${file} holds no results`, { path: file });
  if (duplicates > 0) process.stderr.write(`${file}: ${duplicates} duplicate lines (a run id seen before) ignored\n`);
  const nc1 = options.nc1 === undefined ? undefined : await readNc1(options.nc1);
  const start = performance.now();
  const { files, analysis } = await writeReport(results, options.out, {
    title: `IMPRINT results: ${file}`,
    ...(describe === undefined ? {} : { describe }),
    ...(options.top === undefined ? {} : { top: options.top }),
    ...(options.method === undefined ? {} : { methods: options.method }),
    ...(nc1 === undefined ? {} : { nc1 }),
  });
  process.stderr.write(
    `wrote ${files.map((f) => `${options.out}/${f}`).join(', ')} from ${results.length} runs, ${analysis.methods.length} methods in ${((performance.now() - start) / 1000).toFixed(1)} s${malformed ? ` (${malformed} malformed lines skipped)` : ''}\n`,
  );
}
