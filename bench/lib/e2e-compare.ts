/** Argument parsing and the comparisons of `npm run bench -- --e2e` (pure functions, unit-tested). */

export interface E2eArgs {
  /** Event counts; each runs with a tenth as many song files. */
  scales: number[];
  repeats: number;
  /** DuckDB threads (the machine has 2 cores). */
  threads: number;
  out: string;
}

export const E2E_DEFAULT_SCALES = [200_000, 1_000_000];

export const E2E_USAGE = `usage: npm run bench -- --e2e [--scales 200000,1000000] [--quick] [--repeats 3] [--threads 2] [--out FILE]
  --scales   event counts (song files are a tenth of the events; default 200000,1000000)
  --quick    only the 200000 scale
  --repeats  runs of each measurement, the median is reported (default 3, at least 1)
  --threads  DuckDB threads (default 2)
  --out      JSON results (default bench/results/latest/e2e.json, git-ignored)`;

function positiveInteger(flag: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} expects a positive integer, got ${text ?? 'nothing'}\n${E2E_USAGE}`);
  return value;
}

/** Parses the arguments after `--e2e`; unknown flags are an error naming the flag. */
export function parseE2eArgs(argv: string[], defaultOut: string): E2eArgs {
  const args: E2eArgs = { scales: E2E_DEFAULT_SCALES, repeats: 3, threads: 2, out: defaultOut };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    switch (flag) {
      case '--e2e':
        break;
      case '--scales':
        args.scales = (argv[++i] ?? '').split(',').map((s) => positiveInteger('--scales', s.trim()));
        break;
      case '--quick':
        args.scales = [200_000];
        break;
      case '--repeats':
        args.repeats = positiveInteger('--repeats', argv[++i]);
        break;
      case '--threads':
        args.threads = positiveInteger('--threads', argv[++i]);
        break;
      case '--out':
        args.out = argv[++i] ?? '';
        if (!args.out) throw new Error(`--out expects a file\n${E2E_USAGE}`);
        break;
      default:
        throw new Error(`unknown option ${flag}\n${E2E_USAGE}`);
    }
  }
  return args;
}

export interface CountMismatch {
  table: string;
  ours: number | null;
  duckdb: number | null;
}

/** Tables whose row counts differ between our run and the peer (a table missing on one side counts). */
export function countMismatches(ours: Record<string, number>, duckdb: Record<string, number>, tables: readonly string[]): CountMismatch[] {
  return tables
    .map((table) => ({ table, ours: ours[table] ?? null, duckdb: duckdb[table] ?? null }))
    .filter((m) => m.ours === null || m.duckdb === null || m.ours !== m.duckdb);
}

/**
 * The time the five star tables took, from a run's per-stage times: 'transforms' (the fact beside
 * the dimensions, whose own times overlap inside it), or for a run from before that stage,
 * 'dimensions' and then 'fact'.
 */
export function transformsTime(stages: Partial<Record<string, number>>): number {
  return stages.transforms ?? (stages.dimensions ?? 0) + (stages.fact ?? 0);
}

/** Our seconds over the peer's: 0.9 means we take 90 % of DuckDB's time. */
export function ratioTo(oursSeconds: number, peerSeconds: number): number {
  if (!(peerSeconds > 0)) throw new Error(`the peer's time must be positive, got ${peerSeconds}`);
  return oursSeconds / peerSeconds;
}

/** Median and spread (min, max) of a list of numbers. */
export function spread(values: number[]): { median: number; min: number; max: number } {
  if (values.length === 0) throw new Error('no samples');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}
