/** The frame every CLI command runs in: usage mistakes as commander errors, failures as one line. */
import type { Command } from 'commander';
import { describeError } from './failure';
import { UsageError } from './options';

/** Receives the exit code of the command that ran. */
export type ExitCodeSink = (exitCode: number) => void;

/**
 * A commander action around `body`, which returns the exit code. A UsageError is reported the way
 * commander reports its own (same "error: …" line, exit code 2); any other error is printed as
 * `sparkify <command>: <message>` with the exit code describeError gives it.
 */
export function commandAction<A extends unknown[]>(
  done: ExitCodeSink,
  body: (...args: A) => Promise<number>,
): (this: Command, ...args: A) => Promise<void> {
  return async function (this: Command, ...args: A): Promise<void> {
    let exitCode: number;
    try {
      exitCode = await body(...args);
    } catch (err) {
      if (err instanceof UsageError) this.error(`error: ${err.message}`, { exitCode: 2, code: 'sparkify.usage' });
      const described = describeError(err);
      console.error(`sparkify ${this.name()}: ${described.message}`);
      if (process.env.SPARKIFY_DEBUG && err instanceof Error && err.stack) console.error(err.stack);
      exitCode = described.exitCode;
    }
    done(exitCode);
  };
}
