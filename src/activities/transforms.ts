/**
 * Activities that rebuild the star tables from staging, one per table: each runs
 * sql/transforms/<table>.sql (clear the table, then INSERT … SELECT) in one transaction, so a
 * retry or a re-run replaces the table rather than adding to it. The transaction first checks
 * that staging is intact: a crashed warehouse comes back with empty staging tables, and a
 * transform over them would silently load nothing (StagingLost instead, see staging/epoch.ts).
 */
import type { InsertResult, WarehouseInput } from '../contract';
import { sqlStatements } from '../warehouse/sql-files';
import type { StarTable } from '../warehouse/tables';
import { checkStagingEpoch } from './staging/epoch';
import { inWarehouse } from './warehouse-activity';

async function runTransform(table: StarTable, input: WarehouseInput): Promise<InsertResult> {
  const statements = sqlStatements(`transforms/${table}.sql`);
  const doing = `inserting ${table} in ${input.warehouse.schema}`;
  return inWarehouse(input.warehouse, doing, async (client) => {
    await client.query('BEGIN');
    try {
      await checkStagingEpoch(client, undefined, doing);
      let rows = 0;
      for (const statement of statements) {
        const result = await client.query(statement);
        if (result.command === 'INSERT') rows += result.rowCount ?? 0;
      }
      await client.query('COMMIT');
      return { table, rows };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  });
}

export const insertUsers = (input: WarehouseInput): Promise<InsertResult> => runTransform('users', input);
export const insertSongs = (input: WarehouseInput): Promise<InsertResult> => runTransform('songs', input);
export const insertArtists = (input: WarehouseInput): Promise<InsertResult> => runTransform('artists', input);
export const insertTime = (input: WarehouseInput): Promise<InsertResult> => runTransform('time', input);
export const insertSongplays = (input: WarehouseInput): Promise<InsertResult> => runTransform('songplays', input);
