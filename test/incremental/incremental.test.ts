/**
 * Incremental runs into a long-lived warehouse, on generated data split into days: a sequence of
 * runs equals a full load of the same files table by table; the same files again add nothing; an
 * older day loaded after newer ones keeps the newer levels; a changed file is reported, not loaded,
 * until reloaded on request; the load lock makes a second run wait or fail, and is taken over from
 * a run that has closed. Real activities, embedded PostgreSQL, our devserver.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import type { Client } from 'pg';
import * as sparkifyActivities from '../../src/activities';
import type { SparkifyEtlResult, WarehouseHandle } from '../../src/contract';
import { collectOrphanedWarehouses } from '../../src/client/warehouse-gc';
import { generateDataset } from '../../src/generator';
import { localWarehouseDirectory } from '../../src/warehouse/local-provider';
import { namedWarehouseId } from '../../src/workflows/input';
import { startTestPostgres } from '../helpers/postgres';
import { queryWarehouse, tableChecksum, useEtlTestSuite } from '../workflows/support';

const suite = useEtlTestSuite();
const STAR = ['songplays', 'users', 'songs', 'artists', 'time'];
/** songplays without songplay_id: the ids follow load order, so only in-order loads number like a full load. */
const PLAYS_WITHOUT_ID = '(SELECT start_time, user_id, level, song_id, artist_id, session_id, location, user_agent FROM songplays)';

let root: string;
let dataset: string;
/** The dataset's event files (relative paths), one per day, in day order. */
let days: string[];
let full: SparkifyEtlResult;

function copyInto(target: string, relative: string): void {
  fs.mkdirSync(path.dirname(path.join(target, relative)), { recursive: true });
  fs.copyFileSync(path.join(dataset, relative), path.join(target, relative));
}

function listFiles(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name), base) : [path.relative(base, path.join(dir, e.name))],
  ).sort();
}

/** A source directory holding the songs and the given days only. */
function sourceWith(name: string, dayIndexes: number[]): string {
  const dir = path.join(root, name);
  for (const song of listFiles(path.join(dataset, 'song_data'))) copyInto(dir, path.join('song_data', song));
  for (const i of dayIndexes) copyInto(dir, days[i]);
  return dir;
}

async function checksums(handle: WarehouseHandle, tables: string[]): Promise<Record<string, string>> {
  return queryWarehouse(handle, async (client: Client) => {
    const out: Record<string, string> = {};
    for (const table of tables) out[table] = await tableChecksum(client, table);
    return out;
  });
}

function incremental(workflowId: string, dir: string, warehouseName: string, extra: Record<string, unknown> = {}, options = {}): Promise<SparkifyEtlResult> {
  return suite.runEtl(workflowId, { source: { type: 'local', path: dir }, incremental: { warehouseName, ...extra } }, options);
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-incremental-'));
  dataset = path.join(root, 'dataset');
  await generateDataset({ out: dataset, songs: 120, events: 2400, days: 4, seed: 1313 });
  days = listFiles(path.join(dataset, 'log_data')).map((f) => path.join('log_data', f));
  expect(days).toHaveLength(4);
  full = await suite.runEtl('incremental-full', { source: { type: 'local', path: sourceWith('all', [0, 1, 2, 3]) }, keepWarehouse: true });
  suite.keep(full.warehouse!);
}, 120_000);

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

test('runs day by day equal a full load of the same files, table by table; the same files again add nothing', async () => {
  const dir = sourceWith('daily', [0]);
  const first = await incremental('incremental-day-1', dir, 'daily');
  suite.keep(first.warehouse!);
  expect(first.warehouse!.warehouseId).toBe(namedWarehouseId('daily'));
  expect(first.incremental).toMatchObject({ filesAdded: { events: 1, songs: 120 }, filesAlreadyLoaded: { events: 0, songs: 0 }, changedCount: 0 });

  copyInto(dir, days[1]);
  const second = await incremental('incremental-day-2', dir, 'daily');
  expect(second.incremental).toMatchObject({ filesAdded: { events: 1, songs: 0 }, filesAlreadyLoaded: { events: 1, songs: 120 } });
  expect(second.incremental!.rowsAdded.songs).toBe(0);
  expect(second.incremental!.rowsAdded.songplays).toBeGreaterThan(0);
  // The warehouse outlives its runs: its directory is still there.
  expect(fs.existsSync(localWarehouseDirectory(namedWarehouseId('daily')))).toBe(true);

  const before = await checksums(second.warehouse!, STAR);
  const again = await incremental('incremental-day-2-again', dir, 'daily');
  expect(again.incremental).toMatchObject({
    filesAdded: { events: 0, songs: 0 },
    filesAlreadyLoaded: { events: 2, songs: 120 },
    rowsAdded: { songplays: 0, users: 0, songs: 0, artists: 0, time: 0 },
    usersUpdated: 0,
  });
  expect(await checksums(again.warehouse!, STAR)).toEqual(before);

  copyInto(dir, days[2]);
  copyInto(dir, days[3]);
  const last = await incremental('incremental-days-3-4', dir, 'daily');
  expect(last.incremental!.filesAdded).toEqual({ events: 2, songs: 0 });
  // Totals in the result are the warehouse's.
  for (const table of STAR) expect(last.tables[table]).toBe(full.tables[table]);
  expect(await checksums(last.warehouse!, STAR)).toEqual(await checksums(full.warehouse!, STAR));

  // The manifest lists every file once, with its rows: together exactly what the full load staged.
  const manifest = await queryWarehouse(last.warehouse!, async (client) =>
    (await client.query("SELECT staging, COUNT(*)::int AS files, SUM(rows_loaded)::int AS loaded, SUM(rows_rejected)::int AS rejected, COUNT(DISTINCT run_id)::int AS runs FROM loaded_files GROUP BY staging ORDER BY staging")).rows,
  );
  expect(manifest).toEqual([
    { staging: 'events', files: 4, loaded: full.tables.staging_events, rejected: 0, runs: 3 },
    { staging: 'songs', files: 120, loaded: full.tables.staging_songs, rejected: 0, runs: 1 },
  ]);
}, 180_000);

