import { ApplicationFailure } from '@temporalio/common';
import { withWarehouse } from '../warehouse/connection';
import { sqlStatement } from '../warehouse/sql-files';
import type { LoadErrorSample, SampleLoadErrorsInput } from './types';

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
