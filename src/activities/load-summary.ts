/** Activities that read back what the load did: table counts, rejections, samples of rejected rows. */
import { ApplicationFailure } from '@temporalio/common';
import type { LoadErrorSample, LoadSummary, SampleLoadErrorsInput, WarehouseInput } from '../contract';
import { rowsOf } from '../warehouse/session';
import { ALL_TABLES } from '../warehouse/tables';
import { checkStagingEpochStep } from './staging/epoch';
import { inSession } from './warehouse-activity';

/** Tables the summary leaves out: the pipeline's own bookkeeping. */
const INTERNAL = new Set(['staging_progress', 'staging_epoch', 'staging_files']);

/**
 * Row counts of every staging and star table, and the rejected rows by reason kind, read in one
 * snapshot that first checks staging is intact (else StagingLost: the counts would be wrong).
 */
export async function summarizeLoad(input: WarehouseInput): Promise<LoadSummary> {
  const doing = `summarizing the load in ${input.warehouse.schema}`;
  const counted = ALL_TABLES.filter((table) => !INTERNAL.has(table));
  return inSession(input.warehouse, doing, async (session) => {
    const [, ...results] = await session.transaction(
      [
        checkStagingEpochStep(undefined, doing),
        ...counted.map((table) => ({ file: 'queries/table_count.sql', identifiers: { table } })),
        { file: 'queries/rejected_by_kind.sql' },
      ],
      { snapshot: true },
    );
    const tables: Record<string, number> = {};
    counted.forEach((table, i) => {
      tables[table] = Number(rowsOf(results[i])[0].row_count);
    });
    const rejectedByKind: Record<string, number> = {};
    for (const row of rowsOf(results[counted.length])) rejectedByKind[String(row.reason_kind)] = Number(row.row_count);
    return { tables, rejectedByKind, serverStartedAt: await session.serverStartedAt() };
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
  return inSession(input.warehouse, `reading load_errors in ${input.warehouse.schema}`, async (session) => {
    const [sample] = await session.transaction([{ file: 'queries/sample_load_errors.sql', values: { integers: { limit: input.limit } } }]);
    return rowsOf(sample).map((row) => ({
      file: String(row.file),
      line: Number(row.line),
      reasonKind: String(row.reason_kind),
      reason: String(row.reason),
    }));
  });
}