test('an older day loaded after newer ones does not overwrite newer levels; the window picks days', async () => {
  // Users whose level changes across the days, counted from the files themselves: the case is real.
  const levels = new Map<string, Set<string>>();
  for (const day of days) {
    for (const line of fs.readFileSync(path.join(dataset, day), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const event = JSON.parse(line) as { userId: string; level: string };
      if (event.userId === '') continue;
      if (!levels.has(event.userId)) levels.set(event.userId, new Set());
      levels.get(event.userId)!.add(event.level);
    }
  }
  expect([...levels.values()].filter((l) => l.size > 1).length).toBeGreaterThan(0);

  const dir = sourceWith('shuffled', [0, 1, 2, 3]);
  const dayOf = (i: number) => /(\d{4}-\d{2}-\d{2})/.exec(days[i])![1];
  const newest = await incremental('incremental-window-4', dir, 'shuffled', { from: dayOf(3) });
  suite.keep(newest.warehouse!);
  expect(newest.incremental).toMatchObject({ filesAdded: { events: 1, songs: 120 }, filesOutsideWindow: 3 });
  const middle = await incremental('incremental-window-2-3', dir, 'shuffled', { from: dayOf(1), to: dayOf(2) });
  expect(middle.incremental).toMatchObject({ filesAdded: { events: 2, songs: 0 }, filesOutsideWindow: 2 });
  const rest = await incremental('incremental-rest', dir, 'shuffled');
  expect(rest.incremental).toMatchObject({ filesAdded: { events: 1, songs: 0 }, filesAlreadyLoaded: { events: 3, songs: 120 } });

  const tables = ['users', 'songs', 'artists', 'time', PLAYS_WITHOUT_ID];
  expect(await checksums(rest.warehouse!, tables)).toEqual(await checksums(full.warehouse!, tables));
  // Ids stay as first given: still 1..n, each once.
  const ids = await queryWarehouse(rest.warehouse!, async (c) => (await c.query('SELECT MIN(songplay_id)::int AS lo, MAX(songplay_id)::int AS hi, COUNT(DISTINCT songplay_id)::int AS n FROM songplays')).rows[0]);
  expect(ids).toEqual({ lo: 1, hi: full.tables.songplays, n: full.tables.songplays });
}, 180_000);

test('a changed file is reported and not loaded; with reloadChanged it replaces its earlier rows', async () => {
  const dir = sourceWith('changed', [0, 1]);
  const first = await incremental('incremental-changed-1', dir, 'changed');
  suite.keep(first.warehouse!);
  const loaded = await checksums(first.warehouse!, STAR);
  // Day 2 loses its last event line: another size.
  const file = path.join(dir, days[1]);
  const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  fs.writeFileSync(file, lines.slice(0, -1).join('\n') + '\n');

  const reported = await incremental('incremental-changed-2', dir, 'changed');
  expect(reported.incremental).toMatchObject({ filesAdded: { events: 0, songs: 0 }, changedFiles: [days[1]], changedCount: 1 });
  expect(await checksums(reported.warehouse!, STAR)).toEqual(loaded);

  const reloaded = await incremental('incremental-changed-3', dir, 'changed', { reloadChanged: true });
  expect(reloaded.incremental).toMatchObject({ filesAdded: { events: 1, songs: 0 }, changedCount: 0 });
  // Now the warehouse equals a full load of the files as they are.
  const fresh = await suite.runEtl('incremental-changed-full', { source: { type: 'local', path: dir }, keepWarehouse: true });
  suite.keep(fresh.warehouse!);
  const tables = ['users', 'songs', 'artists', 'time', PLAYS_WITHOUT_ID];
  expect(await checksums(reloaded.warehouse!, tables)).toEqual(await checksums(fresh.warehouse!, tables));
  const manifest = await queryWarehouse(reloaded.warehouse!, async (c) => (await c.query("SELECT size::int, rows_loaded::int FROM loaded_files WHERE path = $1", [days[1]])).rows);
  expect(manifest).toEqual([{ size: fs.statSync(file).size, rows_loaded: lines.length - 1 }]);
}, 180_000);

test('a second run waits for the lock and fails naming the holder; a closed run\'s lock is taken over', async () => {
  const dir = sourceWith('locked', [0]);
  const first = await incremental('incremental-lock-1', dir, 'locked');
  suite.keep(first.warehouse!);
  // A lock left by a run that has closed (first's): the next run takes it over and loads.
  const closed = await suite.temporal.env.client.workflow.getHandle('incremental-lock-1').describe();
  await queryWarehouse(first.warehouse!, (c) => c.query("INSERT INTO warehouse_lock VALUES ('load', $1, $2, now())", ['incremental-lock-1', closed.runId]));
  copyInto(dir, days[1]);
  const second = await incremental('incremental-lock-2', dir, 'locked');
  expect(second.incremental!.filesAdded.events).toBe(1);

  // A run holding the lock while it merges slowly; another asks with a 1 s wait and fails.
  copyInto(dir, days[2]);
  let release!: () => void;
  const merging = new Promise<void>((resolve) => (release = resolve));
  let entered!: () => void;
  const inMerge = new Promise<void>((resolve) => (entered = resolve));
  const slow = incremental('incremental-lock-slow', dir, 'locked', {}, {
    activities: {
      mergeIncremental: async (input: Parameters<typeof sparkifyActivities.mergeIncremental>[0]) => {
        entered();
        await merging;
        return sparkifyActivities.mergeIncremental(input);
      },
    },
  });
  await inMerge;
  const busy = await incremental('incremental-lock-busy', dir, 'locked', { lockWaitSeconds: 1 }).then(
    () => undefined,
    (err: unknown) => err,
  );
  release();
  expect(busy).toBeInstanceOf(WorkflowFailedError);
  const cause = (busy as WorkflowFailedError).cause?.cause as Error & { type?: string };
  expect(cause.type).toBe('WarehouseBusy');
  expect(cause.message).toMatch(/is being loaded by run incremental-lock-slow .*running/);
  expect((await slow).incremental!.filesAdded.events).toBe(1);
  const lock = await queryWarehouse(first.warehouse!, async (c) => (await c.query('SELECT COUNT(*)::int AS n FROM warehouse_lock')).rows[0].n);
  expect(lock).toBe(0);

  // Long-lived: gc keeps it although the run that provisioned it has closed.
  const gc = await collectOrphanedWarehouses({
    connection: suite.temporal.env.connection,
    temporal: suite.temporal.address,
    address: suite.temporal.address,
    dryRun: true,
    providers: ['local'],
  });
  expect(gc.entries.find((e) => e.name === namedWarehouseId('locked'))).toMatchObject({ action: 'kept', reason: 'run incremental-lock-1 asked to keep its warehouse' });
}, 180_000);

test('postgres provider: the named warehouse is a schema kept between runs', async () => {
  const pg = await startTestPostgres('incremental');
  process.env.SPARKIFY_POSTGRES_URL = pg.url;
  try {
    const dir = sourceWith('on-postgres', [0]);
    const input = (workflowId: string) =>
      suite.runEtl(workflowId, { source: { type: 'local', path: dir }, warehouse: { provider: 'postgres' }, incremental: { warehouseName: 'shared' } });
    const first = await input('incremental-postgres-1');
    expect(first.warehouse).toMatchObject({ provider: 'postgres', schema: 'sparkify_named_shared' });
    copyInto(dir, days[1]);
    const second = await input('incremental-postgres-2');
    expect(second.incremental).toMatchObject({ filesAdded: { events: 1, songs: 0 }, filesAlreadyLoaded: { events: 1, songs: 120 } });
    const client = await pg.connect();
    try {
      const { rows } = await client.query("SELECT COUNT(*)::int AS n FROM sparkify_named_shared.loaded_files WHERE staging = 'events'");
      expect(rows).toEqual([{ n: 2 }]);
    } finally {
      await client.end();
    }
  } finally {
    delete process.env.SPARKIFY_POSTGRES_URL;
    await pg.stop();
  }
}, 120_000);
