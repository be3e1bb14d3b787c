import { ALL_TABLES } from '../warehouse/tables';
import { withWarehouse } from '../warehouse/connection';
import { warehouseProvider } from '../warehouse/registry';
import { sqlStatements } from '../warehouse/sql-files';
import type { CreateTablesResult, WarehouseInput } from './types';

/** Drops and recreates every table of the pipeline, in one transaction. */
export async function createTables(input: WarehouseInput): Promise<CreateTablesResult> {
  const { dialect } = warehouseProvider(input.warehouse.provider);
  const statements = ALL_TABLES.flatMap((table) => sqlStatements(`${dialect}/create/${table}.sql`));
  return withWarehouse(input.warehouse, `creating tables in ${input.warehouse.schema}`, async (client) => {
    await client.query('BEGIN');
    try {
      for (const statement of statements) await client.query(statement);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    return { tables: [...ALL_TABLES] };
  });
}
