/**
 * Every committed fixture with an expected.json (computed independently by test/reference/) loaded
 * through all the activities, and every figure of expected.json compared with the warehouse.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import * as activities from '../../src/activities';
import type { CopyStagingResult, LoadSummary, SourceRef, WarehouseHandle } from '../../src/contract';
import { runIn, STAR_INSERTS, startWarehouseForTests, type WarehouseForTests } from './support';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures');
const fixtures = fs.existsSync(FIXTURES)
  ? fs.readdirSync(FIXTURES).filter((name) => fs.existsSync(path.join(FIXTURES, name, 'expected.json'))).sort()
  : [];

let wh: WarehouseForTests;
beforeAll(async () => {
  wh = await startWarehouseForTests('fixtures');
}, 90_000);
afterAll(() => wh?.stop(), 60_000);

it('finds the committed fixtures', () => {
  expect(fixtures).toEqual(expect.arrayContaining(['sparkify-small']));
});

describe.each(fixtures)('fixture %s', (name) => {
  const root = path.join(FIXTURES, name);
  const expected = JSON.parse(fs.readFileSync(path.join(root, 'expected.json'), 'utf8'));
  const source: SourceRef = { type: 'local', path: root };
  const partitions = 2;
  let warehouse: WarehouseHandle;
  let copies: CopyStagingResult[];
  let summary: LoadSummary;
  const scalar = async (sql: string): Promise<unknown> => Object.values((await wh.rows(warehouse, sql))[0])[0];

  beforeAll(async () => {
    const env = new MockActivityEnvironment();
    warehouse = await wh.fresh(name.replace(/-/g, '_'));
    const plan = await runIn(env, activities.planStaging, { source, partitions });
    expect(plan.events.filesPerPartition.reduce((a, b) => a + b, 0)).toBe(plan.events.files);
    copies = [];
    for (let partition = 0; partition < partitions; partition++) {
      copies.push(await runIn(env, activities.copyStagingEvents, { warehouse, source, partition, partitions }));
      copies.push(await runIn(env, activities.copyStagingSongs, { warehouse, source, partition, partitions }));
    }
    for (const insert of STAR_INSERTS) await runIn(env, insert, { warehouse });
    summary = await runIn(env, activities.summarizeLoad, { warehouse });
  }, 60_000);

  it('reads every input row and accounts for it', () => {
    const read = (kind: string) => copies.filter((c) => c.kind === kind).reduce((sum, c) => sum + c.linesRead, 0);
    expect({ events: read('events'), songs: read('songs') }).toEqual(expected.read);
    for (const c of copies) expect(c.linesRead).toBe(c.rowsLoaded + c.rowsRejected);
  });

  it('has the expected row count in every table and rejected rows by kind', () => {
    expect(summary.tables).toEqual(expected.tables);
    expect(summary.rejectedByKind).toEqual(expected.rejectedByKind);
  });

  it('records exactly the corrupted rows (file, line, kind) when the fixture lists them', async () => {
    const manifest = path.join(root, 'corruptions.json');
    const recorded = await wh.rows(warehouse, 'SELECT file, line, reason_kind AS kind FROM load_errors ORDER BY file, line');
    const listed: Array<{ file: string; line: number; kind: string }> = fs.existsSync(manifest)
      ? JSON.parse(fs.readFileSync(manifest, 'utf8'))
      : [];
    const order = (a: { file: string; line: number }, b: { file: string; line: number }) =>
      Buffer.compare(Buffer.from(a.file), Buffer.from(b.file)) || a.line - b.line;
    expect(recorded).toEqual([...listed].sort(order).map(({ file, line, kind }) => ({ file, line, kind })));
  });

  it('matches the expected songplay, user and time breakdowns', async () => {
    expect(Number(await scalar('SELECT COUNT(*) FROM songplays WHERE song_id IS NOT NULL'))).toBe(expected.songplaysWithSong);
    const byLevel = async (table: string) => {
      const rows = await wh.rows<{ level: string; n: number }>(warehouse, `SELECT level, COUNT(*)::int AS n FROM ${table} GROUP BY level`);
      return { free: 0, paid: 0, ...Object.fromEntries(rows.map((r) => [r.level, r.n])) };
    };
    expect(await byLevel('songplays')).toEqual(expected.songplaysByLevel);
    expect(await byLevel('users')).toEqual(expected.usersByLevel);
    const weekdays = await wh.rows<{ weekday: number; n: number }>(warehouse, 'SELECT weekday, COUNT(*)::int AS n FROM time GROUP BY weekday');
    const byWeekday = [0, 0, 0, 0, 0, 0, 0];
    for (const row of weekdays) byWeekday[row.weekday] = row.n;
    expect(byWeekday).toEqual(expected.timeByWeekday);
  });

  it('matches the expected checksums (ids, times, users)', async () => {
    const sums = {
      songplaysStartTimeSumMs: await scalar("SELECT SUM(ROUND(EXTRACT(EPOCH FROM start_time) * 1000))::text FROM songplays"),
      songplaysIdTimesSessionIdSum: await scalar('SELECT SUM(songplay_id::numeric * session_id)::text FROM songplays'),
      songplaysUserIdSum: await scalar("SELECT COALESCE(SUM(user_id::numeric), 0)::text FROM songplays WHERE user_id ~ '^-?[0-9]+$'"),
      usersIdSum: await scalar("SELECT COALESCE(SUM(user_id::numeric), 0)::text FROM users WHERE user_id ~ '^-?[0-9]+$'"),
      timeHourSum: await scalar('SELECT SUM(hour)::text FROM time'),
      timeIsoWeekSum: await scalar('SELECT SUM(week)::text FROM time'),
    };
    const wanted = Object.fromEntries(Object.entries(expected.checksums).map(([k, v]) => [k, String(v)]));
    expect(sums).toEqual(wanted);
  });

  it('picks the expected row for every conflicting artist and duplicate song_id', async () => {
    for (const artist of expected.conflictingArtists) {
      const rows = await wh.rows(warehouse, 'SELECT artist_id, name, location, latitude, longitude FROM artists WHERE artist_id = $1', [artist.artist_id]);
      expect(rows).toEqual([artist]);
    }
    for (const song of expected.duplicateSongIds) {
      const rows = await wh.rows(warehouse, 'SELECT song_id, title, artist_id, year::int AS year, duration FROM songs WHERE song_id = $1', [song.song_id]);
      expect(rows).toEqual([song]);
    }
  });
});
