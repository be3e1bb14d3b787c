/**
 * The `sparkify` command line: one commander program with a subcommand per module under
 * ./commands. Every usage mistake (commander's or ours) exits with code 2.
 */
import { Command, CommanderError } from 'commander';
import { version } from '../../package.json';
import { addClusterCommand } from './commands/cluster';
import { addGcCommand } from './commands/gc';
import { addGenerateCommand } from './commands/generate';
import { addReportCommand } from './commands/report';
import { addHistoryCommand } from './commands/history';
import { addRunCommand } from './commands/run';
import { addScheduleCommand } from './commands/schedule';
import { addStatusCommand } from './commands/status';
import { addUpCommand } from './commands/up';
import { addWorkerCommand } from './commands/worker';
import type { ExitCodeSink } from './lib/command';
import { acceptConfigEverywhere } from './lib/config-option';
import { examples } from './lib/options';

/** Without a trailing newline, through console, so output goes where the commands' own goes. */
const print = (write: (line: string) => void) => (text: string) => write(text.replace(/\n$/, ''));

export function sparkifyProgram(done: ExitCodeSink): Command {
  const program = new Command('sparkify')
    .description('Loads Sparkify song and event files into a star schema with a Temporal workflow.')
    .usage('<command> [options]')
    .exitOverride()
    .configureOutput({ writeOut: print((line) => console.log(line)), writeErr: print((line) => console.error(line)) })
    .showSuggestionAfterError()
    .showHelpAfterError('(add --help for usage and examples)')
    .helpOption('-h, --help', 'show this help')
    .version(version, '-V, --version', 'print the version')
    .addHelpText(
      'after',
      examples(['npm start', 'npm run sparkify -- up --help', 'npm run sparkify -- generate --out /tmp/sparkify --songs 100']),
    );
  // Subcommands made with .command() inherit the settings above (exit override, output, suggestions).
  for (const add of [addGenerateCommand, addUpCommand, addWorkerCommand, addRunCommand, addStatusCommand, addClusterCommand, addGcCommand, addReportCommand, addScheduleCommand, addHistoryCommand]) {
    add(program, done).version(version, '-V, --version', 'print the version');
  }
  acceptConfigEverywhere(program);
  return program;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  let exitCode = 0;
  try {
    await sparkifyProgram((code) => (exitCode = code)).parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    // Help and --version exit 0; every other commander error is a usage mistake.
    exitCode = err.exitCode === 0 ? 0 : 2;
  }
  return exitCode;
}
