/**
 * The contract between the sparkifyEtl workflow and its activities: inputs and results only.
 * Nothing here may carry a secret: handles name a warehouse, they never hold its password.
 */

/** Which warehouse implementation provisions and serves the tables. */
export type WarehouseProviderName = 'local' | 'postgres' | 'redshift';

/** Where the Sparkify files are read from. `path` is a directory for `local`. */
export interface SourceRef {
  type: 'local' | 's3';
  /** local: a directory; s3: s3://bucket/prefix */
  path: string;
}

export interface ProvisionWarehouseInput {
  provider: WarehouseProviderName;
  /** Stable name of this warehouse (derived from the workflow id), so a retried provision finds its own work. */
  warehouseId: string;
}

/** Everything an activity needs to reach the warehouse, except the secret it resolves itself. */
export interface WarehouseHandle {
  provider: WarehouseProviderName;
  warehouseId: string;
  host: string;
  port: number;
  database: string;
  user: string;
  /** The schema holding every table of this pipeline. */
  schema: string;
}

export type StagingKind = 'events' | 'songs';

/** Partitioning is by a stable hash of each file's relative path, so no file list enters history. */
export interface StagingPlanInput {
  source: SourceRef;
  partitions: number;
}

export interface StagingPlan {
  events: { files: number; bytes: number; filesPerPartition: number[] };
  songs: { files: number; bytes: number; filesPerPartition: number[] };
}

export interface CopyStagingInput {
  warehouse: WarehouseHandle;
  source: SourceRef;
  partition: number;
  partitions: number;
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

export interface CreateTablesResult {
  /** The tables (re)created, in creation order. */
  tables: string[];
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
