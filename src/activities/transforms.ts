/**
 * Activities that rebuild the star tables from staging, one per table: each runs
 * sql/transforms/<table>.sql (clear the table, then INSERT … SELECT) in one transaction, so a
 * retry or a re-run replaces the table rather than adding to it.
 */
import type { InsertResult, WarehouseInput } from '../contract';
import { withWarehouse } from '../warehouse/connection';
import { sqlStatements } from '../warehouse/sql-files';
import type { StarTable } from '../warehouse/tables';

async function runTransform(table: StarTable, input: WarehouseInput): Promise<InsertResult> {
  const statements = sqlStatements(`transforms/${table}.sql`);
  return withWarehouse(input.warehouse, `inserting ${table} in ${input.warehouse.schema}`, async (client) => {
    await client.query('BEGIN');
    try {
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
