import { ImprintError, type ImprintErrorCode } from '../util/errors.js';

function describe(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  return JSON.stringify(value) ?? String(value);
}

export interface IntegerBounds {
  readonly min?: number;
  readonly max?: number;
  /** Error code. @default 'INVALID_CONFIG' */
  readonly code?: ImprintErrorCode;
}

/**
 * `value` as an integer within `[min, max]`, else an {@link ImprintError} that names `what`, the
 * value and the valid range: "workers must be an integer ≥ 1, got 1.5". Strings are not parsed:
 * command-line front ends parse first (see `parseIntegerOption`).
 */
export function checkInteger(value: unknown, what: string, { min, max, code = 'INVALID_CONFIG' }: IntegerBounds = {}): number {
  const ok = typeof value === 'number' && Number.isSafeInteger(value) && (min === undefined || value >= min) && (max === undefined || value <= max);
  if (ok) return value;
  const range = [min === undefined ? '' : ` ≥ ${min}`, max === undefined ? '' : `${min === undefined ? '' : ' and'} ≤ ${max}`].join('');
  throw new ImprintError(code, `${what} must be an integer${range}, got ${describe(value)}`, { what, value: typeof value === 'bigint' ? String(value) : value });
}

/**
 * Parse a command-line integer strictly ("12" → 12; "1.5", "abc", "", "1e3x" are rejected) and
 * check its range with {@link checkInteger}.
 */
export function parseIntegerOption(text: string, what: string, bounds: IntegerBounds = {}): number {
  const trimmed = text.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) {
    const range = [bounds.min === undefined ? '' : ` ≥ ${bounds.min}`, bounds.max === undefined ? '' : ` ≤ ${bounds.max}`].join('');
    throw new ImprintError(bounds.code ?? 'INVALID_CONFIG', `${what} must be an integer${range}, got ${JSON.stringify(text)}`, { what, value: text });
  }
  return checkInteger(Number(trimmed), what, bounds);
}

/** A decimal number, optionally with an exponent: what a user means by a number on a command line. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parse a command-line number strictly (finite decimal or exponent notation): `Number()` alone would
 * take "0x10" as 16, "0b11" as 3 and "" as 0.
 */
export function parseNumberOption(text: string, what: string): number {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (!DECIMAL.test(trimmed) || !Number.isFinite(value)) throw new ImprintError('INVALID_CONFIG', `${what} must be a finite decimal number, got ${JSON.stringify(text)}`, { what, value: text });
  return value;
}
