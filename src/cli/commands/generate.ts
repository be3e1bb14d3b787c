/** `npm run sparkify -- generate --out DIR ...`: writes a Sparkify dataset and prints its stats. */
import { ApplicationFailure } from '@temporalio/common';
import { DEFAULTS, generateDataset, GenerateOptions } from '../../generator';

const HELP = `usage: npm run sparkify -- generate --out DIR [options]

Writes a Sparkify dataset (song_data/, log_data/, log_json_path.json) shaped like the real one.
The same options always produce byte-identical files. Earlier generator output in DIR is replaced.

options:
  --out DIR               dataset root (required)
  --songs N               song files (default ${DEFAULTS.songs})
  --events M              event rows (default ${DEFAULTS.events})
  --days D                days of activity (default ${DEFAULTS.days})
  --seed S                unsigned 32-bit seed (default ${DEFAULTS.seed})
  --start-date YYYY-MM-DD first day, UTC (default ${DEFAULTS.startDate})
  --match-rate R          share of NextSong events that match a generated song (default ${DEFAULTS.matchRate})
  --corrupt RATE          share of rows replaced by bad rows, listed in corruptions.json (default 0)
  --help                  this text`;

type NumberOption = 'songs' | 'events' | 'days' | 'seed' | 'matchRate' | 'corrupt';

const NUMBER_FLAGS: Record<string, NumberOption> = {
  '--songs': 'songs',
  '--events': 'events',
  '--days': 'days',
  '--seed': 'seed',
  '--match-rate': 'matchRate',
  '--corrupt': 'corrupt',
};

/** Parses argv into options; returns an error message for the first bad argument. */
export function parseGenerateArgs(argv: string[]): GenerateOptions | string {
  const options: Partial<GenerateOptions> = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (!(flag in NUMBER_FLAGS) && flag !== '--out' && flag !== '--start-date') return `unknown option '${flag}'`;
    if (value === undefined || value.startsWith('--')) return `option ${flag} needs a value`;
    i++;
    if (flag === '--out') options.out = value;
    else if (flag === '--start-date') options.startDate = value;
    else {
      const parsed = Number(value);
      if (value.trim() === '' || Number.isNaN(parsed)) return `option ${flag}: '${value}' is not a number`;
      options[NUMBER_FLAGS[flag]] = parsed;
    }
  }
  if (!options.out) return 'option --out DIR is required';
  return options as GenerateOptions;
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  const parsed = parseGenerateArgs(argv);
  if (typeof parsed === 'string') {
    console.error(`generate: ${parsed}\n\n${HELP}`);
    return 2;
  }
  try {
    const stats = await generateDataset(parsed);
    console.log(JSON.stringify(stats, null, 2));
    return 0;
  } catch (err) {
    if (err instanceof ApplicationFailure && err.type === 'InvalidGeneratorOption') {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
}
