/** `sparkify generate --out DIR ...`: writes a Sparkify dataset and prints its stats. */
import type { Command } from 'commander';
import { DEFAULTS, generateDataset, GeneratorOptionError, type GenerateOptions } from '../../generator';
import { commandAction, type ExitCodeSink } from '../lib/command';
import { decimal, examples, integerIn, UsageError } from '../lib/options';

export function addGenerateCommand(program: Command, done: ExitCodeSink): Command {
  return program
    .command('generate')
    .summary('write a Sparkify dataset (song_data/, log_data/, log_json_path.json)')
    .description(
      'Writes a Sparkify dataset shaped like the real one. The same options always produce ' +
      'byte-identical files. Earlier generator output in DIR is replaced.',
    )
    .requiredOption('--out <dir>', 'dataset root')
    .option('--songs <n>', 'song files', integerIn(), DEFAULTS.songs)
    .option('--events <n>', 'event rows', integerIn(), DEFAULTS.events)
    .option('--days <n>', 'days of activity', integerIn(), DEFAULTS.days)
    .option('--seed <n>', 'unsigned 32-bit seed', integerIn(), DEFAULTS.seed)
    .option('--start-date <yyyy-mm-dd>', 'first day, UTC', DEFAULTS.startDate)
    .option('--match-rate <share>', 'share of NextSong events that match a generated song (0 to 1)', decimal, DEFAULTS.matchRate)
    .option('--corrupt <share>', 'share of rows replaced by bad rows, listed in corruptions.json (0 to 1)', decimal, DEFAULTS.corrupt)
    .addHelpText(
      'after',
      examples([
        'npm run sparkify -- generate --out /tmp/sparkify',
        'npm run sparkify -- generate --out=/tmp/big --songs 20000 --events 1000000 --days 30 --seed 7',
        'npm run sparkify -- generate --out /tmp/bad --corrupt 0.02',
      ]),
    )
    .action(
      commandAction(done, async (options: GenerateOptions, command: Command) => {
        try {
          console.log(JSON.stringify(await generateDataset(options), null, 2));
          return 0;
        } catch (err) {
          if (!(err instanceof GeneratorOptionError)) throw err;
          // Name the flag the user typed, not the option's field name.
          const flag = command.options.find((option) => option.attributeName() === err.option)?.flags ?? err.option;
          throw new UsageError(`option '${flag}': ${err.problem}`);
        }
      }),
    );
}
