/**
 * The SDK runtime for CLI processes: one line per log entry (a retried activity is worth a line,
 * not a stack), warnings and errors only unless asked, so they do not bury progress and summary.
 * SPARKIFY_DEBUG=1 restores the SDK's full logs.
 */
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';

let installed = false;

/** "worker WARN: Activity failed (copyStagingEvents, attempt 1): warehouse unreachable …" */
export function formatLogEntry(entry: LogEntry): string {
  const meta = (entry.meta ?? {}) as Record<string, unknown>;
  const what = [meta.activityType ?? meta.workflowType, meta.attempt !== undefined ? `attempt ${meta.attempt}` : undefined]
    .filter((part) => part !== undefined)
    .join(', ');
  const error = meta.error instanceof Error ? meta.error.message : meta.error !== undefined ? String(meta.error) : '';
  return `worker ${entry.level}: ${entry.message}${what ? ` (${what})` : ''}${error ? `: ${error.split('\n')[0]}` : ''}`;
}

/**
 * Call before the first connection. `handleSignals: false` leaves Ctrl-C to the command (so
 * `up` can cancel its workflow and let teardown run before the worker stops).
 */
export function installCliRuntime(options: { handleSignals: boolean; level?: 'INFO' | 'WARN' }): void {
  if (installed) return;
  installed = true;
  const verbose = Boolean(process.env.SPARKIFY_DEBUG);
  Runtime.install({
    logger: verbose
      ? new DefaultLogger('DEBUG')
      : new DefaultLogger(options.level ?? 'WARN', (entry) => process.stderr.write(`${formatLogEntry(entry)}\n`)),
    ...(options.handleSignals ? {} : { shutdownSignals: [] }),
  });
}
