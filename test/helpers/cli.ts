/**
 * Runs the sparkify command line in-process (runCli, as src/cli/main.ts does) and captures what
 * it prints through console: stdout and stderr lines joined, plus the exit code. Progress that
 * commands write straight to process.stderr (the progress bar) is dropped.
 */
import { runCli } from '../../src/cli/program';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function sparkifyInProcess(...argv: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const error = jest.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await runCli(argv);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
  }
}
