import { ApplicationFailure } from '@temporalio/common';
import type { Client } from 'pg';
import { sqlStatement } from '../../warehouse/sql-files';

/**
 * The staging round ("epoch") marker. staging_epoch is UNLOGGED like the staging tables, so
 * PostgreSQL's crash recovery empties it together with them: every activity that relies on
 * staged rows checks the marker in its own transaction, and a missing marker fails it with a
 * non-retryable StagingLost, on which the workflow empties staging and stages everything again.
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
  const epoch = await readStagingEpoch(client);
  if (epoch === undefined) {
    throw stagingLost(doing, 'the staging tables were emptied (the warehouse recovered from a crash); staging starts over');
  }
  if (expected !== undefined && epoch !== expected) {
    throw stagingLost(doing, `staging is at round ${epoch}, this attempt belongs to round ${expected}`);
  }
  return epoch;
}

export async function startStagingEpoch(client: Client, epoch: number): Promise<void> {
  await client.query(sqlStatement('queries/start_staging_epoch.sql'), [epoch]);
}

/** When the server last started, as text; undefined where the server cannot say (not PostgreSQL). */
export async function serverStartedAt(client: Client): Promise<string | undefined> {
  try {
    const { rows } = await client.query(sqlStatement('queries/server_started_at.sql'));
    return rows[0]?.started_at === undefined ? undefined : String(rows[0].started_at);
  } catch {
    return undefined;
  }
}
