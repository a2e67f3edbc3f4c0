import { ImprintError } from '@imprint/core';
import { ioError } from '@imprint/core/node';
import { appendFileSync, closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import type { RunConfig } from './run-config.js';

/** One line of a results file (JSONL). Other tools read this schema. */
export interface ResultLine {
  readonly id: string;
  /** Fully resolved: data keys, imprinting keys, `preset` when the run came from one. */
  readonly config: RunConfig;
  /** Percent correct (0–100). */
  readonly accuracy: number;
  /** Support-weighted one-vs-rest F1, percent. */
  readonly f1Weighted: number;
  /** Proxies stored over all classes (absent in files written before it was recorded). */
  readonly proxies?: number;
  readonly timings: { readonly generateMs: number; readonly predictMs: number; readonly memoised: boolean };
  /** Train labels in class-index order, and `confusion[t][p]` counts over them (absent in files written before they were recorded). */
  readonly classes?: readonly number[];
  readonly confusion?: readonly (readonly number[])[];
  /** Train rows the run imprinted from (after its task split and few-shot sample: absent in older files). */
  readonly trainRows?: number;
}

/**
 * Append one result as one line with a single `write` to a file opened for appending (O_APPEND),
 * so concurrent writers never interleave inside a line and a killed process loses at most the
 * line in flight.
 */
export function appendResult(path: string, result: ResultLine): void {
  appendFileSync(path, `${JSON.stringify(result)}\n`);
}

/**
 * Make sure a results file ends with a newline, so that the next appended line does not glue
 * onto a line torn by a killed writer (which is then skipped as malformed).
 */
export function terminateLastLine(path: string): void {
  if (!existsSync(path)) return;
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] !== 0x0a) appendFileSync(path, '\n');
  } finally {
    closeSync(fd);
  }
}

export interface ReadResultsOptions {
  /** Fail with `BAD_FILE` when the file does not exist (a mistyped path), instead of reading it as empty. @default false */
  readonly mustExist?: boolean;
}

/**
 * Read a results file: one result per run id (the first line of an id wins; later lines of the
 * same id — e.g. from two processes that once wrote one file — are counted as `duplicates` and
 * ignored, so no statistic counts a run twice). Malformed lines (a write cut by a kill) are
 * skipped and counted.
 */
export function readResults(path: string, { mustExist = false }: ReadResultsOptions = {}): { results: ResultLine[]; malformed: number; duplicates: number } {
  if (!existsSync(path)) {
    if (mustExist) throw new ImprintError('BAD_FILE', `${path}: no such results file`, { path });
    return { results: [], malformed: 0, duplicates: 0 };
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw ioError(error, 'read results file', path, 'BAD_FILE');
  }
  const seen = new Map<string, ResultLine>();
  let malformed = 0;
  let duplicates = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed = JSON.parse(line) as ResultLine;
      if (typeof parsed?.id !== 'string' || typeof parsed.accuracy !== 'number' || typeof parsed.config !== 'object' || parsed.config === null) malformed++;
      else if (seen.has(parsed.id)) duplicates++;
      else seen.set(parsed.id, parsed);
    } catch {
      malformed++;
    }
  }
  return { results: [...seen.values()], malformed, duplicates };
}

/** Merge results files: one line per id (the first seen), in file order. Every input must exist. */
export function mergeResults(paths: readonly string[]): { results: ResultLine[]; duplicates: number; malformed: number } {
  const seen = new Map<string, ResultLine>();
  let duplicates = 0;
  let malformed = 0;
  for (const path of paths) {
    const read = readResults(path, { mustExist: true });
    malformed += read.malformed;
    duplicates += read.duplicates;
    for (const r of read.results) {
      if (seen.has(r.id)) duplicates++;
      else seen.set(r.id, r);
    }
  }
  return { results: [...seen.values()], duplicates, malformed };
}
