/** The CLI's pure parts: the workflow input built from options, the summary table, the progress bar's arithmetic. */
import { etlInputFromOptions } from '../../src/cli/lib/etl-flags';
import { UsageError } from '../../src/cli/lib/options';
import { progressFraction, progressLine } from '../../src/cli/lib/progress';
import { renderSummary } from '../../src/cli/lib/summary';
import type { EtlProgress, SparkifyEtlResult } from '../../src/contract';

describe('etlInputFromOptions', () => {
  it('builds the workflow input from the options, with an absolute source path', () => {
    expect(etlInputFromOptions({ maxErrors: 5, concurrency: 4, provider: 'postgres', keepWarehouse: true }, '/data')).toEqual({
      source: { type: 'local', path: '/data' },
      warehouse: { provider: 'postgres' },
      concurrency: 4,
      maxErrors: 5,
      keepWarehouse: true,
    });
  });

  it("turns what the workflow's validation rejects into a usage error naming the field", () => {
    expect(() => etlInputFromOptions({ concurrency: 4, partitions: 2000 }, '/data')).toThrow(
      new UsageError('input.partitions must be an integer from 1 to 1024, got 2000'),
    );
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
    expect(progressFraction(progress('transforms'))).toBeCloseTo(0.8);
    expect(progressFraction(progress('summarize'))).toBeCloseTo(0.95);
    expect(progressFraction(progress('verify'))).toBeCloseTo(0.95);
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
    recovery: { stagingRounds: 1, warehouseRestarts: 0 },
    files: { events: 3, songs: 8 },
    source: { type: 's3', path: 's3://sparkify-data/2018' },
    bytesRead: 123456,
    quality: {
      mode: 'warn',
      checks: [
        { check: 'songplays_primary_key', offendingRows: 0, examples: [] },
        { check: 'songplays_user_in_users', offendingRows: 2, examples: ['songplay_id 3: user_id 9 not in users', 'songplay_id 4: user_id 9 not in users'] },
      ],
      failed: ['songplays_user_in_users'],
    },
  };

  it('lists every table, star tables first, with rejections and stage times', () => {
    const text = renderSummary('wf-1', result);
    const lines = text.split('\n');
    const tablesAt = lines.findIndex((line) => /^table\s+rows$/.test(line));
    const tableRows = lines.slice(tablesAt, lines.indexOf('', tablesAt)).filter((line) => /^\w+\s+\d+$/.test(line));
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
    expect(text).toContain('source s3 s3://sparkify-data/2018: 120.6 KiB read');
  });

  it('shows every quality check with its count, and the failed ones with examples', () => {
    const lines = renderSummary('wf-1', result).split('\n');
    const at = lines.findIndex((line) => /^quality check\s+offending rows$/.test(line));
    expect(lines.slice(at + 2, at + 4).map((line) => line.split(/\s+/))).toEqual([
      ['songplays_primary_key', '0'],
      ['songplays_user_in_users', '(FAILED)', '2'],
    ]);
    expect(lines.slice(at + 4)).toEqual(
      expect.arrayContaining([
        '1 quality check(s) failed (quality: warn):',
        '  songplays_user_in_users: e.g. songplay_id 3: user_id 9 not in users; songplay_id 4: user_id 9 not in users',
      ]),
    );
  });
});
