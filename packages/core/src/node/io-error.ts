import { ImprintError } from '../util/errors.js';

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'it is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EEXIST: 'it already exists',
  EMFILE: 'too many open files',
  ELOOP: 'a loop of symbolic links',
  ENAMETOOLONG: 'the name is too long',
};

/** Whether `error` is a Node.js system error (it has an `E…` code such as ENOENT). */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && /^E[A-Z]+$/.test((error as NodeJS.ErrnoException).code!);
}

/**
 * A file-system failure as one readable error: "cannot write results/: it is a directory, not a
 * file (EISDIR)". `code` is `IO` for outputs and `BAD_FILE` for inputs that cannot be read.
 * Errors that are not system errors are returned unchanged.
 */
export function ioError(error: unknown, action: string, path: string, code: 'IO' | 'BAD_FILE' = 'IO'): unknown {
  if (!isSystemError(error)) return error;
  const reason = REASONS[error.code] ?? error.message;
  return new ImprintError(code, `cannot ${action} ${path}: ${reason} (${error.code})`, { path, errno: error.code });
}
