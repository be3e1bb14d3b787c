/**
 * `sparkify schedule …` on the devserver, in-process through runCli, with a worker running the real
 * activities: a schedule firing every 3 s makes incremental runs; one with no new files loads
 * nothing; a day's file added between runs is loaded exactly once; a slow run makes the next
 * action skip (overlap skip); pause with a note, list, delete.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as sparkifyActivities from '../../src/activities';
import { generateDataset } from '../../src/generator';
import { warehouseProvider } from '../../src/warehouse/registry';
import { namedWarehouseId } from '../../src/workflows/input';
import { sparkifyEtl } from '../../src/workflows';
import { waitFor } from '../../devserver/test/helpers/wait';
import { sparkifyInProcess } from '../helpers/cli';
import { startTemporalForTests, type TemporalForTests } from '../helpers/temporal';
import { queryWarehouse, useIsolatedSparkifyHome } from '../workflows/support';

let temporal: TemporalForTests;
let home: string;
let root: string;

beforeAll(async () => {
  home = useIsolatedSparkifyHome();
  temporal = await startTemporalForTests();
  process.env.TEMPORAL_ADDRESS = temporal.address;
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-schedule-'));
  await generateDataset({ out: path.join(root, 'dataset'), songs: 40, events: 600, days: 2, seed: 99 });
}, 120_000);

afterAll(async () => {
  await warehouseProvider('local').teardown(namedWarehouseId('scheduled'), { heartbeat: () => undefined });
  await temporal?.stop();
  delete process.env.TEMPORAL_ADDRESS;
  fs.rmSync(home, { recursive: true, force: true });
  fs.rmSync(root, { recursive: true, force: true });
}, 60_000);

interface DescribedRun {
  scheduledAt: string;
  workflowId: string;
  status: string;
  filesAdded?: { events: number; songs: number };
  rowsAdded?: Record<string, number>;
}
interface Described {
  paused: boolean;
  note?: string;
  skippedOverlap: number;
  running: string[];
  nextRuns: string[];
  recentRuns: DescribedRun[];
}

async function cli(...argv: string[]) {
  const result = await sparkifyInProcess(...argv);
  if (result.code !== 0) throw new Error(`sparkify ${argv.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

const describe_ = async (id: string): Promise<Described> => JSON.parse(await cli('schedule', 'describe', id, '--json')) as Described;
const completed = (d: Described) => d.recentRuns.filter((r) => r.status === 'COMPLETED');

test('a schedule every 3 s loads each new file exactly once, skips while a run is slow, and can be paused and deleted', async () => {
  const dataset = path.join(root, 'dataset');
  const dir = path.join(root, 'source');
  fs.cpSync(path.join(dataset, 'song_data'), path.join(dir, 'song_data'), { recursive: true });
  const days = fs.readdirSync(path.join(dataset, 'log_data'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dataset, path.join(e.parentPath, e.name)))
    .sort();
  expect(days).toHaveLength(2);
  const addDay = (relative: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
    fs.copyFileSync(path.join(dataset, relative), path.join(dir, relative));
  };
  addDay(days[0]);

  let slowMerge: Promise<void> | undefined;
  const taskQueue = temporal.taskQueue('schedule');
  const worker = await temporal.worker(taskQueue, {
    activities: {
      mergeIncremental: async (input: Parameters<typeof sparkifyActivities.mergeIncremental>[0]) => {
        await slowMerge;
        return sparkifyActivities.mergeIncremental(input);
      },
    },
  });
  const id = 'sparkify-every-3s';
  await worker.runUntil(async () => {
    const created = await cli('schedule', 'create', id, '--every', '3s', '--source', dir, '--warehouse', 'scheduled', '--task-queue', taskQueue);
    expect(created).toContain(`created schedule ${id}`);
    expect(await cli('schedule', 'list')).toMatch(new RegExp(`^${id}  active  every 3s  next `, 'm'));

    // Two completed runs: the first loads the songs and day 1, the second nothing.
    const two = await waitFor('two completed scheduled runs', async () => {
      const d = await describe_(id);
      return completed(d).length >= 2 ? d : undefined;
    }, 90_000, 500);
    const [first, second] = completed(two);
    expect(first.filesAdded).toEqual({ events: 1, songs: 40 });
    expect(first.rowsAdded!.songplays).toBeGreaterThan(0);
    expect(second.filesAdded).toEqual({ events: 0, songs: 0 });
    expect(second.rowsAdded).toEqual({ songplays: 0, users: 0, songs: 0, artists: 0, time: 0 });
    expect(first.workflowId.startsWith(`${id}-`)).toBe(true);

    // A new day between runs: loaded by exactly one run.
    addDay(days[1]);
    const seen = completed(two).length;
    const after = await waitFor('two more completed runs', async () => {
      const d = await describe_(id);
      return completed(d).length >= seen + 2 ? d : undefined;
    }, 90_000, 500);
    const events = completed(after).map((r) => r.filesAdded!.events);
    expect(events.filter((n) => n === 1)).toHaveLength(2); // day 1 once, day 2 once
    expect(events.reduce((a, b) => a + b, 0)).toBe(2);

    // A slow run: the actions that come meanwhile are skipped.
    let release!: () => void;
    slowMerge = new Promise<void>((resolve) => (release = resolve));
    const skippedBefore = after.skippedOverlap;
    await waitFor('an action skipped for overlap', async () => ((await describe_(id)).skippedOverlap > skippedBefore ? true : undefined), 30_000, 500);
    const stuck = await describe_(id);
    expect(stuck.running).toHaveLength(1);
    slowMerge = undefined;
    release();

    const paused = await cli('schedule', 'pause', id, '--note', 'test is done');
    expect(paused).toBe(`schedule ${id} paused (test is done)`);
    const quiet = await waitFor('no running action', async () => {
      const d = await describe_(id);
      return d.running.length === 0 ? d : undefined;
    }, 60_000, 500);
    expect(quiet).toMatchObject({ paused: true, note: 'test is done' });
    // A backfill of a past range takes that range's actions even while paused: runs that find nothing new.
    const from = new Date(Date.parse(two.recentRuns[0].scheduledAt) - 3_600_000);
    const to = new Date(from.getTime() + 7_000);
    expect(await cli('schedule', 'backfill', id, '--from', from.toISOString(), '--to', to.toISOString())).toContain('backfill of the actions from');
    const inRange = (r: DescribedRun) => Date.parse(r.scheduledAt) >= from.getTime() && Date.parse(r.scheduledAt) <= to.getTime();
    const backfilled = await waitFor('the backfilled runs', async () => {
      const d = await describe_(id);
      const runs = completed(d).filter(inRange);
      return runs.length >= 2 && d.running.length === 0 ? runs : undefined;
    }, 60_000, 500);
    for (const run of backfilled) expect(run.filesAdded).toEqual({ events: 0, songs: 0 });
    const text = await cli('schedule', 'describe', id);
    expect(text).toContain(`PAUSED (test is done)`);
    expect(text).toMatch(/COMPLETED files \+1 events \+40 songs; rows songplays \+\d+/);

    // The warehouse's manifest lists each file once.
    const lastRun = completed(quiet).at(-1)!;
    const result = await temporal.env.client.workflow.getHandle<typeof sparkifyEtl>(lastRun.workflowId).result();
    const manifest = await queryWarehouse(result.warehouse!, async (c) =>
      (await c.query("SELECT path, COUNT(*)::int AS n FROM loaded_files WHERE staging = 'events' GROUP BY path ORDER BY path")).rows,
    );
    expect(manifest).toEqual(days.map((d) => ({ path: d, n: 1 })));

    expect(await cli('schedule', 'delete', id)).toBe(`schedule ${id} deleted (its runs and its warehouse stay)`);
    expect(await cli('schedule', 'list')).toBe('no schedules');
    const missing = await sparkifyInProcess('schedule', 'describe', id);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`no schedule ${id}`);
  });
}, 300_000);

test('create checks its flags before asking Temporal', async () => {
  const both = await sparkifyInProcess('schedule', 'create', 'x', '--every', '1h', '--cron', '0 3 * * *', '--source', root);
  expect([both.code, both.stderr]).toEqual([2, expect.stringContaining('give exactly one of --every DURATION and --cron "EXPRESSION"')]);
  const zone = await sparkifyInProcess('schedule', 'create', 'x', '--cron', '0 3 * * *', '--time-zone', 'Mars/Olympus', '--source', root);
  expect(zone.stderr).toContain('--time-zone Mars/Olympus: not an IANA time zone');
  const every = await sparkifyInProcess('schedule', 'create', 'x', '--every', 'often', '--source', root);
  expect(every.stderr).toContain('--every often: expected a duration of at least 1s');
});

test('up and run check the incremental flags before starting anything', async () => {
  const fixture = path.resolve(__dirname, '..', 'fixtures', 'sparkify-small');
  const cases: Array<[string[], string]> = [
    [['up', '--source', fixture, '--from', '2018-11-01'], 'error: --from applies to --incremental runs only'],
    [['run', '--source', fixture, '--incremental'], 'error: --incremental needs --warehouse-name NAME'],
    [['run', '--source', fixture, '--incremental', '--warehouse-name', 'Daily'], 'error: --warehouse-name must be a lowercase letter then up to 39 of a-z, 0-9, _, got "Daily"'],
    [['up', '--source', fixture, '--incremental', '--warehouse-name', 'd', '--from', '2018-11-05', '--to', '2018-11-04'], 'error: --to (2018-11-04) is before --from (2018-11-05)'],
  ];
  for (const [argv, message] of cases) {
    const result = await sparkifyInProcess(...argv);
    expect([argv.join(' '), result.code, result.stderr.split('\n')[0]]).toEqual([argv.join(' '), 2, expect.stringContaining(message)]);
  }
});
