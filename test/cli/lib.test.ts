/** The CLI's pure parts: flag parsing, the summary table, the progress bar's arithmetic. */
import { parseCommandArgs, UsageError } from '../../src/cli/lib/args';
import { ETL_FLAGS, etlInputFromFlags } from '../../src/cli/lib/etl-flags';
import { progressFraction, progressLine } from '../../src/cli/lib/progress';
import { renderSummary } from '../../src/cli/lib/summary';
import type { EtlProgress, SparkifyEtlResult } from '../../src/contract';

function usageError(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('no UsageError');
}

describe('parseCommandArgs', () => {
  it('parses integers, booleans and strings', () => {
    const { flags, help } = parseCommandArgs(['--source', 'd', '--concurrency', '3', '--keep-warehouse'], ETL_FLAGS);
    expect(flags).toEqual({ source: 'd', concurrency: 3, 'keep-warehouse': true });
    expect(help).toBe(false);
  });

  it('reports bad values and unknown flags in one line', () => {
    expect(usageError(() => parseCommandArgs(['--concurrency', 'x'], ETL_FLAGS))).toBe(
      "--concurrency must be an integer from 1 to 64, got 'x'",
    );
    expect(usageError(() => parseCommandArgs(['--max-errors=-2'], ETL_FLAGS))).toBe(
      "--max-errors must be an integer 0 or more, got '-2'",
    );
    expect(usageError(() => parseCommandArgs(['--nope'], ETL_FLAGS))).toBe("Unknown option '--nope'");
    expect(usageError(() => parseCommandArgs(['--source', '--json'], ETL_FLAGS))).toBe(
      "Option '--source' argument is ambiguous",
    );
    expect(usageError(() => parseCommandArgs(['a', 'b'], {}, { min: 1, max: 1 }))).toBe("unexpected argument 'b'");
    expect(usageError(() => parseCommandArgs([], {}, { min: 1, max: 1 }))).toBe('missing argument (see --help)');
  });

  it('turns an invalid workflow input into a usage error naming the field', () => {
    expect(usageError(() => etlInputFromFlags({ provider: 'oracle' }, '/data'))).toBe(
      'input.warehouse.provider must be one of "local", "postgres", got "oracle"',
    );
    expect(etlInputFromFlags({ 'max-errors': 5, concurrency: 4 }, '/data')).toEqual({
      source: { type: 'local', path: '/data' },
      concurrency: 4,
      maxErrors: 5,
    });
  });
});

describe('progress', () => {
  const progress = (stage: EtlProgress['stage'], eventsDone = 0, songsDone = 0): EtlProgress => ({
    stage,
    files: { events: { done: eventsDone, total: 10 }, songs: { done: songsDone, total: 30 } },
    rowsRead: 0,
    rowsLoaded: 1200,
    rowsRejected: 3,
  });

  it('fills the staging span by files done', () => {
    expect(progressFraction(progress('provision'))).toBe(0);
    expect(progressFraction(progress('staging', 0, 0))).toBeCloseTo(0.1);
    expect(progressFraction(progress('staging', 10, 10))).toBeCloseTo(0.1 + 0.7 * 0.5);
    expect(progressFraction(progress('dimensions'))).toBeCloseTo(0.8);
    expect(progressFraction(progress('done'))).toBe(1);
  });

  it('says what is happening', () => {
    expect(progressLine(progress('staging', 4, 30), 2500)).toBe(
      'staging       files: events 4/10, songs 30/30  rows: 1200 loaded, 3 rejected  2.5s',
    );
  });
});

describe('renderSummary', () => {
  const result: SparkifyEtlResult = {
    warehouseId: 'wf_x_00000000',
    tables: { staging_events: 50, load_errors: 2, songplays: 20, users: 4, songs: 7, artists: 6, time: 19, staging_songs: 8 },
    durationsMs: { provision: 2100, staging: 1500, teardown: 300 },
    totalMs: 6000,
    rows: { read: 60, loaded: 58, rejected: 2, rejectedByKind: { 'wrong-type': 1, 'invalid-json': 1 } },
    accounted: true,
    files: { events: 3, songs: 8 },
  };

  it('lists every table, star tables first, with rejections and stage times', () => {
    const text = renderSummary('wf-1', result);
    const tableRows = text.split('\n').filter((line) => /^\w+\s+\d+$/.test(line));
    expect(tableRows.map((line) => line.split(/\s+/))).toEqual([
      ['songplays', '20'],
      ['users', '4'],
      ['songs', '7'],
      ['artists', '6'],
      ['time', '19'],
      ['staging_events', '50'],
      ['staging_songs', '8'],
      ['load_errors', '2'],
    ]);
    expect(text).toContain('rows read 60, loaded 58, rejected 2 (every row accounted for)');
    expect(text).toContain('rejected by kind: invalid-json 1, wrong-type 1');
    expect(text).toMatch(/provision\s+2\.1s/);
    expect(text).toMatch(/total\s+6\.0s/);
  });
});
