import { ImprintError } from '@imprint/core';
import { isSystemError } from '@imprint/core/node';

/** One line: newlines inside a message become "; " so a failure never spans a screen. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, '; ').trim();
}

/** Whether failures print their stack: `--debug` anywhere on the command line, or IMPRINT_DEBUG=1. */
export function debugRequested(argv: readonly string[] = process.argv): boolean {
  return argv.includes('--debug') || process.env.IMPRINT_DEBUG === '1';
}

/**
 * Print a failure to stderr as one line and return the process exit code: 1 for failures the
 * toolkit reports on purpose (typed errors, file-system errors), 70 for anything unexpected. The
 * stack (and a worker's stack) follows only in debug mode.
 */
export function reportError(error: unknown, debug = debugRequested()): number {
  const stack = () => {
    if (!debug) return '';
    const own = error instanceof Error && error.stack !== undefined ? `${error.stack}\n` : '';
    const remote = error instanceof ImprintError && typeof error.details?.stack === 'string' ? `worker stack:\n${error.details.stack}\n` : '';
    return own + remote;
  };
  if (error instanceof ImprintError) {
    process.stderr.write(`imprint-bench: error [${error.code}]: ${oneLine(error.message)}\n${stack()}`);
    return 1;
  }
  if (isSystemError(error)) {
    process.stderr.write(`imprint-bench: error [IO]: ${oneLine(error.message)}\n${stack()}`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`imprint-bench: unexpected error: ${oneLine(message)}${debug ? '' : ' (run with --debug for the stack)'}\n${stack()}`);
  return 70;
}
