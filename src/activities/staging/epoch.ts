import { ApplicationFailure } from '@temporalio/common';
import type { Client } from 'pg';
import type { SqlStep } from '../../warehouse/session';
import { rowsOf } from '../../warehouse/session';
import { sqlStatement, sqlStatements } from '../../warehouse/sql-files';

/**
 * The staging round ("epoch") marker. staging_epoch is UNLOGGED like the staging tables, so
 * PostgreSQL's crash recovery empties it together with them: every activity that relies on
 * staged rows checks the marker in its own transaction, and a missing marker fails it with a
 * non-retryable StagingLost, on which the workflow empties staging and stages everything again.
 *
 * On Redshift the same marker is written and read, but its tables are durable (a cluster restart
 * or node replacement keeps them), so no crash empties staging there; the marker is read inside
 * the batch and judged once the batch has ended (a Data API batch is one call), which only
 * catches someone emptying the tables by hand.
 */

export const STAGING_LOST = 'StagingLost';

export function stagingLost(doing: string, what: string): ApplicationFailure {
  return ApplicationFailure.create({
    message: `${doing}: ${what}`,
    type: STAGING_LOST,
    nonRetryable: true,
  });
}

/** The current round, or undefined when the marker is gone (the staging tables were emptied). */
export async function readStagingEpoch(client: Client): Promise<number | undefined> {
  const { rows } = await client.query(sqlStatement('queries/read_staging_epoch.sql'));
  return rows.length === 0 ? undefined : Number(rows[0].epoch);
}

/** Throws StagingLost unless the marker says `expected` (any round when undefined). */
export async function checkStagingEpoch(client: Client, expected: number | undefined, doing: string): Promise<number> {
  return judgeEpoch(await readStagingEpoch(client), expected, doing);
}

function judgeEpoch(epoch: number | undefined, expected: number | undefined, doing: string): number {
  if (epoch === undefined) {
    throw stagingLost(doing, 'the staging tables were emptied (the warehouse recovered from a crash); staging starts over');
  }
  if (expected !== undefined && epoch !== expected) {
    throw stagingLost(doing, `staging is at round ${epoch}, this attempt belongs to round ${expected}`);
  }
  return epoch;
}

/** The step that marks staging as round `epoch`. */
export function startStagingEpochStep(epoch: number): SqlStep {
  return { file: 'queries/start_staging_epoch.sql', values: { integers: { epoch } } };
}

/** The step that reads the marker and fails the transaction with StagingLost unless it says `expected` (any round when undefined). */
export function checkStagingEpochStep(expected: number | undefined, doing: string): SqlStep {
  return {
    file: 'queries/read_staging_epoch.sql',
    check: (result) => {
      const rows = rowsOf(result);
      judgeEpoch(rows.length === 0 ? undefined : Number(rows[0].epoch), expected, doing);
    },
  };
}

export async function startStagingEpoch(client: Client, epoch: number): Promise<void> {
  const step = startStagingEpochStep(epoch);
  for (const statement of sqlStatements(step.file, {}, step.values)) await client.query(statement);
}

export { serverStartedAt } from '../../warehouse/postgres-session';
