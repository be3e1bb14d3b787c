/**
 * Activities of incremental runs into a long-lived warehouse: the load lock, the persistent tables,
 * and the merge of one run's staged files into the star tables, in one transaction with their
 * manifest rows (sql/incremental/merge/*.sql, in file-name order).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Client } from 'pg';
import type {
  CreateTablesResult,
  MergeIncrementalInput,
  MergeIncrementalResult,
  WarehouseHandle,
  WarehouseInput,
  WarehouseLockInput,
  WarehouseLockResult,
} from '../contract';
import type { SqlDialect } from '../warehouse/provider';
import { warehouseProvider } from '../warehouse/registry';
import { SQL_ROOT, sqlStatement, sqlStatements } from '../warehouse/sql-files';
import { STAGING_TABLES, STAR_TABLES } from '../warehouse/tables';
import { serverStartedAt, startStagingEpoch } from './staging/epoch';
import { inWarehouse } from './warehouse-activity';

/** The tables an incremental warehouse keeps besides the star tables (sql/<dialect>/incremental/). */
export const INCREMENTAL_TABLES = ['warehouse_lock', 'loaded_files', 'song_catalog', 'user_latest', 'songplay_keys', 'incremental_runs'] as const;

const LOCK_POLL_MS = 2000;

/**
 * Dialects whose incremental SQL exists. Redshift's would differ in kind, not only in spelling: it
 * enforces no unique key (the lock relies on one), and its COPY records no source file per row
 * (the manifest counts rows per file).
 */
const INCREMENTAL_DIALECTS: Record<SqlDialect, boolean> = { postgres: true, redshift: false };

/** The warehouse's dialect, or a non-retryable InvalidInput when it has no incremental mode. */
function incrementalDialect(warehouse: WarehouseHandle): SqlDialect {
  const { dialect } = warehouseProvider(warehouse.provider);
  if (!INCREMENTAL_DIALECTS[dialect]) {
    throw ApplicationFailure.create({
      message: `incremental runs are not available on the ${warehouse.provider} warehouse yet (its ${dialect} SQL for the lock, manifest and merge is not written); run without incremental`,
      type: 'InvalidInput',
      nonRetryable: true,
    });
  }
  return dialect;
}

/** The merge steps, in order: every file of sql/incremental/merge/. */
function mergeSteps(): string[] {
  return fs
    .readdirSync(path.join(SQL_ROOT, 'incremental', 'merge'))
    .filter((name) => name.endsWith('.sql'))
    .sort();
}

async function inTransaction<T>(client: Client, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string })?.code === '23505';
}

/** Whether a run is still open, as Temporal says; 'unknown' when it cannot say. */
async function runStatus(workflowId: string, runId: string): Promise<string> {
  try {
    const description = await Context.current().client.workflow.getHandle(workflowId, runId).describe();
    return description.status.name;
  } catch (err) {
    if ((err as Error)?.name === 'WorkflowNotFoundError') return 'NOT_FOUND';
    return 'unknown';
  }
}

/**
 * Takes the long-lived warehouse's load lock for this run. Another open run's lock is waited for
 * (up to `waitSeconds`, then WarehouseBusy naming that run); a lock left by a run that has closed
 * (crashed worker and terminated run, a dead in-memory Temporal) is taken over. Idempotent for a
 * retried attempt of the same run.
 */
