/**
 * One-line messages for what can go wrong in a CLI command. User errors (bad flags, bad input,
 * unreachable server) carry no stack; a workflow failure is reduced to its innermost cause.
 */
import { ActivityFailure, ApplicationFailure, CancelledFailure, TemporalFailure, WorkflowFailedError } from '@temporalio/client';
import { TemporalConfigError } from '../../client/connection';
import { UsageError } from './options';

/** The exit code and message a command reports for an error. */
export function describeError(err: unknown): { exitCode: number; message: string } {
  if (err instanceof UsageError) return { exitCode: 2, message: err.message };
  if (err instanceof TemporalConfigError) return { exitCode: 1, message: err.message };
  if (err instanceof WorkflowFailedError) {
    if (err.cause instanceof CancelledFailure) return { exitCode: 1, message: 'workflow cancelled' };
    return { exitCode: 1, message: `workflow failed: ${failureChain(err.cause)}` };
  }
  if (err instanceof TemporalFailure) return { exitCode: 1, message: failureChain(err) };
  return { exitCode: 1, message: err instanceof Error ? err.message : String(err) };
}

/**
 * "TooManyRejectedRows: 12 rows rejected …", or for an activity failure
 * "activity copyStagingEvents: CopyFailed: …": the type names what failed, the message says why.
 */
export function failureChain(failure: unknown): string {
  const parts: string[] = [];
  let current: unknown = failure;
  while (current instanceof Error) {
    if (current instanceof ActivityFailure) {
      parts.push(`activity ${current.activityType ?? '?'}`);
    } else if (current instanceof ApplicationFailure) {
      parts.push(current.type ? `${current.type}: ${current.message}` : current.message);
    } else if (current.message) {
      parts.push(current.message);
    }
    current = (current as { cause?: unknown }).cause;
  }
  return parts.length > 0 ? parts.join(': ') : String(failure);
}
