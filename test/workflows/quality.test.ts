/**
 * The quality stage in a real run: input whose level is neither free nor paid loads fine but
 * fails the level checks. quality 'fail' (the default) fails the run with DataQualityFailed
 * naming the checks and their examples, and still tears the warehouse down; 'warn' completes
 * and lists them in the result next to every other check's count.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { warehouseIdFor } from '../../src/workflows/input';
import { eventLine, removeDataset, songFile, writeDataset } from '../activities/support';
import { sparkifyInProcess } from '../helpers/cli';
import { localWarehouseExists, queryWarehouse, useEtlTestSuite } from './support';

const suite = useEtlTestSuite();

// Three plays of user 7; the second says 'premium', which the latest event of the user repeats.
const source = writeDataset({
  'song_data/A/SOA.json': songFile({ song_id: 'SOA', title: 'Song A', artist_id: 'AR1', artist_name: 'Art', duration: 200.5 }),
  'log_data/2018/11/2018-11-01-events.json': [
    eventLine({ ts: 1541105830796, level: 'free', song: 'Song A', artist: 'Art', length: 200.5 }),
    eventLine({ ts: 1541105830797, level: 'premium', song: 'Other', artist: 'Else', length: 10 }),
    eventLine({ ts: 1541105830798, level: 'premium', page: 'Home' }),
  ].join('\n'),
});
afterAll(() => removeDataset(source));

const LEVEL_FAILURES = [
  { check: 'songplays_level_known', offendingRows: 1, examples: ['songplay_id 2: level premium'] },
  { check: 'users_level_known', offendingRows: 1, examples: ['user_id 7: level premium'] },
];

it('fails the run with DataQualityFailed naming the checks and examples, and tears down', async () => {
  const workflowId = 'quality-fail';
  const err = await suite.runEtl(workflowId, { source }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect(cause.type).toBe('DataQualityFailed');
  expect(cause.nonRetryable).toBe(true);
  expect(cause.message).toBe(
    '2 of 14 quality checks failed: songplays_level_known: 1 offending rows (e.g. songplay_id 2: level premium)' +
      ' | users_level_known: 1 offending rows (e.g. user_id 7: level premium)',
  );
  expect(cause.details).toEqual([{ failed: LEVEL_FAILURES }]);
  expect(localWarehouseExists(warehouseIdFor(workflowId))).toBe(false);
}, 90_000);

/** The run's activities as 'scheduled X' and 'completed X' in history order; checkQuality with its scope and share. */
async function activitySteps(workflowId: string): Promise<string[]> {
  const history = await suite.temporal.env.client.workflow.getHandle(workflowId).fetchHistory();
  const names = new Map<string, string>();
  const steps: string[] = [];
  for (const event of history.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      let name = scheduled.activityType?.name ?? '?';
      if (name === 'checkQuality') {
        const input = JSON.parse(Buffer.from(scheduled.input!.payloads![0].data!).toString());
        name += `(${input.scope ?? 'all'}${input.share ? ` ${input.share.index + 1}/${input.share.of}` : ''})`;
      }
      names.set(String(event.eventId), name);
      steps.push(`scheduled ${name}`);
    }
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) steps.push(`completed ${names.get(String(completed.scheduledEventId))}`);
  }
  return steps;
}

it("completes with quality 'warn', listing every check with its count and the failed ones; `report --workflow-id` reads its kept warehouse", async () => {
  const result = await suite.runEtl('quality-warn', { source, quality: 'warn', keepWarehouse: true });
  suite.keep(result.warehouse!);
  expect(result.quality.mode).toBe('warn');
  expect(result.quality.failed).toEqual(['songplays_level_known', 'users_level_known']);
  expect(result.quality.checks).toHaveLength(14);
  expect(result.quality.checks.filter((c) => c.offendingRows > 0)).toEqual(LEVEL_FAILURES);
  expect(result.durationsMs.quality).toBeGreaterThanOrEqual(0);
  expect(result.tables.songplays).toBe(2);
  // A full load's summary is its steps' own counts: no activity counts the tables again, and the
  // counts are the kept warehouse's.
  const counted = await queryWarehouse(result.warehouse!, async (client) => {
    const counts: Record<string, number> = {};
    for (const table of Object.keys(result.tables)) counts[table] = Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    return counts;
  });
  expect(Object.keys(counted).sort()).toEqual(['artists', 'load_errors', 'songplays', 'songs', 'staging_events', 'staging_songs', 'time', 'users']);
  expect(result.tables).toEqual(counted);
  // The dimensions' checks ran once the four dimensions were built, the remaining ones (in two shares) after songplays.
  const steps = await activitySteps('quality-warn');
  expect(steps.filter((step) => step.includes('summarizeLoad'))).toEqual([]);
  const at = (step: string): number => {
    expect(steps).toContain(step);
    return steps.indexOf(step);
  };
  expect(steps.filter((step) => step.startsWith('scheduled checkQuality'))).toEqual([
    'scheduled checkQuality(dimensions)',
    'scheduled checkQuality(remaining 1/2)',
    'scheduled checkQuality(remaining 2/2)',
  ]);
  const dimensions = ['insertUsers', 'insertTime', 'insertSongs', 'insertArtists'];
  for (const dimension of dimensions) {
    expect(at('scheduled checkQuality(dimensions)')).toBeGreaterThan(at(`completed ${dimension}`));
  }
  // The dimensions one at a time, beside the fact: each scheduled once the one before completed,
  // songplays scheduled before the first of them completed.
  for (const [before, next] of dimensions.slice(0, -1).map((d, i) => [d, dimensions[i + 1]])) {
    expect(at(`scheduled ${next}`)).toBeGreaterThan(at(`completed ${before}`));
  }
  expect(at('scheduled insertSongplays')).toBeLessThan(at('completed insertUsers'));
  // The remaining checks' two shares after songplays, side by side: both scheduled before either completed.
  for (const share of ['1/2', '2/2']) expect(at(`scheduled checkQuality(remaining ${share})`)).toBeGreaterThan(at('completed insertSongplays'));
  expect(Math.max(at('scheduled checkQuality(remaining 1/2)'), at('scheduled checkQuality(remaining 2/2)'))).toBeLessThan(
    Math.min(at('completed checkQuality(remaining 1/2)'), at('completed checkQuality(remaining 2/2)')),
  );

  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-report-'));
  const address = process.env.TEMPORAL_ADDRESS;
  process.env.TEMPORAL_ADDRESS = suite.temporal.address;
  try {
    const run = await sparkifyInProcess('report', '--workflow-id', 'quality-warn', '--out', out);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.catalog_share.rows).toEqual([{ plays: 2, plays_in_catalog: 1, percent_in_catalog: 50 }]);
    expect(report.free_vs_paid.rows).toEqual([
      { level: 'free', users: 0, plays: 1, playing_users: 1 },
      { level: 'premium', users: 1, plays: 1, playing_users: 1 },
    ]);
  } finally {
    if (address === undefined) delete process.env.TEMPORAL_ADDRESS;
    else process.env.TEMPORAL_ADDRESS = address;
    fs.rmSync(out, { recursive: true, force: true });
  }
}, 90_000);
