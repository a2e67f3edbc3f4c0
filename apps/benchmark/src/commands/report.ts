import { ImprintError, type DescribeSource } from '@imprint/core';
import { join } from 'node:path';
import { canonicalJson, readDataFile, readResults, standardDescribeSource, writeReport, type ResultLine } from '@imprint/eval';

export interface ReportCommandOptions {
  out: string;
  top?: number;
  method?: string[];
  nc1?: string;
}

type NcMeasures = { nc1: number; traceWithin: number; traceBetween: number; rankBetween: number };

/**
 * Read an NC file keyed "backbone|dataset": NC1 values (`nc1.json` of `table1`), or objects with
 * NC1 and the traces of Σ_W and Σ_B and the rank of Σ_B (its `nc.json`).
 */
async function readNc1(path: string): Promise<{ nc1: Record<string, number>; measures: Record<string, NcMeasures> }> {
  const parsed = await readDataFile(path, 'NC1 file');
  const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;
  const isMeasures = (v: unknown): v is NcMeasures =>
    typeof v === 'object' && v !== null && positive((v as NcMeasures).nc1) && [(v as NcMeasures).traceWithin, (v as NcMeasures).traceBetween, (v as NcMeasures).rankBetween].every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0);
  const ok = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && Object.entries(parsed).every(([key, value]) => key.includes('|') && (positive(value) || isMeasures(value)));
  if (!ok) throw new ImprintError('BAD_FILE', `${path} must hold a JSON object keyed "backbone|dataset" of positive NC1 values, e.g. {"mobilenet_v2_140|mnist": 1.42}, or of measures as table1's nc.json holds them`, { path });
  const nc1: Record<string, number> = {};
  const measures: Record<string, NcMeasures> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, number | NcMeasures>)) {
    if (typeof value === 'number') nc1[key] = value;
    else {
      nc1[key] = value.nc1;
      measures[key] = value;
    }
  }
  return { nc1, measures };
}

/** Accuracies are percentages: a value outside 0–100 (or not finite) is not a result of this tool. */
function checkAccuracies(results: readonly ResultLine[], file: string): void {
  const bad = results.filter((r) => !Number.isFinite(r.accuracy) || r.accuracy < 0 || r.accuracy > 100);
  if (bad.length === 0) {
    if (results.every((r) => r.accuracy <= 1) && results.some((r) => r.accuracy > 0)) {
      throw new ImprintError('BAD_FILE', `${file}: every accuracy is between 0 and 1 (e.g. ${String(results[0]!.accuracy)}): these look like fractions, but results hold percentages (0–100); multiply them by 100`, { path: file });
    }
    return;
  }
  const first = bad[0]!;
  throw new ImprintError('BAD_FILE', `${file}: ${bad.length} of ${results.length} runs have an accuracy outside 0–100 (run ${first.id}: ${String(first.accuracy)}); accuracies are percentages, as grid, table1 and merge write them`, { path: file, count: bad.length });
}

/**
 * One line per resolved config: runs of one config under two ids (results of two versions, whose
 * ids differ) would count twice in the ranks. The line later in the file (the newer) is kept.
 */
function oneLinePerConfig(results: readonly ResultLine[], file: string): ResultLine[] {
  const byConfig = new Map<string, ResultLine>();
  for (const result of results) byConfig.set(canonicalJson(result.config), result);
  const dropped = results.length - byConfig.size;
  if (dropped > 0) process.stderr.write(`${file}: ${dropped} runs repeat the config of a later line under another id (results of another version); the later lines are used\n`);
  if (dropped === 0) return [...results];
  const kept = new Set(byConfig.values());
  return results.filter((r) => kept.has(r));
}

/**
 * Configs as this version resolves them: a recorded option (one every resolved config holds) that
 * a line lacks was added after that line was written, so the line ran with its default. Filled in,
 * results of older versions label as the current ones do (never "undefined") and the same method
 * is one method across versions.
 */
function withRecordedDefaults(results: readonly ResultLine[], file: string, describe: DescribeSource): ResultLine[] {
  const defaults = describe.options().recordedDefaults();
  const filled = new Map<string, number>();
  const out = results.map((result) => {
    const missing = Object.keys(defaults).filter((key) => !(key in result.config));
    if (missing.length === 0) return result;
    for (const key of missing) filled.set(key, (filled.get(key) ?? 0) + 1);
    return { ...result, config: { ...Object.fromEntries(missing.map((key) => [key, defaults[key]])), ...result.config } as ResultLine['config'] };
  });
  for (const [key, count] of filled) process.stderr.write(`${file}: ${count} runs predate option ${key} (written by an older version); taken as its default ${JSON.stringify(defaults[key])}\n`);
  return out;
}

/** `imprint-bench report RESULTS.jsonl --out DIR`: report.md, methods.csv and SVG charts from any results file. */
export async function reportCommand(file: string, options: ReportCommandOptions, describe?: DescribeSource): Promise<void> {
  const read = readResults(file, { mustExist: true });
  const { malformed, duplicates } = read;
  if (read.results.length === 0) throw new ImprintError('BAD_FILE', `${file} holds no results`, { path: file });
  if (duplicates > 0) process.stderr.write(`${file}: ${duplicates} duplicate lines (a run id seen before) ignored\n`);
  checkAccuracies(read.results, file);
  const results = oneLinePerConfig(withRecordedDefaults(read.results, file, describe ?? standardDescribeSource()), file);
  const nc = options.nc1 === undefined ? undefined : await readNc1(options.nc1);
  const start = performance.now();
  const { files, analysis } = await writeReport(results, options.out, {
    title: `IMPRINT results: ${file}`,
    ...(describe === undefined ? {} : { describe }),
    ...(options.top === undefined ? {} : { top: options.top }),
    ...(options.method === undefined ? {} : { methods: options.method }),
    ...(nc === undefined ? {} : { nc1: nc.nc1, ncMeasures: nc.measures }),
  });
  process.stderr.write(
    `wrote ${files.map((f) => join(options.out, f)).join(', ')} from ${results.length} runs, ${analysis.methods.length} methods in ${((performance.now() - start) / 1000).toFixed(1)} s${malformed ? ` (${malformed} malformed lines skipped)` : ''}\n`,
  );
}
