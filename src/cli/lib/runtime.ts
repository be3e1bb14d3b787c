/**
 * The SDK runtime for CLI processes: only warnings and errors are logged, so the worker's
 * routine messages do not interleave with the progress bar and the summary.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';

let installed = false;

/**
 * Call before the first connection. `handleSignals: false` leaves Ctrl-C to the command (so
 * `up` can cancel its workflow and let teardown run before the worker stops).
 */
export function installCliRuntime(options: { handleSignals: boolean }): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    ...(options.handleSignals ? {} : { shutdownSignals: [] }),
  });
}
