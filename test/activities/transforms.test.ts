/**
 * The star-schema transforms on hand-made staging rows, one rule of docs/data-rules.md at a time.
 * Every expectation below was worked out by hand from the rows in this file.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import * as activities from '../../src/activities';
import type { WarehouseHandle } from '../../src/contract';
import { runIn, STAR_INSERTS, startWarehouseForTests, type WarehouseForTests } from './support';

let wh: WarehouseForTests;
let warehouse: WarehouseHandle;
const env = new MockActivityEnvironment();

// 2018-11-04 00:00:00.001 Sunday; 2018-11-10 08:00:00.500 Saturday;
// 2018-12-31 23:59:59.999 Monday (ISO week 1 of 2019); 2021-01-01 12:30:00 Friday (ISO week 53 of 2020).
const T1 = 1541289600001;
const T4 = 1541836800500;
const T2 = 1546300799999;
const T3 = 1609504200000;
const FA = 'log_data/a.json';
const FB = 'log_data/b.json';

type Event = [file: string, line: number, userId: string, ts: number, level: string, firstName: string | null, page: string,
  song: string | null, artist: string | null, length: number | null, sessionId: number];
const EVENTS: Event[] = [
  [FA, 1, '7', T1, 'free', 'Old', 'NextSong', 'Song A', 'Art', 200.123454, 10],
  [FA, 2, '7', T2, 'paid', 'A', 'NextSong', 'Song A', 'Art', 200.123456, 11],
  [FA, 3, '8', T3, 'free', 'C', 'Home', null, null, null, 12],
  [FA, 4, '8', T3, 'paid', 'D', 'NextSong', 'Song C', 'Other', 100.0, 13],
  [FA, 5, '', T1, 'free', null, 'NextSong', null, null, null, 14],
  // Same ts as FA line 2 but a smaller session: content order and file order disagree.
  [FB, 1, '7', T2, 'free', 'B', 'NextSong', 'Song C', 'Art', 100.000004, 9],
  [FB, 2, '9', T4, 'paid', 'E', 'NextSong', 'Song D', 'Art', 50.000005, 16],
];

type Song = [file: string, songId: string, title: string, artistId: string, artistName: string, location: string | null,
  latitude: number | null, longitude: number | null, duration: number, year: number];
const SONGS: Song[] = [
  // The last file, but the first SOB row in song order (title 'Other title' < 'Song A').
  ['song_data/Z.json', 'SOB', 'Other title', 'AR2', 'Art2 first', 'P', null, null, 1.0, 1999],
  ['song_data/A.json', 'SOA', 'Song A', 'AR1', 'Art', 'LA', 1.5, -2.5, 200.12345, 2001],
  ['song_data/B.json', 'SOB', 'Song A', 'AR2', 'Art', 'Q', null, null, 200.12345, 2002],
  ['song_data/C.json', 'SOC', 'Song C', 'AR1', 'Art', 'NY', 3.0, 4.0, 100.0, 0],
  ['song_data/D.json', 'SOD', 'Song D', 'AR3', 'Art', null, null, null, 50.00001, 2010],
  ['song_data/E.json', 'SOE', 'Song E', 'AR1', 'Art Later', null, null, null, 10, 2020],
];

async function runAllTransforms(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const insert of STAR_INSERTS) {
    const result = await runIn(env, insert, { warehouse });
    counts[result.table] = result.rows;
  }
  return counts;
}

const dumps = {
  users: 'SELECT * FROM users ORDER BY user_id',
  songs: 'SELECT * FROM songs ORDER BY song_id',
  artists: 'SELECT * FROM artists ORDER BY artist_id',
  time: "SELECT to_char(start_time, 'YYYY-MM-DD HH24:MI:SS.MS') AS start_time, hour, day, week, month, year, weekday FROM time ORDER BY start_time",
  songplays:
    "SELECT songplay_id::int AS id, to_char(start_time, 'YYYY-MM-DD HH24:MI:SS.MS') AS start_time, user_id, level, song_id, artist_id, session_id::int AS session, location, user_agent FROM songplays ORDER BY songplay_id",
};

let firstCounts: Record<string, number>;

beforeAll(async () => {
  wh = await startWarehouseForTests('transforms');
  warehouse = await wh.fresh('rules');
  for (const [file, line, userId, ts, level, firstName, page, song, artist, length, sessionId] of EVENTS) {
    await wh.rows(
      warehouse,
      `INSERT INTO staging_events (artist, auth, first_name, gender, item_in_session, last_name, length, level, location, method, page,
         registration, session_id, song, status, ts, user_agent, user_id, source_file, source_line)
       VALUES ($1, 'Logged In', $2, 'F', 0, 'Last', $3, $4, $5, 'PUT', $6, NULL, $7, $8, 200, $9, $10, $11, $12, $13)`,
      [artist, firstName, length, level, `loc-${sessionId}`, page, sessionId, song, ts, `ua-${sessionId}`, userId, file, line],
    );
  }
  for (const [file, songId, title, artistId, artistName, location, latitude, longitude, duration, year] of SONGS) {
    await wh.rows(
      warehouse,
      `INSERT INTO staging_songs (num_songs, artist_id, artist_latitude, artist_longitude, artist_location, artist_name, song_id,
         title, duration, year, source_file, source_line)
       VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1)`,
      [artistId, latitude, longitude, location, artistName, songId, title, duration, year, file],
    );
  }
  firstCounts = await runAllTransforms();
}, 90_000);
afterAll(() => wh?.stop(), 60_000);

it('returns the number of rows each insert wrote', () => {
  expect(firstCounts).toEqual({ users: 3, songs: 5, artists: 3, time: 4, songplays: 6 });
});

it('users: one per non-empty userId, from the latest event (ties: greater session_id, never the file)', async () => {
  expect(await wh.rows(warehouse, dumps.users)).toEqual([
    // T2 twice: session 11 (a.json) beats session 9 (b.json, the later file).
    { user_id: '7', first_name: 'A', last_name: 'Last', gender: 'F', level: 'paid' },
    { user_id: '8', first_name: 'D', last_name: 'Last', gender: 'F', level: 'paid' },
    { user_id: '9', first_name: 'E', last_name: 'Last', gender: 'F', level: 'paid' },
  ]);
});

it('songs: one per song_id, duplicates resolved by the rows\' contents (title first), not by file', async () => {
  expect(await wh.rows(warehouse, dumps.songs)).toEqual([
    { song_id: 'SOA', title: 'Song A', artist_id: 'AR1', year: '2001', duration: 200.12345 },
    { song_id: 'SOB', title: 'Other title', artist_id: 'AR2', year: '1999', duration: 1 },
    { song_id: 'SOC', title: 'Song C', artist_id: 'AR1', year: '0', duration: 100 },
    { song_id: 'SOD', title: 'Song D', artist_id: 'AR3', year: '2010', duration: 50.00001 },
    { song_id: 'SOE', title: 'Song E', artist_id: 'AR1', year: '2020', duration: 10 },
  ]);
});

it('artists: one per artist_id, described by its first song row in song order', async () => {
  expect(await wh.rows(warehouse, dumps.artists)).toEqual([
    { artist_id: 'AR1', name: 'Art', location: 'LA', latitude: 1.5, longitude: -2.5 },
    { artist_id: 'AR2', name: 'Art2 first', location: 'P', latitude: null, longitude: null },
    { artist_id: 'AR3', name: 'Art', location: null, latitude: null, longitude: null },
  ]);
});

it('time: one row per distinct songplay start_time, UTC, ISO week, weekday 0 = Sunday', async () => {
  expect(await wh.rows(warehouse, dumps.time)).toEqual([
    { start_time: '2018-11-04 00:00:00.001', hour: 0, day: 4, week: 44, month: 11, year: 2018, weekday: 0 },
    { start_time: '2018-11-10 08:00:00.500', hour: 8, day: 10, week: 45, month: 11, year: 2018, weekday: 6 },
    { start_time: '2018-12-31 23:59:59.999', hour: 23, day: 31, week: 1, month: 12, year: 2018, weekday: 1 },
    { start_time: '2021-01-01 12:30:00.000', hour: 12, day: 1, week: 53, month: 1, year: 2021, weekday: 5 },
  ]);
});

it('songplays: NextSong events numbered by (ts, session_id, …), songs matched at 5 decimals, lowest song_id wins', async () => {
  const play = (id: number, start: string, user: string | null, level: string, song: string | null, artist: string | null, session: number) => ({
    id, start_time: start, user_id: user, level, song_id: song, artist_id: artist, session, location: `loc-${session}`, user_agent: `ua-${session}`,
  });
  expect(await wh.rows(warehouse, dumps.songplays)).toEqual([
    // 200.123454 rounds to 200.12345: matches SOA and SOB (B.json), SOA is the lower id.
    play(1, '2018-11-04 00:00:00.001', '7', 'free', 'SOA', 'AR1', 10),
    // Logged-out event: no user, no song.
    play(2, '2018-11-04 00:00:00.001', null, 'free', null, null, 14),
    // 50.000005 rounds (as a decimal, half away from zero) to 50.00001 = SOD.
    play(3, '2018-11-10 08:00:00.500', '9', 'paid', 'SOD', 'AR3', 16),
    // Same ts as id 5 and a later file, but the smaller session. 100.000004 rounds to 100.00000 = SOC.
    play(4, '2018-12-31 23:59:59.999', '7', 'free', 'SOC', 'AR1', 9),
    // 200.123456 rounds to 200.12346: no song.
    play(5, '2018-12-31 23:59:59.999', '7', 'paid', null, null, 11),
    // Artist name differs from every song's: no match.
    play(6, '2021-01-01 12:30:00.000', '8', 'paid', null, null, 13),
  ]);
});

it('re-running every transform gives identical tables', async () => {
  const dumpAll = async () => {
    const tables: unknown[] = [];
    for (const sql of Object.values(dumps)) tables.push(await wh.rows(warehouse, sql));
    return tables;
  };
  const before = await dumpAll();
  expect(await runAllTransforms()).toEqual(firstCounts);
  expect(await dumpAll()).toEqual(before);
});

it('on PostgreSQL each star table has its primary key again after its transform (built after the insert)', async () => {
  const keys = await wh.rows<{ table: string; key: string }>(
    warehouse,
    `SELECT t.relname AS table, pg_get_constraintdef(c.oid) AS key
     FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = current_schema() AND c.contype = 'p' AND t.relname IN ('users', 'songs', 'artists', 'time', 'songplays')
     ORDER BY 1`,
  );
  expect(keys).toEqual([
    { table: 'artists', key: 'PRIMARY KEY (artist_id)' },
    { table: 'songplays', key: 'PRIMARY KEY (songplay_id)' },
    { table: 'songs', key: 'PRIMARY KEY (song_id)' },
    { table: 'time', key: 'PRIMARY KEY (start_time)' },
    { table: 'users', key: 'PRIMARY KEY (user_id)' },
  ]);
});

it('summarizeLoad counts every table and the rejected rows by kind; sampleLoadErrors lists the first ones', async () => {
  const rejects: Array<[string, number, string]> = [['song_data/z.json', 1, 'empty-file'], [FB, 9, 'wrong-type'], [FA, 7, 'wrong-type']];
  for (const [file, line, kind] of rejects) {
    await wh.rows(warehouse, "INSERT INTO load_errors (file, line, staging, raw, reason_kind, reason) VALUES ($1, $2, 'events', 'x', $3, 'why')", [file, line, kind]);
  }
  expect(await runIn(env, activities.summarizeLoad, { warehouse })).toEqual({
    tables: { staging_events: 7, staging_songs: 6, load_errors: 3, songplays: 6, users: 3, songs: 5, artists: 3, time: 4 },
    rejectedByKind: { 'empty-file': 1, 'wrong-type': 2 },
    serverStartedAt: expect.any(String),
  });
  expect(await runIn(env, activities.sampleLoadErrors, { warehouse, limit: 2 })).toEqual([
    { file: FA, line: 7, reasonKind: 'wrong-type', reason: 'why' },
    { file: FB, line: 9, reasonKind: 'wrong-type', reason: 'why' },
  ]);
});

it('songplays: among matching song rows, the first in song order gives both ids (one song_id with two artist_ids: the smaller)', async () => {
  const tie = await wh.fresh('song_artist_tie');
  const songs: Array<[songId: string, artistId: string, duration: number]> = [
    // Same song_id and match key, two artists: song order (song_id, title, artist_id) puts AR8 first.
    ['SOX', 'AR9', 42.0],
    ['SOX', 'AR8', 42.0],
    // The same key but a greater song_id: never chosen, though its artist_id is the least.
    ['SOY', 'AR1', 42.0],
    // A smaller song_id whose duration does not match.
    ['SOW', 'AR0', 43.0],
  ];
  for (const [songId, artistId, duration] of songs) {
    await wh.rows(
      tie,
      `INSERT INTO staging_songs (num_songs, artist_id, artist_latitude, artist_longitude, artist_location, artist_name, song_id,
         title, duration, year, source_file, source_line)
       VALUES (1, $1, NULL, NULL, NULL, 'Band', $2, 'Dup', $3, 2000, 'song_data/x.json', 1)`,
      [artistId, songId, duration],
    );
  }
  await wh.rows(
    tie,
    `INSERT INTO staging_events (artist, auth, first_name, gender, item_in_session, last_name, length, level, location, method, page,
       registration, session_id, song, status, ts, user_agent, user_id, source_file, source_line)
     VALUES ('Band', 'Logged In', 'F', 'F', 0, 'L', 42.000001, 'free', 'here', 'PUT', 'NextSong', NULL, 1, 'Dup', 200, $1, 'ua', '5', 'log_data/x.json', 1)`,
    [T1],
  );
  for (const insert of STAR_INSERTS) await runIn(env, insert, { warehouse: tie });
  expect(await wh.rows(tie, 'SELECT song_id, artist_id FROM songplays')).toEqual([{ song_id: 'SOX', artist_id: 'AR8' }]);
  // The songs table makes the same choice for SOX.
  expect(await wh.rows(tie, "SELECT artist_id FROM songs WHERE song_id = 'SOX'")).toEqual([{ artist_id: 'AR8' }]);
});
