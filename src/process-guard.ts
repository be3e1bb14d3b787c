/**
 * A last line of defence for long-running worker processes: an error that escapes every handler
 * (an 'error' event nobody listens to, a rejected promise nobody awaits) is logged and the
 * process carries on, instead of taking down every activity the worker is running. The activity
 * that lost its connection still fails (its own await sees the error) and is retried.
 * Installed by the CLI's `worker` and `up` only: tests run without it, so an escape fails them.
 */

let installed = false;

export function installProcessGuard(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): void {
  if (installed) return;
  installed = true;
  const report = (what: string) => (err: unknown) => {
    const text = err instanceof Error ? (process.env.SPARKIFY_DEBUG ? (err.stack ?? err.message) : err.message) : String(err);
    write(`worker ERROR: ${what} (the process keeps running): ${text}`);
  };
  process.on('uncaughtException', report('uncaught exception'));
  process.on('unhandledRejection', report('unhandled promise rejection'));
}
