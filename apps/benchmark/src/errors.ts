import { ImprintError } from '@imprint/core';

/** Print a failure to stderr and return the process exit code (1 for known errors, 70 otherwise). */
export function reportError(error: unknown): number {
  if (error instanceof ImprintError) {
    process.stderr.write(`imprint-bench: error [${error.code}]: ${error.message}\n`);
    return 1;
  }
  process.stderr.write(`imprint-bench: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 70;
}
