import { withWarehouse } from '../warehouse/connection';
import { sqlStatement } from '../warehouse/sql-files';
import { ALL_TABLES } from '../warehouse/tables';
import type { LoadSummary, WarehouseInput } from './types';

/** Row counts of every staging and star table, and the rejected rows by reason kind. */
export async function summarizeLoad(input: WarehouseInput): Promise<LoadSummary> {
  return withWarehouse(input.warehouse, `summarizing the load in ${input.warehouse.schema}`, async (client) => {
    const tables: Record<string, number> = {};
    for (const table of ALL_TABLES) {
      if (table === 'staging_progress') continue;
      const { rows } = await client.query(sqlStatement('queries/table_count.sql', { table }));
      tables[table] = Number(rows[0].row_count);
    }
    const rejectedByKind: Record<string, number> = {};
    const { rows } = await client.query(sqlStatement('queries/rejected_by_kind.sql'));
    for (const row of rows) rejectedByKind[String(row.reason_kind)] = Number(row.row_count);
    return { tables, rejectedByKind };
  });
}
