/**
 * Activities that rebuild the star tables from staging, one per table: each runs
 * sql/transforms/<table>.sql (clear the table, then INSERT … SELECT) in one transaction, so a
 * retry or a re-run replaces the table rather than adding to it. The transaction first checks
 * that staging is intact: a crashed warehouse comes back with empty staging tables, and a
 * transform over them would silently load nothing (StagingLost instead, see staging/epoch.ts).
 * The same files run on PostgreSQL and Redshift. A dialect may wrap them in its own statements,
 * in the same transaction: sql/<dialect>/transforms/<table>.before.sql and .after.sql
 * (PostgreSQL: the table truncated so its rows skip the WAL, the primary key built after the insert).
 */
import type { InsertResult, WarehouseInput } from '../contract';
import type { SqlDialect } from '../warehouse/provider';
import { stepIfFileExists, type SqlStep } from '../warehouse/session';
import type { StarTable } from '../warehouse/tables';
import { checkStagingEpochStep } from './staging/epoch';
import { inSession } from './warehouse-activity';

/** The dialect's own step before or after a table's transform; none when it has no such file. */
function dialectStep(dialect: SqlDialect, table: StarTable, when: 'before' | 'after'): SqlStep[] {
  return stepIfFileExists(`${dialect}/transforms/${table}.${when}.sql`);
}

async function runTransform(table: StarTable, input: WarehouseInput): Promise<InsertResult> {
  const doing = `inserting ${table} in ${input.warehouse.schema}`;
  return inSession(input.warehouse, doing, async (session) => {
    const file = `transforms/${table}.sql`;
    const results = await session.transaction([
      checkStagingEpochStep(undefined, doing),
      ...dialectStep(session.dialect, table, 'before'),
      { file },
      ...dialectStep(session.dialect, table, 'after'),
    ]);
    const transform = results.find((result) => result.file === file);
    const rows = (transform?.statements ?? []).filter((s) => s.command === 'INSERT').reduce((total, s) => total + s.rowCount, 0);
    return { table, rows };
  });
}

export const insertUsers = (input: WarehouseInput): Promise<InsertResult> => runTransform('users', input);
export const insertSongs = (input: WarehouseInput): Promise<InsertResult> => runTransform('songs', input);
export const insertArtists = (input: WarehouseInput): Promise<InsertResult> => runTransform('artists', input);
export const insertTime = (input: WarehouseInput): Promise<InsertResult> => runTransform('time', input);
export const insertSongplays = (input: WarehouseInput): Promise<InsertResult> => runTransform('songplays', input);
