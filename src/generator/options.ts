/** Generator options, their defaults, and validation with errors that name the bad option. */

export interface GenerateOptions {
  /** Dataset root; created if missing. Earlier generator output in it is replaced. */
  out: string;
  /** Song files (default 1000). */
  songs?: number;
  /** Event rows (default 8000). */
  events?: number;
  /** Days of activity, one log file per day with events (default 30). */
  days?: number;
  /** Unsigned 32-bit seed (default 42). */
  seed?: number;
  /** First day, YYYY-MM-DD, UTC (default 2018-11-01, as in the real logs). */
  startDate?: string;
  /** Share of NextSong events whose (song, artist, length) equal a generated song (default 0.4). */
  matchRate?: number;
  /** Share of input rows replaced by bad rows, listed in corruptions.json (default 0: none). */
  corrupt?: number;
}

export interface ResolvedOptions {
  out: string;
  songs: number;
  events: number;
  days: number;
  seed: number;
  startDate: string;
  periodStartMs: number;
  matchRate: number;
  corrupt: number;
}

export const DEFAULTS = {
  songs: 1000,
  events: 8000,
  days: 30,
  seed: 42,
  startDate: '2018-11-01',
  matchRate: 0.4,
  corrupt: 0,
} as const;

/** A bad generator option; `option` is its GenerateOptions name, `problem` says what was wrong. */
export class GeneratorOptionError extends Error {
  override name = 'GeneratorOptionError';
  constructor(
    readonly option: keyof GenerateOptions,
    readonly problem: string,
  ) {
    super(`option ${option}: ${problem}`);
  }
}

function invalidOption(option: keyof GenerateOptions, problem: string): GeneratorOptionError {
  return new GeneratorOptionError(option, problem);
}

function integerOption(name: keyof GenerateOptions, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidOption(name, `expected an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

function shareOption(name: keyof GenerateOptions, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw invalidOption(name, `expected a number from 0 to 1, got ${value}`);
  }
  return value;
}

function dateOption(value: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!match || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw invalidOption('startDate', `expected a calendar date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  return ms;
}

export function resolveOptions(options: GenerateOptions): ResolvedOptions {
  if (typeof options.out !== 'string' || options.out.length === 0) {
    throw invalidOption('out', 'an output directory is required');
  }
  const startDate = options.startDate ?? DEFAULTS.startDate;
  return {
    out: options.out,
    songs: integerOption('songs', options.songs ?? DEFAULTS.songs, 1, 50_000_000),
    events: integerOption('events', options.events ?? DEFAULTS.events, 0, 1_000_000_000),
    days: integerOption('days', options.days ?? DEFAULTS.days, 1, 3660),
    seed: integerOption('seed', options.seed ?? DEFAULTS.seed, 0, 0xffffffff),
    startDate,
    periodStartMs: dateOption(startDate),
    matchRate: shareOption('matchRate', options.matchRate ?? DEFAULTS.matchRate),
    corrupt: shareOption('corrupt', options.corrupt ?? DEFAULTS.corrupt),
  };
}
