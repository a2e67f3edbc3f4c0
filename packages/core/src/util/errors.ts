/**
 * Every failure that the toolkit reports on purpose is an {@link ImprintError} with a stable
 * `code`, so callers can branch on the kind of failure without parsing messages.
 */
export type ImprintErrorCode =
  | 'NON_FINITE'
  | 'DIMENSION_MISMATCH'
  | 'EMPTY_CLASS'
  | 'INVALID_K'
  | 'INVALID_CONFIG'
  | 'INVALID_INPUT'
  | 'UNKNOWN_PLUGIN'
  | 'DUPLICATE_PLUGIN'
  | 'DUPLICATE_OPTION'
  | 'WRONG_STAGE'
  | 'NO_CLASSES'
  | 'UNKNOWN_CLASS'
  | 'CLASS_EXISTS'
  | 'EXAMPLES_NOT_KEPT'
  | 'EXAMPLES_LIMIT'
  | 'CORRUPT_FILE'
  | 'UNVERIFIED_FILE'
  | 'BAD_FILE'
  | 'UNSUPPORTED'
  | 'BUSY'
  | 'LOCKED'
  | 'IO'
  | 'INTERNAL';

export class ImprintError extends Error {
  readonly code: ImprintErrorCode;
  readonly details?: Readonly<Record<string, unknown>>;

  constructor(code: ImprintErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'ImprintError';
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}

/** True when `error` is an {@link ImprintError}, optionally with the given code. */
export function isImprintError(error: unknown, code?: ImprintErrorCode): error is ImprintError {
  return error instanceof ImprintError && (code === undefined || error.code === code);
}
