import { totalmem } from 'node:os';
import { ImprintError } from '@imprint/core';
import { badFile } from './file-errors.js';

/**
 * The most bytes one input file's arrays may take in memory: `IMPRINT_MAX_INPUT_BYTES`, else
 * half of this machine's memory. Checked from what a file declares (array shapes, zip sizes)
 * before anything that large is allocated or inflated, so a small compressed file that would
 * inflate to gigabytes (a "zip bomb") is refused with a line instead of exhausting memory.
 */
export function maxInputBytes(): number {
  const text = process.env.IMPRINT_MAX_INPUT_BYTES;
  if (text === undefined || text === '') return Math.floor(totalmem() / 2);
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value <= 0) {
    throw new ImprintError('INVALID_CONFIG', `IMPRINT_MAX_INPUT_BYTES must be a positive whole number of bytes, got ${JSON.stringify(text)}`, { value: text });
  }
  return value;
}

/** Refuse an input whose arrays would take more than {@link maxInputBytes}. */
export function checkInputBytes(path: string, bytes: number, what: string): void {
  const limit = maxInputBytes();
  if (bytes > limit) {
    const gib = (n: number) => (n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`);
    throw badFile(path, `${what} would take ${gib(bytes)} (${bytes} bytes) in memory, more than the ${gib(limit)} allowed (IMPRINT_MAX_INPUT_BYTES, default half this machine's memory); refused before reading it (raise the limit if the file is genuine)`);
  }
}
