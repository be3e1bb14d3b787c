import { ApplicationFailure } from '@temporalio/common';

/** The source (or one of its files) is not there or cannot be read: retrying cannot help. */
export function sourceNotFound(what: string, cause?: unknown): ApplicationFailure {
  // Duck-typed: errors from Node internals may come from another realm, where instanceof fails.
  const errorLike = typeof cause === 'object' && cause !== null && 'message' in cause ? (cause as NodeJS.ErrnoException) : undefined;
  const reason = errorLike ? `: ${errorLike.code ?? errorLike.message}` : '';
  return ApplicationFailure.create({
    message: `source not found or unreadable: ${what}${reason}`,
    type: 'SourceNotFound',
    nonRetryable: true,
    cause: errorLike,
  });
}

/** Errors of a single file or directory that may pass: a retry lists and reads again. */
const PASSING_CODES = new Set(['ENOENT', 'ENOTDIR', 'EIO', 'EMFILE', 'ENFILE', 'EAGAIN', 'EBUSY', 'ETIMEDOUT', 'ESTALE', 'EINTR']);

/**
 * Classifies an error met reading one path of the source, with a short message naming it:
 * a symlink loop (ELOOP) or a permission problem (EACCES, EPERM) is non-retryable; a file that
 * vanished after being listed (ENOENT) or a passing I/O condition is retryable, since the retry
 * lists the source again. Anything else is non-retryable SourceNotFound, as before.
 */
export function sourcePathError(absolutePath: string, cause: unknown): ApplicationFailure {
  const errorLike = typeof cause === 'object' && cause !== null && 'message' in cause ? (cause as NodeJS.ErrnoException) : undefined;
  if (errorLike instanceof ApplicationFailure) return errorLike;
  const code = errorLike?.code;
  const failure = (type: string, nonRetryable: boolean, message: string) =>
    ApplicationFailure.create({ type, nonRetryable, message, cause: errorLike });
  if (code === 'ELOOP') return failure('SourceLoop', true, `source symlink loop: ${absolutePath} (ELOOP)`);
  if (code === 'EACCES' || code === 'EPERM') return failure('SourceUnreadable', true, `source permission denied: ${absolutePath} (${code})`);
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return failure('SourceFileVanished', false, `source file vanished after it was listed: ${absolutePath} (${code}); the retry lists the source again`);
  }
  if (code !== undefined && PASSING_CODES.has(code)) return failure('SourceUnavailable', false, `source read failed: ${absolutePath} (${code})`);
  return sourceNotFound(absolutePath, cause);
}

/** A directory symlink that leads back to a directory above it: listing would never end. */
export function sourceLoop(linkPath: string, targetPath: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'SourceLoop',
    nonRetryable: true,
    message: `source symlink loop: ${linkPath} points to ${targetPath}, a directory above it`,
  });
}

/**
 * A planned file vanished or changed between the plan and its COPY. Not retryable: the run's
 * plan no longer describes the data, and loading the new version would mix two snapshots.
 */
export function sourceChanged(what: string, change: string): ApplicationFailure {
  return ApplicationFailure.create({
    message: `source file ${what} ${change} since the staging plan was made; start a new run to load the current data`,
    type: 'SourceChanged',
    nonRetryable: true,
  });
}

/** The store refused the credentials or the request (wrong keys, no permission): not retryable. */
export function sourceAccessDenied(what: string, reason: string): ApplicationFailure {
  return ApplicationFailure.create({
    message: `access to ${what} denied: ${reason}`,
    type: 'SourceAccessDenied',
    nonRetryable: true,
  });
}

/** The store could not be reached or broke off a transfer: retryable (the COPY resumes from its progress row). */
export function sourceUnavailable(what: string, reason: string): ApplicationFailure {
  return ApplicationFailure.create({
    message: `source unavailable: ${what}: ${reason}`,
    type: 'SourceUnavailable',
    nonRetryable: false,
  });
}
