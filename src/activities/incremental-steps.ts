/**
 * What the dialects' incremental steps share: the interface each implements (./incremental.ts
 * dispatches to it), the merge's SQL files and values, and how rows read back become results.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type {
  CreateTablesResult,
  MergeIncrementalInput,
  MergeIncrementalResult,
  WarehouseInput,
  WarehouseLockInput,
} from '../contract';
import type { SqlDialect } from '../warehouse/provider';
import { SQL_ROOT, sqlFileExists } from '../warehouse/sql-files';

/** The tables an incremental warehouse keeps besides the star tables (sql/<dialect>/incremental/). */
export const INCREMENTAL_TABLES = ['warehouse_lock', 'loaded_files', 'song_catalog', 'user_latest', 'songplay_keys', 'incremental_runs'] as const;

/** The run holding the load lock. */
export interface LockHolder {
  workflowId: string;
  runId: string;
  since: string;
}

/** What one try at the lock found: who holds it afterwards, and whether this try took it over from `closedRun`. */
export interface LockTry {
  holder?: LockHolder;
  tookOver: boolean;
}

/**
 * One dialect's incremental steps. PostgreSQL takes the lock through its unique key and merges
 * statement by statement on one connection; Redshift (./incremental-redshift.ts) serialises the
 * lock with LOCK and merges in one batch.
 */
export interface IncrementalDialect {
  /** Opens the warehouse for the lock (creating its table when missing) and hands `work` a way to try it. */
  withLock<T>(input: WarehouseLockInput, doing: string, work: (tryLock: (closedRun?: string) => Promise<LockTry>) => Promise<T>): Promise<T>;
  /** Deletes the lock if this run holds it; whether it did. */
  release(input: WarehouseLockInput): Promise<boolean>;
  prepare(input: WarehouseInput): Promise<CreateTablesResult>;
  merge(input: MergeIncrementalInput): Promise<MergeIncrementalResult>;
}

/** The time the activity records (loaded_at, merged_at, acquired_at), as a TIMESTAMP literal in UTC. */
export function recordedNow(): string {
  return new Date().toISOString().replace('T', ' ').replace('Z', '');
}

/** The SQL files of the merge, in order, for `dialect` (see the module comment). */
export function mergeSteps(dialect: SqlDialect): string[] {
  const names = (folder: string): string[] =>
    fs.existsSync(path.join(SQL_ROOT, folder)) ? fs.readdirSync(path.join(SQL_ROOT, folder)).filter((name) => name.endsWith('.sql')) : [];
  const own = `${dialect}/incremental/merge`;
  return [...new Set([...names('incremental/merge'), ...names(own)])]
    .sort()
    .map((name) => (sqlFileExists(`${own}/${name}`) ? `${own}/${name}` : `incremental/merge/${name}`));
}

/** The values the merge's SQL files take. */
export function mergeValues(input: MergeIncrementalInput): { literals: Record<string, string> } {
  return { literals: { workflow_id: input.workflowId, run_id: input.runId, now: recordedNow() } };
}

/** The lock's row as a holder. */
export function lockHolder(row: Record<string, unknown> | undefined): LockHolder | undefined {
  if (!row) return undefined;
  const since = new Date(String(row.acquired_at));
  return { workflowId: String(row.workflow_id), runId: String(row.run_id), since: Number.isNaN(since.getTime()) ? String(row.acquired_at) : since.toISOString() };
}

/** A merged run's incremental_runs row as the merge's result. */
export function mergedRun(row: Record<string, unknown>, alreadyMerged: boolean): MergeIncrementalResult {
  return {
    files: { events: Number(row.files_events), songs: Number(row.files_songs) },
    rowsAdded: JSON.parse(String(row.rows_added)) as Record<string, number>,
    usersUpdated: Number(row.users_updated),
    alreadyMerged,
  };
}

