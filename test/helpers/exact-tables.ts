/**
 * What a finished warehouse holds, reduced to the figures test/reference/ computes independently
 * (expected.json): every table's row count, the checksums and the songplay/user breakdowns. Two
 * equal reports mean the tables hold exactly the reference rows (up to the checksums' power).
 */
import type { Client } from 'pg';

export interface TablesReport {
  tables: Record<string, number>;
  checksums: Record<string, string>;
  songplaysWithSong: number;
  distinctStagedEvents: number;
}

const TABLES = ['staging_events', 'staging_songs', 'load_errors', 'songplays', 'users', 'songs', 'artists', 'time'];

async function scalar(client: Client, sql: string): Promise<string> {
  const { rows } = await client.query(sql);
  return String(Object.values(rows[0])[0]);
}

/** The report of the warehouse `client` is connected to (search_path set to its schema). */
export async function tablesReport(client: Client): Promise<TablesReport> {
  const tables: Record<string, number> = {};
  for (const table of TABLES) tables[table] = Number(await scalar(client, `SELECT count(*) FROM ${table}`));
  return {
    tables,
    checksums: {
      songplaysStartTimeSumMs: await scalar(client, 'SELECT SUM(ROUND(EXTRACT(EPOCH FROM start_time) * 1000))::text FROM songplays'),
      songplaysIdTimesSessionIdSum: await scalar(client, 'SELECT SUM(songplay_id::numeric * session_id)::text FROM songplays'),
      songplaysUserIdSum: await scalar(client, "SELECT COALESCE(SUM(user_id::numeric), 0)::text FROM songplays WHERE user_id ~ '^-?[0-9]+$'"),
      usersIdSum: await scalar(client, "SELECT COALESCE(SUM(user_id::numeric), 0)::text FROM users WHERE user_id ~ '^-?[0-9]+$'"),
      timeHourSum: await scalar(client, 'SELECT SUM(hour)::text FROM time'),
      timeIsoWeekSum: await scalar(client, 'SELECT SUM(week)::text FROM time'),
    },
    songplaysWithSong: Number(await scalar(client, 'SELECT count(*) FROM songplays WHERE song_id IS NOT NULL')),
    distinctStagedEvents: Number(await scalar(client, 'SELECT count(DISTINCT (source_file, source_line)) FROM staging_events')),
  };
}

/** The report an exact load of a dataset with this expected.json gives. */
export function expectedReport(expected: {
  tables: Record<string, number>;
  checksums: Record<string, number | string>;
  songplaysWithSong: number;
}): TablesReport {
  return {
    tables: Object.fromEntries(TABLES.map((t) => [t, expected.tables[t]])),
    checksums: Object.fromEntries(Object.entries(expected.checksums).map(([k, v]) => [k, String(v)])),
    songplaysWithSong: expected.songplaysWithSong,
    distinctStagedEvents: expected.tables.staging_events,
  };
}
