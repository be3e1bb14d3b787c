/**
 * The sparkifyEtl workflow's input, result and progress, as clients (CLI, Temporal CLI, tests)
 * and the workflow share them. Plain data only; nothing here may carry a secret.
 */
import type { QualityCheckResult } from './activities';
import type { SourceRef, StagingKind } from './source';
import type { WarehouseHandle, WarehouseProviderName } from './warehouse';

export interface SparkifyEtlInput {
  /** Where the Sparkify files are read from. */
  source: SourceRef;
  /** Default: { provider: 'local' } (an embedded PostgreSQL the workflow provisions and tears down). */
  warehouse?: { provider: WarehouseProviderName };
  /** COPY activities in flight per staging kind. Default 2. */
  concurrency?: number;
  /** Partitions each staging kind is split into. Default 2 × concurrency. */
  partitions?: number;
  /** Like Redshift COPY MAXERROR: more rejected rows than this fails the run. Default 0. */
  maxErrors?: number;
  /** Keep the warehouse after the run (its handle is returned); default false = tear it down. */
  keepWarehouse?: boolean;
  /** A failed quality check fails the run ('fail', default) or is listed in the result ('warn'). */
  quality?: QualityMode;
  /**
   * Load only files not loaded before into the long-lived warehouse it names (provisioned if it
   * does not exist yet, never torn down). Absent: a full load into a warehouse of this run.
   */
  incremental?: IncrementalInput;
}

export type QualityMode = 'fail' | 'warn';

/** The quality stage's outcome: every check with its count, and the names of those that failed. */
export interface QualityReport {
  mode: QualityMode;
  checks: QualityCheckResult[];
  failed: string[];
}

/** What an incremental run loads, and into which long-lived warehouse. */
export interface IncrementalInput {
  /** The long-lived warehouse: [a-z][a-z0-9_]* (a local directory under SPARKIFY_HOME, or a schema). */
  warehouseName: string;
  /** Only event files whose name holds a date (YYYY-MM-DD) on or after this day (inclusive). */
  from?: string;
  /** Only event files whose name holds a date on or before this day (inclusive). */
  to?: string;
  /** Load again a file whose size or ETag changed since it was loaded (its earlier rows are replaced). */
  reloadChanged?: boolean;
  /** How long a run waits for another run holding the warehouse's lock before failing. Default 600. */
  lockWaitSeconds?: number;
}

/** The input with every default applied; what the workflow actually runs on. */
export type ResolvedEtlInput = Required<Omit<SparkifyEtlInput, 'incremental'>> & {
  incremental?: IncrementalInput & { lockWaitSeconds: number };
};

/**
 * The warehouse ids of long-lived (named) warehouses start with this; run warehouses never do.
 * Providers use it to treat them apart (the local provider stops their servers when idle).
 */
export const NAMED_WAREHOUSE_PREFIX = 'named_';

/** What an incremental run added to its long-lived warehouse. */
export interface IncrementalOutcome {
  warehouseName: string;
  /** Files this run loaded (new, or changed and reloaded). */
  filesAdded: Record<'events' | 'songs', number>;
  /** Files left out because they were loaded before, unchanged. */
  filesAlreadyLoaded: Record<'events' | 'songs', number>;
  /** Event files left out by the from/to window. */
  filesOutsideWindow: number;
  /** Files that changed since they were loaded and were not loaded again (the first 50; see changedCount). */
  changedFiles: string[];
  changedCount: number;
  /** Rows each star table gained (users: new users only; a level update adds none). */
  rowsAdded: Record<string, number>;
  /** Users whose row this run updated (a newer event). */
  usersUpdated: number;
}

/**
 * Stages in the order they run; also the keys of `durationsMs`. A full load runs 'transforms':
 * the fact (songplays) beside the dimensions; within it 'dimensions' and 'fact' are each part's
 * own time from the stage's start, so they overlap and 'transforms' is the wall time;
 * 'dimensionChecks' (the quality checks of the dimension tables) runs after 'dimensions', beside
 * 'fact'. 'verify' holds 'quality' (the remaining checks, or all of them where no
 * 'dimensionChecks' ran), beside 'summarize' in an incremental run (a full load's summary is its
 * steps' counts, and earlier full loads had a 'summarize' too). (Runs from before these had
 * 'dimensions', 'fact', 'summarize' and 'quality' one after the other, and no 'transforms' or
 * 'verify'.)
 */
export const STAGES = [
  'provision',
  'lock',
  'createTables',
  'plan',
  'staging',
  'transforms',
  'dimensions',
  'fact',
  'dimensionChecks',
  'merge',
  'verify',
  'summarize',
  'quality',
  'unlock',
  'teardown',
] as const;
export type StageName = (typeof STAGES)[number];

/** What the workflow's `progress` query answers. */
export interface EtlProgress {
  /** The stage running now; after the end (teardown included): 'done', 'failed' or 'cancelled'. */
  stage: StageName | 'starting' | 'done' | 'failed' | 'cancelled';
  files: Record<StagingKind, { done: number; total: number }>;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
}

export interface SparkifyEtlResult {
  warehouseId: string;
  /** Row count of every staging and star table, and of load_errors. */
  tables: Record<string, number>;
  /** Milliseconds per stage, measured in workflow time. */
  durationsMs: Partial<Record<StageName, number>>;
  totalMs: number;
  rows: {
    read: number;
    loaded: number;
    rejected: number;
    rejectedByKind: Record<string, number>;
  };
  /**
   * read === loaded + rejected: every input row is either in staging or in load_errors. Always
   * true in a result: a run whose counts do not add up fails with LoadNotAccounted instead.
   */
  accounted: boolean;
  /** Faults the run recovered from. */
  recovery: {
    /** Staging rounds run: 1, plus one for each warehouse crash that emptied staging. */
    stagingRounds: number;
    /** Restarts of the warehouse's server seen between activities (distinct server start times - 1). */
    warehouseRestarts: number;
  };
  files: Record<StagingKind, number>;
  /** What was loaded (locations only) and the bytes the staging COPYs read from it. */
  source: SourceRef;
  bytesRead: number;
  /** Every quality check's count; with quality 'warn' the failed ones are listed here instead of failing the run. */
  quality: QualityReport;
  /** Present only with keepWarehouse: where the tables are (no password). */
  /** Present only with keepWarehouse or incremental: where the tables are (no password). */
  warehouse?: WarehouseHandle;
  /** Present only for an incremental run. `tables` then holds every table's total. */
  incremental?: IncrementalOutcome;
}
