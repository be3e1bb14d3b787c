/**
 * Activities of incremental runs into a long-lived warehouse: the load lock, the persistent tables,
 * and the merge of one run's staged files into the star tables, in one transaction with their
 * manifest rows (sql/incremental/merge/*.sql, in file-name order; a dialect's file of the same
 * name in sql/<dialect>/incremental/merge/ replaces the shared one, and files only there join in
 * name order). Each dialect does the steps its own way (IncrementalDialect); the lock's waiting
 * and take-over rules are the same for all.
 */
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
import { sqlStatement, sqlStatements } from '../warehouse/sql-files';
import { STAGING_TABLES, STAR_TABLES } from '../warehouse/tables';
import { serverStartedAt, startStagingEpoch } from './staging/epoch';
import { redshiftIncremental } from './incremental-redshift';
import { INCREMENTAL_TABLES, lockHolder, mergedRun, mergeSteps, mergeValues, type IncrementalDialect, type LockHolder } from './incremental-steps';
import { inWarehouse } from './warehouse-activity';

export { INCREMENTAL_TABLES } from './incremental-steps';

const LOCK_POLL_MS = 2000;

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

const postgresIncremental: IncrementalDialect = {
  withLock: (input, doing, work) =>
    inWarehouse(input.warehouse, doing, async (client) => {
      await client.query(sqlStatement('postgres/incremental/warehouse_lock.sql')).catch(async (err: unknown) => {
        // Two first runs creating the table at once: the loser finds it made.
        if (!isUniqueViolation(err)) throw err;
      });
      return work(async (closedRun) => {
        if (closedRun !== undefined) {
          const taken = await client.query(sqlStatement('incremental/lock/take_over.sql'), [input.workflowId, input.runId, closedRun]);
          if (taken.rowCount === 1) return { holder: { workflowId: input.workflowId, runId: input.runId, since: new Date().toISOString() }, tookOver: true };
        }
        try {
          const taken = await client.query(sqlStatement('incremental/lock/acquire.sql'), [input.workflowId, input.runId]);
          if (taken.rowCount === 1) return { holder: { workflowId: input.workflowId, runId: input.runId, since: new Date().toISOString() }, tookOver: false };
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
        }
        const { rows } = await client.query(sqlStatement('incremental/lock/holder.sql'));
        return { holder: lockHolder(rows[0]), tookOver: false };
      });
    }),

  release: (input) =>
    inWarehouse(input.warehouse, `releasing the load lock of ${input.warehouse.schema}`, async (client) => {
      const { rowCount } = await client.query(sqlStatement('incremental/lock/release.sql'), [input.runId]);
      return rowCount === 1;
    }),

  prepare: (input) =>
    inWarehouse(input.warehouse, `preparing the incremental tables in ${input.warehouse.schema}`, async (client) => {
      const created: string[] = [];
      await inTransaction(client, async () => {
        for (const table of INCREMENTAL_TABLES) await client.query(sqlStatement(`postgres/incremental/${table}.sql`));
        for (const table of STAR_TABLES) {
          const { rows } = await client.query(sqlStatement('queries/table_exists.sql'), [table]);
          if (rows.length > 0) continue;
          for (const statement of sqlStatements(`postgres/create/${table}.sql`)) await client.query(statement);
          created.push(table);
        }
        for (const table of STAGING_TABLES) {
          for (const statement of sqlStatements(`postgres/create/${table}.sql`)) await client.query(statement);
          created.push(table);
        }
        await startStagingEpoch(client, 1);
      });
      return { tables: created, serverStartedAt: await serverStartedAt(client) };
    }),

  merge: (input) => {
    const doing = `merging the staged files into the star tables of ${input.warehouse.schema}`;
    return inWarehouse(input.warehouse, doing, (client) =>
      inTransaction(client, async () => {
        const done = await client.query(sqlStatement('incremental/run_merged.sql'), [input.runId]);
        if (done.rows.length > 0) return mergedRun(done.rows[0], true);
        const before = await starCounts(client);
        let usersUpdated = 0;
        let files = { events: 0, songs: 0 };
        const values = mergeValues(input);
        for (const step of mergeSteps('postgres')) {
          for (const statement of sqlStatements(step, {}, values)) {
            const result = await client.query(statement);
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
  },
};

async function starCounts(client: Client): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of STAR_TABLES) {
    const { rows } = await client.query(sqlStatement('queries/table_count.sql', { table }));
    counts[table] = Number(rows[0].row_count);
  }
  return counts;
}

const INCREMENTAL_BY_DIALECT: Record<SqlDialect, IncrementalDialect> = {
  postgres: postgresIncremental,
  redshift: redshiftIncremental,
};

function incremental(warehouse: WarehouseHandle): IncrementalDialect {
  return INCREMENTAL_BY_DIALECT[warehouseProvider(warehouse.provider).dialect];
}

/**
 * Takes the long-lived warehouse's load lock for this run. Another open run's lock is waited for
 * (up to `waitSeconds`, then WarehouseBusy naming that run); a lock left by a run that has closed
 * (crashed worker and terminated run, a dead in-memory Temporal) is taken over. Idempotent for a
 * retried attempt of the same run.
 */
export async function acquireWarehouseLock(input: WarehouseLockInput): Promise<WarehouseLockResult> {
  const dialect = incremental(input.warehouse);
  const ctx = Context.current();
  const began = Date.now();
  const waitMs = (input.waitSeconds ?? 600) * 1000;
  const doing = `taking the load lock of ${input.warehouse.schema}`;
  return dialect.withLock(input, doing, async (tryLock) => {
    let reported = '';
    let closed: { holder: LockHolder; status: string } | undefined;
    for (;;) {
      const tried = await tryLock(closed?.holder.runId);
      const holder = tried.holder;
      if (holder?.runId === input.runId) {
        if (tried.tookOver && closed) {
          log.warn('took over the load lock of a run that has closed', { holder: closed.holder, status: closed.status, schema: input.warehouse.schema });
          return { waitedMs: Date.now() - began, tookOverFrom: { workflowId: closed.holder.workflowId, runId: closed.holder.runId, status: closed.status } };
        }
        return { waitedMs: Date.now() - began };
      }
      closed = undefined;
      if (!holder) continue;
      const status = await runStatus(holder.workflowId, holder.runId);
      if (status !== 'RUNNING' && status !== 'unknown') {
        closed = { holder, status };
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
  return { released: await incremental(input.warehouse).release(input), waitedMs: 0 };
}

/**
 * The incremental counterpart of createTables, in one transaction: the star tables and the
 * incremental tables are created when missing and otherwise kept; the staging tables (this run's
 * scratch space) are created afresh, and staging starts at round 1.
 */
export async function prepareIncremental(input: WarehouseInput): Promise<CreateTablesResult> {
  return incremental(input.warehouse).prepare(input);
}

/**
 * Merges this run's staged files into the star tables and lists them in the manifest, all in one
 * transaction: after a crash a file is either wholly in the star tables and the manifest, or in
 * neither. A run whose merge already committed (a retried attempt, a new staging round after the
 * warehouse crashed) finds its incremental_runs row and merges nothing again.
 */
export async function mergeIncremental(input: MergeIncrementalInput): Promise<MergeIncrementalResult> {
  return incremental(input.warehouse).merge(input);
}
