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
}

export type QualityMode = 'fail' | 'warn';

/** The quality stage's outcome: every check with its count, and the names of those that failed. */
export interface QualityReport {
  mode: QualityMode;
  checks: QualityCheckResult[];
  failed: string[];
}

/** The input with every default applied; what the workflow actually runs on. */
export type ResolvedEtlInput = Required<SparkifyEtlInput>;

/** Stages in the order they run; also the keys of `durationsMs`. */
export const STAGES = [
  'provision',
  'createTables',
  'plan',
  'staging',
  'dimensions',
  'fact',
  'summarize',
  'quality',
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
  warehouse?: WarehouseHandle;
}
