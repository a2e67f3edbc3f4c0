import { ImprintError } from '@imprint/core';

/** A BAD_FILE error that names the file. */
export function badFile(path: string, problem: string): ImprintError {
  return new ImprintError('BAD_FILE', `${path}: ${problem}`, { path });
}