export async function acquireWarehouseLock(input: WarehouseLockInput): Promise<WarehouseLockResult> {
  const dialect = incrementalDialect(input.warehouse);
  const ctx = Context.current();
  const began = Date.now();
  const waitMs = (input.waitSeconds ?? 600) * 1000;
  const doing = `taking the load lock of ${input.warehouse.schema}`;
  return inWarehouse(input.warehouse, doing, async (client) => {
    await client.query(sqlStatement(`${dialect}/incremental/warehouse_lock.sql`)).catch(async (err: unknown) => {
      // Two first runs creating the table at once: the loser finds it made.
      if (!isUniqueViolation(err)) throw err;
    });
    let reported = '';
    for (;;) {
      try {
        const taken = await client.query(sqlStatement('incremental/lock/acquire.sql'), [input.workflowId, input.runId]);
        if (taken.rowCount === 1) return { waitedMs: Date.now() - began };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
      const { rows } = await client.query(sqlStatement('incremental/lock/holder.sql'));
      if (rows.length === 0) continue;
      const holder = { workflowId: String(rows[0].workflow_id), runId: String(rows[0].run_id), since: new Date(rows[0].acquired_at).toISOString() };
      if (holder.runId === input.runId) return { waitedMs: Date.now() - began };
      const status = await runStatus(holder.workflowId, holder.runId);
      if (status !== 'RUNNING' && status !== 'unknown') {
        const taken = await client.query(sqlStatement('incremental/lock/take_over.sql'), [input.workflowId, input.runId, holder.runId]);
        if (taken.rowCount === 1) {
          log.warn('took over the load lock of a run that has closed', { holder, status, schema: input.warehouse.schema });
          return { waitedMs: Date.now() - began, tookOverFrom: { workflowId: holder.workflowId, runId: holder.runId, status } };
        }
        continue;
      }
      const busy = `warehouse ${input.warehouse.warehouseId} is being loaded by run ${holder.workflowId} (${holder.runId}, ${status === 'unknown' ? 'state unknown' : 'running'}) since ${holder.since}`;
      if (Date.now() - began >= waitMs) {
        throw ApplicationFailure.create({
          type: 'WarehouseBusy',
          nonRetryable: true,
          message: `${busy}; waited ${Math.round((Date.now() - began) / 1000)} s (incremental.lockWaitSeconds ${input.waitSeconds ?? 600}), so this run stops without loading anything`,
          details: [holder],
        });
      }
      if (busy !== reported) {
        log.info('waiting for the load lock', { holder });
        reported = busy;
      }
      ctx.heartbeat({ waitingFor: holder });
      await ctx.sleep(LOCK_POLL_MS);
    }
  });
}

/** Releases the lock if this run holds it (a run that lost it to a take-over releases nothing). */
export async function releaseWarehouseLock(input: WarehouseLockInput): Promise<WarehouseLockResult> {
  return inWarehouse(input.warehouse, `releasing the load lock of ${input.warehouse.schema}`, async (client) => {
    const { rowCount } = await client.query(sqlStatement('incremental/lock/release.sql'), [input.runId]);
    return { released: rowCount === 1, waitedMs: 0 };
  });
}

/**
 * The incremental counterpart of createTables, in one transaction: the star tables and the
 * incremental tables are created when missing and otherwise kept; the staging tables (this run's
 * scratch space) are created afresh, and staging starts at round 1.
 */
export async function prepareIncremental(input: WarehouseInput): Promise<CreateTablesResult> {
  const dialect = incrementalDialect(input.warehouse);
  return inWarehouse(input.warehouse, `preparing the incremental tables in ${input.warehouse.schema}`, async (client) => {
    const created: string[] = [];
    await inTransaction(client, async () => {
      for (const table of INCREMENTAL_TABLES) await client.query(sqlStatement(`${dialect}/incremental/${table}.sql`));
      for (const table of STAR_TABLES) {
        const { rows } = await client.query(sqlStatement('queries/table_exists.sql'), [table]);
        if (rows.length > 0) continue;
        for (const statement of sqlStatements(`${dialect}/create/${table}.sql`)) await client.query(statement);
        created.push(table);
      }
      for (const table of STAGING_TABLES) {
        for (const statement of sqlStatements(`${dialect}/create/${table}.sql`)) await client.query(statement);
        created.push(table);
      }
      await startStagingEpoch(client, 1);
    });
    return { tables: created, serverStartedAt: await serverStartedAt(client) };
  });
}

async function starCounts(client: Client): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of STAR_TABLES) {
    const { rows } = await client.query(sqlStatement('queries/table_count.sql', { table }));
    counts[table] = Number(rows[0].row_count);
  }
  return counts;
}

/**
 * Merges this run's staged files into the star tables and lists them in the manifest, all in one
 * transaction: after a crash a file is either wholly in the star tables and the manifest, or in
 * neither. A run whose merge already committed (a retried attempt, a new staging round after the
 * warehouse crashed) finds its incremental_runs row and merges nothing again.
 */
export async function mergeIncremental(input: MergeIncrementalInput): Promise<MergeIncrementalResult> {
  incrementalDialect(input.warehouse);
  const doing = `merging the staged files into the star tables of ${input.warehouse.schema}`;
  return inWarehouse(input.warehouse, doing, (client) =>
    inTransaction(client, async () => {
      const done = await client.query(sqlStatement('incremental/run_merged.sql'), [input.runId]);
      if (done.rows.length > 0) {
        const row = done.rows[0];
        return {
          files: { events: Number(row.files_events), songs: Number(row.files_songs) },
          rowsAdded: JSON.parse(String(row.rows_added)) as Record<string, number>,
          usersUpdated: Number(row.users_updated),
          alreadyMerged: true,
        };
      }
      const before = await starCounts(client);
      let usersUpdated = 0;
      let files = { events: 0, songs: 0 };
      for (const step of mergeSteps()) {
        const relative = `incremental/merge/${step}`;
        const params = step.endsWith('_loaded_files.sql') ? [input.workflowId, input.runId] : [];
        for (const statement of sqlStatements(relative)) {
          const result = await client.query(statement, params);
          if (step.endsWith('_users.sql') && result.command === 'UPDATE') usersUpdated = result.rowCount ?? 0;
        }
        if (step.endsWith('_loaded_files.sql')) {
          const { rows } = await client.query(sqlStatement('queries/count_planned_files.sql'));
          files = { events: 0, songs: 0 };
          for (const row of rows) files[String(row.staging) as 'events' | 'songs'] = Number(row.files);
        }
      }
      const after = await starCounts(client);
      const rowsAdded = Object.fromEntries(STAR_TABLES.map((t) => [t, after[t] - before[t]]));
      await client.query(sqlStatement('incremental/record_run.sql'), [
        input.runId, input.workflowId, files.events, files.songs, JSON.stringify(rowsAdded), usersUpdated,
      ]);
      return { files, rowsAdded, usersUpdated, alreadyMerged: false };
    }),
  );
}
