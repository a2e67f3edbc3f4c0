import { availableParallelism } from 'node:os';
import { ImprintError, parseIntegerOption, parseNumberOption, type IntegerBounds } from '@imprint/core';

/**
 * A commander argument parser for an integer option: "2" → 2; "1.5", "abc" or out-of-range values
 * fail with one typed line ("--workers must be an integer ≥ 1, got "1.5"") before any work starts.
 */
export function integerOption(flag: string, bounds: IntegerBounds = {}): (value: string) => number {
  return (value) => parseIntegerOption(value, flag, bounds);
}

/** Like {@link integerOption}, also accepting the word "all" (returned as undefined: no limit). */
export function limitOption(flag: string): (value: string) => number | 'all' {
  return (value) => (value.trim() === 'all' ? 'all' : parseIntegerOption(value, `${flag} (or "all")`, { min: 1 }));
}

/** A comma-separated list of integers, e.g. `--seeds 0,1,2`. */
export function integerListOption(flag: string, bounds: IntegerBounds = {}): (value: string) => number[] {
  return (value) => value.split(',').map((part, i) => parseIntegerOption(part, `${flag} entry ${i + 1}`, bounds));
}

/** A share strictly between 0 and 1 (a decimal number: "" or "0x1" are refused, not read as 0 or 1). */
export function shareOption(flag: string): (value: string) => number {
  return (value) => {
    const share = parseNumberOption(value, flag);
    if (!(share > 0 && share < 1)) throw new ImprintError('INVALID_CONFIG', `${flag} must be above 0 and below 1, got ${JSON.stringify(value)}`, { value });
    return share;
  };
}

/**
 * Worker threads: an integer from 1 to the number of cores (more threads than cores only adds
 * memory — each holds its own tf.js backend and data — and then runs out of it).
 */
export function workersOption(flag = '--workers'): (value: string) => number {
  return (value) => {
    const cores = availableParallelism();
    const n = parseIntegerOption(value, flag, { min: 1 });
    if (n > cores) throw new ImprintError('INVALID_CONFIG', `${flag} must be at most the number of cores here (${cores}), got ${n}: more threads than cores only add memory`, { value: n, cores });
    return n;
  };
}
