/** The frame every CLI command runs in: --help, and errors as one line with the right exit code. */
import { describeError } from './failure';

/** Runs `body`, printing any error as `sparkify <name>: <message>`; returns the exit code. */
export async function runCommand(name: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    const { exitCode, message } = describeError(err);
    console.error(`sparkify ${name}: ${message}`);
    if (process.env.SPARKIFY_DEBUG && err instanceof Error && err.stack) console.error(err.stack);
    return exitCode;
  }
}
