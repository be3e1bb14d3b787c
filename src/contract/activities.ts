/**
 * Inputs and results of the sparkifyEtl activities (src/activities/), as the workflow schedules
 * them. Plain data only: everything here travels through Temporal history.
 */
import type { SourceRef, StagingKind } from './source';
import type { ProvisionWarehouseInput, WarehouseHandle } from './warehouse';

/** Input of every activity that only works inside an existing warehouse (createTables, insert*, summarizeLoad). */
export interface WarehouseInput {
  warehouse: WarehouseHandle;
}

/**
 * teardownWarehouse takes the provision input, not a handle, so a workflow can tear down a
 * warehouse whose provisioning failed half-way (no handle was ever returned).
 */
export type TeardownWarehouseInput = ProvisionWarehouseInput;

export interface TeardownWarehouseResult {
  warehouseId: string;
  /** false when there was nothing left to remove (teardown is idempotent). */
  removed: boolean;
}

/** Input of createTables. */
export interface CreateTablesInput extends WarehouseInput {
  /**
   * Whether the tables outlive this run (a kept warehouse). false: the run removes the warehouse
   * at its end, so a dialect may keep the star tables out of its crash recovery, as staging is
   * (PostgreSQL: UNLOGGED); a crash then empties them together with staging, which every later
   * activity detects (StagingLost). Absent: true.
   */
  keptAfterRun?: boolean;
}

export interface CreateTablesResult {
  /** The tables (re)created, in creation order. */
  tables: string[];
  /** When the warehouse's server last started (a later different value means it restarted). */
  serverStartedAt?: string;
}

/** Input of resetStaging and verifyStaging: the warehouse and the staging round. */
export interface StagingRoundInput {
  warehouse: WarehouseHandle;
  epoch: number;
}

export interface StagingRoundResult {
  epoch: number;
  serverStartedAt?: string;
}

/** Counts of one staging kind. */
export interface StagingCounts {
  filesDone: number;
  linesRead: number;
  rowsLoaded: number;
  rowsRejected: number;
}

/**
 * What verifyStaging found: per kind, what the partitions' progress rows say was committed and
 * what the warehouse holds (rows in the staging table, rows in load_errors).
 */
export interface StagingAccount {
  epoch: number;
  serverStartedAt?: string;
  committed: Record<StagingKind, StagingCounts>;
  stored: Record<StagingKind, { rowsLoaded: number; rowsRejected: number }>;
  /** load_errors rows by reason kind, in the same snapshot (absent from results recorded before it was added). */
  rejectedByKind?: Record<string, number>;
}

/** Partitioning is by a stable hash of each file's relative path, so no file list enters history. */
export interface StagingPlanInput {
  source: SourceRef;
  partitions: number;
  /**
   * When given, the plan's listing (path, size, ETag of every file) is written to the warehouse's
   * staging_files table, and each COPY loads exactly those files, failing one that changed or
   * vanished since. Without it, each COPY lists the source again.
   */
  warehouse?: WarehouseHandle;
  /** Incremental run: leave out files the warehouse's manifest holds (needs `warehouse`). */
  incremental?: IncrementalPlanFilter;
}

export type StagingPlan = Record<StagingKind, StagingKindPlan>;

export interface StagingKindPlan {
  /** Files to load (in an incremental run: new or reloaded ones only). */
  files: number;
  bytes: number;
  filesPerPartition: number[];
  /** Incremental runs only: files left out because they were loaded before, unchanged. */
  alreadyLoaded?: number;
  /** Incremental runs only: files left out by the from/to window. */
  outsideWindow?: number;
  /** Incremental runs only: files that changed since they were loaded (the first 50) and their count. */
  changed?: string[];
  changedCount?: number;
}

/** What planStaging filters by in an incremental run (the manifest of loaded files is in the warehouse). */
export interface IncrementalPlanFilter {
  from?: string;
  to?: string;
  reloadChanged?: boolean;
}

