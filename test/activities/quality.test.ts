/**
 * The quality checks (sql/checks/) on a real PostgreSQL: all pass on the committed fixture loaded
 * by the activities; each crafted defect, made inside a transaction that is rolled back afterwards,
 * fails exactly the checks it should, with the counts and examples worked out from the fixture.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Client } from 'pg';
import * as activities from '../../src/activities';
import { runQualityChecks } from '../../src/activities/quality';
import type { QualityCheckResult, WarehouseHandle } from '../../src/contract';
import { loadWithActivities, runIn, startWarehouseForTests, type WarehouseForTests } from './support';

const ROOT = path.resolve(__dirname, '..', 'fixtures', 'sparkify-small');
const expected = JSON.parse(fs.readFileSync(path.join(ROOT, 'expected.json'), 'utf8'));

const CHECKS = [
  'artists_primary_key',
  'rows_accounted',
  'songplays_artist_in_artists',
  'songplays_level_known',
  'songplays_primary_key',
  'songplays_song_in_songs',
  'songplays_start_time_in_time',
  'songplays_user_in_users',
  'songs_primary_key',
  'star_tables_not_empty',
  'time_fields_consistent',
  'time_primary_key',
  'users_level_known',
  'users_primary_key',
];

let wh: WarehouseForTests;
let warehouse: WarehouseHandle;
let client: Client;

beforeAll(async () => {
  wh = await startWarehouseForTests('quality');
  warehouse = await wh.fresh('small');
  await loadWithActivities(warehouse, { type: 'local', path: ROOT });
  client = await wh.pg.connect();
  await client.query(`SET search_path TO ${warehouse.schema}`);
}, 90_000);
afterAll(async () => {
  await client?.end();
  await wh?.stop();
}, 60_000);

/** The checks that found something, by name: what a defect should (and should only) trip. */
function failedOnly(results: QualityCheckResult[]): Record<string, Omit<QualityCheckResult, 'check'>> {
  return Object.fromEntries(results.filter((r) => r.offendingRows > 0).map(({ check, ...rest }) => [check, rest]));
}

/** Runs `defect` then every check in one transaction, and rolls it all back. */
async function checksAfter(defect: string[]): Promise<QualityCheckResult[]> {
  await client.query('BEGIN');
  try {
    for (const statement of defect) await client.query(statement);
    return await runQualityChecks(client);
  } finally {
    await client.query('ROLLBACK');
  }
}

async function one(sql: string): Promise<string> {
  const { rows } = await client.query(sql);
  return String(Object.values(rows[0])[0]);
}

it('passes every check on the fixture, through the activity, each with count 0', async () => {
  const results = await runIn(new MockActivityEnvironment(), activities.checkQuality, { warehouse });
  expect(results).toEqual(CHECKS.map((check) => ({ check, offendingRows: 0, examples: [] })));
});

const DIMENSION_CHECKS = ['artists_primary_key', 'songs_primary_key', 'time_fields_consistent', 'time_primary_key', 'users_level_known', 'users_primary_key'];

it('runs the dimension checks and the remaining ones apart: together every check, each once', async () => {
  const env = new MockActivityEnvironment();
  const dimensions = await runIn(env, activities.checkQuality, { warehouse, scope: 'dimensions' });
  const remaining = await runIn(env, activities.checkQuality, { warehouse, scope: 'remaining' });
  expect(dimensions.map((r) => r.check)).toEqual(DIMENSION_CHECKS);
  expect(remaining.map((r) => r.check)).toEqual(CHECKS.filter((check) => !DIMENSION_CHECKS.includes(check)));
  await expect(runIn(env, activities.checkQuality, { warehouse, scope: 'some' as never })).rejects.toThrow(/invalid quality check scope "some"/);
});

