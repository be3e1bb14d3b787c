/** Activities that read back what the load did: table counts, rejections, samples of rejected rows. */
import { ApplicationFailure } from '@temporalio/common';
import type { LoadErrorSample, LoadSummary, SampleLoadErrorsInput, WarehouseInput } from '../contract';
import { withWarehouse } from '../warehouse/connection';
import { sqlStatement } from '../warehouse/sql-files';
import { ALL_TABLES } from '../warehouse/tables';

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

/** The first `limit` rejected rows (by file, then line), to quote in a failure message. */
export async function sampleLoadErrors(input: SampleLoadErrorsInput): Promise<LoadErrorSample[]> {
  if (!Number.isInteger(input.limit) || input.limit < 0) {
    throw ApplicationFailure.create({
      message: `limit must be a non-negative integer, got ${input.limit}`,
      type: 'InvalidInput',
      nonRetryable: true,
    });
  }
  return withWarehouse(input.warehouse, `reading load_errors in ${input.warehouse.schema}`, async (client) => {
    const { rows } = await client.query(sqlStatement('queries/sample_load_errors.sql'), [input.limit]);
    return rows.map((row) => ({
      file: String(row.file),
      line: Number(row.line),
      reasonKind: String(row.reason_kind),
      reason: String(row.reason),
    }));
  });
}
