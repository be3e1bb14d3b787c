/**
 * Incremental runs on Redshift, through the Redshift session (one Data API batch, or one pg
 * transaction on an existing cluster, per transaction). Redshift enforces no unique key, so the
 * load lock is taken in a transaction that starts with LOCK warehouse_lock; the merge is one
 * batch (sql/incremental/merge/ with Redshift's own files beside it), which records the run's
 * figures itself, since a batch cannot hand a statement's result to the next.
 */
import type { CreateTablesResult, MergeIncrementalInput, MergeIncrementalResult, WarehouseInput, WarehouseLockInput } from '../contract';
import { rowsOf, type SqlStep, type WarehouseSession } from '../warehouse/session';
import { sqlFileExists } from '../warehouse/sql-files';
import { STAGING_TABLES, STAR_TABLES } from '../warehouse/tables';
import { startStagingEpochStep } from './staging/epoch';
import { INCREMENTAL_TABLES, lockHolder, mergedRun, mergeSteps, mergeValues, recordedNow, type IncrementalDialect } from './incremental-steps';
import { inSession } from './warehouse-activity';

/** The DDL of a table in an incremental run: its incremental form where it has one (staging rows that carry their file). */
function createFile(table: string): string {
  const incremental = `redshift/incremental/create/${table}.sql`;
  return sqlFileExists(incremental) ? incremental : `redshift/create/${table}.sql`;
}

async function createLockTable(session: WarehouseSession): Promise<void> {
  const step: SqlStep = { file: 'redshift/incremental/warehouse_lock.sql' };
  try {
    await session.transaction([step]);
  } catch {
    // Two first runs creating the table at once: the loser finds it made.
    await session.transaction([step]);
  }
}

/** The steps of the merge batch: every merge file, then the run's row read back. */
export function redshiftMergeSteps(input: MergeIncrementalInput): SqlStep[] {
  const values = mergeValues(input);
  return [
    ...mergeSteps('redshift').map((file) => ({ file, values })),
    { file: 'redshift/incremental/run_merged.sql', values: { literals: { run_id: input.runId } } },
  ];
}

export const redshiftIncremental: IncrementalDialect = {
  withLock: (input, doing, work) =>
    inSession(input.warehouse, doing, async (session) => {
      await createLockTable(session);
      return work(async (closedRun) => {
        const [result] = await session.transaction([
          {
            file: 'redshift/incremental/lock/acquire.sql',
            values: { literals: { workflow_id: input.workflowId, run_id: input.runId, closed_run: closedRun ?? '', now: recordedNow() } },
          },
        ]);
        // LOCK, the conditional INSERT, the take-over UPDATE, the holder.
        const tookOver = closedRun !== undefined && result.statements[2].rowCount === 1;
        return { holder: lockHolder(rowsOf(result)[0]), tookOver };
      });
    }),

  release: (input: WarehouseLockInput) =>
    inSession(input.warehouse, `releasing the load lock of ${input.warehouse.schema}`, async (session) => {
      const [result] = await session.transaction([{ file: 'redshift/incremental/lock/release.sql', values: { literals: { run_id: input.runId } } }]);
      return result.statements[0].rowCount === 1;
    }),

  /**
   * Two transactions: which star tables exist (a batch cannot branch on it), then one batch that
   * creates the missing ones, the incremental tables when missing, and staging afresh. The run
   * holds the load lock, so nothing creates a star table between the two.
   */
  prepare: (input: WarehouseInput): Promise<CreateTablesResult> =>
    inSession(input.warehouse, `preparing the incremental tables in ${input.warehouse.schema}`, async (session) => {
      const [existing] = await session.transaction([{ file: 'redshift/incremental/tables.sql' }]);
      const present = new Set(rowsOf(existing).map((row) => String(row.table_name)));
      const missing = STAR_TABLES.filter((table) => !present.has(table));
      const created = [...missing, ...STAGING_TABLES];
      await session.transaction([
        ...INCREMENTAL_TABLES.map((table) => ({ file: `redshift/incremental/${table}.sql` })),
        ...created.map((table) => ({ file: createFile(table) })),
        startStagingEpochStep(1),
      ]);
      return { tables: created, serverStartedAt: await session.serverStartedAt() };
    }),

  /**
   * First whether this run's merge committed already (a retried attempt); if not, the merge as
   * one batch ending with the run's row as recorded, which is the result. A replacing attempt of
   * one whose batch is still running waits on that batch (the session resumes it by id).
   */
  merge: (input: MergeIncrementalInput): Promise<MergeIncrementalResult> =>
    inSession(input.warehouse, `merging the staged files into the star tables of ${input.warehouse.schema}`, async (session) => {
      const [done] = await session.transaction([{ file: 'redshift/incremental/run_merged.sql', values: { literals: { run_id: input.runId } } }]);
      if (rowsOf(done).length > 0) return mergedRun(rowsOf(done)[0], true);
      const results = await session.transaction(redshiftMergeSteps(input));
      const row = rowsOf(results[results.length - 1])[0];
      if (!row) throw new Error(`the merge batch committed but incremental_runs has no row for run ${input.runId}`);
      return mergedRun(row, false);
    }),
};