it('splits a scope into shares: every share-th check from its index, together each check of the scope once', async () => {
  const env = new MockActivityEnvironment();
  const remaining = CHECKS.filter((check) => !DIMENSION_CHECKS.includes(check));
  const first = await runIn(env, activities.checkQuality, { warehouse, scope: 'remaining', share: { index: 0, of: 2 } });
  const second = await runIn(env, activities.checkQuality, { warehouse, scope: 'remaining', share: { index: 1, of: 2 } });
  expect(first.map((r) => r.check)).toEqual(['rows_accounted', 'songplays_level_known', 'songplays_song_in_songs', 'songplays_user_in_users']);
  expect(second.map((r) => r.check)).toEqual(['songplays_artist_in_artists', 'songplays_primary_key', 'songplays_start_time_in_time', 'star_tables_not_empty']);
  expect([...first, ...second].map((r) => r.check).sort()).toEqual(remaining);
  const thirds = await Promise.all([0, 1, 2].map((index) => runIn(env, activities.checkQuality, { warehouse, share: { index, of: 3 } })));
  expect(thirds.map((results) => results.map((r) => r.check))).toEqual([0, 1, 2].map((index) => CHECKS.filter((_, i) => i % 3 === index)));
  const one = await runIn(env, activities.checkQuality, { warehouse, share: { index: 0, of: 1 } });
  expect(one.map((r) => r.check)).toEqual(CHECKS);
  for (const [share, message] of [
    [{ index: 2, of: 2 }, 'share.index must be a whole number from 0 to 1, got 2'],
    [{ index: -1, of: 2 }, 'share.index must be a whole number from 0 to 1, got -1'],
    [{ index: 0.5, of: 2 }, 'share.index must be a whole number from 0 to 1, got 0.5'],
    [{ index: 0, of: 0 }, 'share.of must be a whole number of at least 1, got 0'],
    [{ index: 0 }, 'share.of must be a whole number of at least 1, got undefined'],
  ] as const) {
    await expect(runIn(env, activities.checkQuality, { warehouse, share: share as never })).rejects.toMatchObject({
      type: 'InvalidInput', nonRetryable: true, message: `invalid quality check share: ${message}`,
    });
  }
});

