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
