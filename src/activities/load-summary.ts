/** Activities that read back what the load did: table counts, rejections, samples of rejected rows. */
import { ApplicationFailure } from '@temporalio/common';
import type { LoadErrorSample, LoadSummary, SampleLoadErrorsInput, WarehouseInput } from '../contract';
import { sqlStatement } from '../warehouse/sql-files';
import { ALL_TABLES } from '../warehouse/tables';
import { checkStagingEpoch, serverStartedAt } from './staging/epoch';
import { inWarehouse } from './warehouse-activity';

/** Tables the summary leaves out: the pipeline's own bookkeeping. */
const INTERNAL = new Set(['staging_progress', 'staging_epoch', 'staging_files']);

/**
 * Row counts of every staging and star table, and the rejected rows by reason kind, read in one
 * snapshot that first checks staging is intact (else StagingLost: the counts would be wrong).
 */
export async function summarizeLoad(input: WarehouseInput): Promise<LoadSummary> {
  const doing = `summarizing the load in ${input.warehouse.schema}`;
  return inWarehouse(input.warehouse, doing, async (client) => {
    await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
    try {
      await checkStagingEpoch(client, undefined, doing);
      const tables: Record<string, number> = {};
      for (const table of ALL_TABLES) {
        if (INTERNAL.has(table)) continue;
        const { rows } = await client.query(sqlStatement('queries/table_count.sql', { table }));
        tables[table] = Number(rows[0].row_count);
      }
      const rejectedByKind: Record<string, number> = {};
      const { rows } = await client.query(sqlStatement('queries/rejected_by_kind.sql'));
      for (const row of rows) rejectedByKind[String(row.reason_kind)] = Number(row.row_count);
      await client.query('COMMIT');
      return { tables, rejectedByKind, serverStartedAt: await serverStartedAt(client) };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
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
  return inWarehouse(input.warehouse, `reading load_errors in ${input.warehouse.schema}`, async (client) => {
    const { rows } = await client.query(sqlStatement('queries/sample_load_errors.sql'), [input.limit]);
    return rows.map((row) => ({
      file: String(row.file),
      line: Number(row.line),
      reasonKind: String(row.reason_kind),
      reason: String(row.reason),
    }));
  });
}
