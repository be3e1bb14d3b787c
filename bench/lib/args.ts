/** Command-line options of `npm run bench:pipeline`. */
export interface BenchArgs {
  /** Event counts to run, e.g. [10000, 200000, 1000000]. */
  scales: number[];
  repeats: number;
  /** Repeats of the row-by-row baseline (about 10 minutes per run at 200k events here). */
  baselineRepeats: number;
  /** Scales at which the row-by-row baseline runs (it is slow by design). */
  baselineScales: number[];
  /** Partitions per staging kind (one COPY per partition, run concurrently). */
  partitions: number;
  out: string;
}

export const DEFAULT_SCALES = [10_000, 200_000, 1_000_000];
const BASELINE_SCALES = [10_000, 200_000];

const USAGE = `usage: npm run bench:pipeline -- [--scales 10000,200000,1000000] [--repeats 3] [--quick] [--partitions 2] [--out FILE]
  --scales      event counts to benchmark (songs are a tenth of the events)
  --repeats     runs per measurement; the median is reported (default 3)
  --baseline-repeats  runs of the slow row-by-row baseline (default 1)
  --quick       one repeat at the 10k scale only
  --partitions  staging partitions per kind, loaded concurrently (default 2)
  --out         JSON results file (default bench/results/latest/pipeline.json, git-ignored)`;

function positiveInteger(flag: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} expects a positive integer, got ${text}\n${USAGE}`);
  return value;
}

export function parseArgs(argv: string[], defaultOut: string): BenchArgs {
  const args: BenchArgs = { scales: DEFAULT_SCALES, repeats: 3, baselineRepeats: 1, baselineScales: BASELINE_SCALES, partitions: 2, out: defaultOut };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    switch (flag) {
      case '--scales':
        args.scales = (argv[++i] ?? '').split(',').map((s) => positiveInteger('--scales', s.trim()));
        break;
      case '--repeats':
        args.repeats = positiveInteger('--repeats', argv[++i]);
        break;
      case '--baseline-repeats':
        args.baselineRepeats = positiveInteger('--baseline-repeats', argv[++i]);
        break;
      case '--quick':
        args.scales = [10_000];
        args.repeats = 1;
        break;
      case '--partitions':
        args.partitions = positiveInteger('--partitions', argv[++i]);
        break;
      case '--out':
        args.out = argv[++i] ?? '';
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  return args;
}
