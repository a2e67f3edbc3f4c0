import { ImprintError, type ImprintErrorCode } from './errors.js';

/** An error as it crosses a worker-thread boundary (structured clone keeps no class). */
export interface TransferredError {
  readonly code?: ImprintErrorCode;
  readonly message: string;
  readonly stack?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** The parts of `error` that survive `postMessage`. */
export function errorToTransfer(error: unknown): TransferredError {
  if (error instanceof ImprintError) return { code: error.code, message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }), ...(error.details === undefined ? {} : { details: error.details }) };
  if (error instanceof Error) return { message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }) };
  return { message: String(error) };
}

/**
 * Rebuild a worker's error on this side: an {@link ImprintError} keeps its code and message; any
 * other failure becomes `INTERNAL` with `where` in its message. The worker's stack is kept in
 * `details.stack` (printed by front ends in debug mode).
 */
export function errorFromTransfer(payload: TransferredError | string, where: string): ImprintError {
  const transferred = typeof payload === 'string' ? { message: payload } : payload;
  const details = { ...(transferred.details ?? {}), ...(transferred.stack === undefined ? {} : { stack: transferred.stack }) };
  if (transferred.code !== undefined) return new ImprintError(transferred.code, transferred.message, details);
  return new ImprintError('INTERNAL', `${where} failed: ${transferred.message}`, details);
}