it('holds every dimension check to the dimension tables: it may run before songplays is loaded', () => {
  // Every table a check's SQL names after FROM or JOIN (its CTEs aside).
  const tablesRead = (check: string): string[] => {
    const sql = fs.readFileSync(path.resolve(__dirname, '..', '..', 'sql', 'checks', `${check}.sql`), 'utf8').replace(/--.*$/gm, '');
    const ctes = new Set([...sql.matchAll(/(\w+)\s+AS\s*\(/gi)].map((m) => m[1].toLowerCase()));
    const named = [...sql.matchAll(/\b(?:FROM|JOIN)\s+([a-z_]+)/gi)].map((m) => m[1].toLowerCase());
    return [...new Set(named.filter((table) => !ctes.has(table)))].sort();
  };
  const dimensionTables = ['artists', 'songs', 'time', 'users'];
  for (const check of DIMENSION_CHECKS) expect({ check, tables: tablesRead(check).filter((t) => !dimensionTables.includes(t)) }).toEqual({ check, tables: [] });
  // The reader finds tables at all: a remaining check names songplays.
  expect(tablesRead('songplays_user_in_users')).toEqual(['songplays', 'users']);
});

it('finds a duplicated primary key (Redshift does not enforce keys)', async () => {
  const userId = await one('SELECT MIN(user_id) FROM users');
  const results = await checksAfter([
    'ALTER TABLE users DROP CONSTRAINT users_pkey',
    `INSERT INTO users SELECT * FROM users WHERE user_id = '${userId}'`,
  ]);
  expect(failedOnly(results)).toEqual({ users_primary_key: { offendingRows: 2, examples: [`user_id ${userId}: 2 rows`] } });
});

it('finds a NULL primary key', async () => {
  const songId = await one('SELECT MIN(song_id) FROM songs WHERE song_id NOT IN (SELECT song_id FROM songplays WHERE song_id IS NOT NULL)');
  const results = await checksAfter([
    'ALTER TABLE songs DROP CONSTRAINT songs_pkey',
    'ALTER TABLE songs ALTER COLUMN song_id DROP NOT NULL',
    `UPDATE songs SET song_id = NULL WHERE song_id = '${songId}'`,
  ]);
  expect(failedOnly(results)).toEqual({ songs_primary_key: { offendingRows: 1, examples: ['song_id NULL: 1 rows'] } });
});

it('finds orphan songplays: a user, a song, an artist and a start time that do not exist', async () => {
  const results = await checksAfter([
    "UPDATE songplays SET user_id = 'ghost' WHERE songplay_id = 1",
    "UPDATE songplays SET song_id = 'SONOSUCHSONG', artist_id = 'ARNOSUCHARTIST' WHERE songplay_id IN (2, 3)",
    "UPDATE songplays SET start_time = TIMESTAMP '1999-12-31 23:59:59.5' WHERE songplay_id = 4",
  ]);
  expect(failedOnly(results)).toEqual({
    songplays_user_in_users: { offendingRows: 1, examples: ['songplay_id 1: user_id ghost not in users'] },
    songplays_song_in_songs: {
      offendingRows: 2,
      examples: ['songplay_id 2: song_id SONOSUCHSONG not in songs', 'songplay_id 3: song_id SONOSUCHSONG not in songs'],
    },
    songplays_artist_in_artists: {
      offendingRows: 2,
      examples: ['songplay_id 2: artist_id ARNOSUCHARTIST not in artists', 'songplay_id 3: artist_id ARNOSUCHARTIST not in artists'],
    },
    songplays_start_time_in_time: { offendingRows: 1, examples: ['songplay_id 4: start_time 1999-12-31 23:59:59.5 not in time'] },
  });
});

it('finds levels outside free and paid, in songplays and users', async () => {
  const userId = await one('SELECT MAX(user_id) FROM users');
  const results = await checksAfter([
    "UPDATE songplays SET level = 'premium' WHERE songplay_id BETWEEN 10 AND 16",
    `UPDATE users SET level = 'gold' WHERE user_id = '${userId}'`,
  ]);
  expect(failedOnly(results)).toEqual({
    songplays_level_known: {
      offendingRows: 7,
      examples: [10, 11, 12, 13, 14].map((id) => `songplay_id ${id}: level premium`),
    },
    users_level_known: { offendingRows: 1, examples: [`user_id ${userId}: level gold`] },
  });
});

it('finds time rows whose fields disagree with their start_time', async () => {
  const results = await checksAfter([
    "INSERT INTO time (start_time, hour, day, week, month, year, weekday) VALUES (TIMESTAMP '2020-02-29 23:30:00', 23, 29, 9, 2, 2020, 0)",
  ]);
  // 2020-02-29 was a Saturday (weekday 6) in ISO week 9.
  expect(failedOnly(results)).toEqual({
    time_fields_consistent: {
      offendingRows: 1,
      examples: ['start_time 2020-02-29 23:30:00: hour 23, day 29, week 9, month 2, year 2020, weekday 0'],
    },
  });
});

it('finds empty star tables whose input was not empty', async () => {
  const results = await checksAfter(['DELETE FROM songplays', 'DELETE FROM artists']);
  expect(failedOnly(results)).toEqual({
    star_tables_not_empty: {
      offendingRows: 2,
      examples: [
        `artists is empty, its input has ${expected.tables.staging_songs} rows`,
        `songplays is empty, its input has ${expected.tables.songplays} rows`,
      ],
    },
  });
});

it('finds input rows that are neither loaded nor rejected', async () => {
  const results = await checksAfter(["DELETE FROM staging_events WHERE ctid IN (SELECT ctid FROM staging_events WHERE page <> 'NextSong' LIMIT 3)"]);
  const read = expected.read.events;
  expect(failedOnly(results)).toEqual({
    rows_accounted: { offendingRows: 1, examples: [`events: read ${read} <> loaded ${read - 3} + rejected 0`] },
  });
});
