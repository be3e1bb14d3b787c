import type { StarTable } from '../warehouse/tables';
import { withWarehouse } from '../warehouse/connection';
import { sqlStatements } from '../warehouse/sql-files';
import type { InsertResult, WarehouseInput } from './types';

/**
 * Runs sql/transforms/<table>.sql (clear the table, then INSERT … SELECT from staging) in one
 * transaction, so a retry or a re-run replaces the table rather than adding to it.
 */
export async function runTransform(table: StarTable, input: WarehouseInput): Promise<InsertResult> {
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
