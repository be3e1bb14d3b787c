import { ApplicationFailure } from '@temporalio/common';

/** The source (or one of its files) is not there or cannot be read: retrying cannot help. */
export function sourceNotFound(what: string, cause?: unknown): ApplicationFailure {
  const reason = cause instanceof Error ? `: ${(cause as NodeJS.ErrnoException).code ?? cause.message}` : '';
  return ApplicationFailure.create({
    message: `source not found or unreadable: ${what}${reason}`,
    type: 'SourceNotFound',
    nonRetryable: true,
    cause: cause instanceof Error ? cause : undefined,
  });
}