/** The run that holds, or asks for, a long-lived warehouse's lock. */
export interface WarehouseLockInput {
  warehouse: WarehouseHandle;
  workflowId: string;
  runId: string;
  /** acquire only: fail with WarehouseBusy after waiting this long for another open run. */
  waitSeconds?: number;
}

export interface WarehouseLockResult {
  /** acquire: true when it took over the lock of a run that has closed (a crashed or terminated run). */
  tookOverFrom?: { workflowId: string; runId: string; status: string };
  /** release: false when the lock was not held by this run (nothing released). */
  released?: boolean;
  waitedMs: number;
}

/** mergeIncremental: the run whose staged files are merged into the star tables. */
export interface MergeIncrementalInput extends WarehouseInput {
  workflowId: string;
  runId: string;
}

export interface MergeIncrementalResult {
  /** Files recorded in the manifest by this merge (0 when a retry found its own earlier merge). */
  files: Record<StagingKind, number>;
  rowsAdded: Record<string, number>;
  usersUpdated: number;
  /** true when this run's merge had already committed (a retried activity or a new staging round). */
  alreadyMerged: boolean;
}

export interface CopyStagingInput {
  warehouse: WarehouseHandle;
  source: SourceRef;
  partition: number;
  partitions: number;
  /**
   * The staging round this COPY belongs to (default 1, the round createTables starts). A
   * warehouse crash empties staging; the workflow then starts round + 1 (resetStaging).
   */
  epoch?: number;
  /**
   * An incremental run: load the files the plan wrote into staging_files, each attributed to its
   * rows (on Redshift one COPY per file; PostgreSQL always loads the planned files this way).
   */
  planned?: boolean;
}

/** What a staging COPY did; also its heartbeat details (so a retry resumes after `filesDone`). */
export interface CopyStagingResult {
  kind: StagingKind;
  partition: number;
  filesDone: number;
  /** Input rows (song files, or non-blank event lines) read. linesRead = rowsLoaded + rowsRejected. */
  linesRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  bytesRead: number;
}

export interface InsertResult {
  table: string;
  rows: number;
}

export interface LoadSummary {
  /** Row count of every staging and star table, and of load_errors. */
  tables: Record<string, number>;
  /** load_errors rows grouped by reason kind (e.g. 'invalid-json', 'wrong-type', 'missing-field', 'empty-file'). */
  rejectedByKind: Record<string, number>;
  serverStartedAt?: string;
}

export interface SampleLoadErrorsInput extends WarehouseInput {
  /** At most this many rows, first by file then line. */
  limit: number;
}

/** One load_errors row, for failure messages (the raw text is left out: it can be long). */
export interface LoadErrorSample {
  file: string;
  line: number;
  reasonKind: string;
  reason: string;
}

/**
 * Which quality checks a checkQuality call runs. 'dimensions': those that read only the dimension
 * tables (named after one: users_, songs_, artists_, time_), which can run as soon as the
 * dimensions are built, beside the fact insert. 'remaining': every other check (songplays, staging
 * accounting, all tables). 'all' (the default): every check.
 */
export const QUALITY_SCOPES = ['all', 'dimensions', 'remaining'] as const;
export type QualityScope = (typeof QUALITY_SCOPES)[number];

/**
 * One of `of` shares of a scope's checks: every `of`-th check in file-name order, starting at the
 * `index`-th (0-based). The shares of a scope together run each of its checks exactly once, each
 * share in its own session, side by side.
 */
export interface QualityShare {
  index: number;
  of: number;
}

export interface CheckQualityInput extends WarehouseInput {
  scope?: QualityScope;
  /** Only this share of the scope's checks (default: all of them). */
  share?: QualityShare;
}

/**
 * What one data-quality check (sql/checks/<check>.sql) found. Every check file returns the same
 * shape: `offending_rows` (the count, repeated on every row) and `example` (text describing one
 * offending row, at most 5 rows; a single row with a NULL example when nothing offends).
 */
export interface QualityCheckResult {
  /** The check's file name without `.sql`. */
  check: string;
  offendingRows: number;
  /** Up to 5 offending rows, described. */
  examples: string[];
}
