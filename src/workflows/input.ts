/**
 * The sparkifyEtl workflow's input and result. Plain data only: this module is imported by the
 * workflow bundle, the CLI and the tests, and nothing in it may carry a secret.
 */
import type { WarehouseHandle } from '../activities/types';

/** Warehouses the workflow can be asked for (production Redshift is selected by its activities' config). */
export type WarehouseProviderChoice = 'local' | 'postgres';

export interface SparkifyEtlInput {
  /** Where the Sparkify files are read from: a directory holding song_data/ and log_data/. */
  source: { type: 'local'; path: string };
  /** Default: { provider: 'local' } (an embedded PostgreSQL the workflow provisions and tears down). */
  warehouse?: { provider: WarehouseProviderChoice };
  /** COPY activities in flight per staging kind. Default 2. */
  concurrency?: number;
  /** Partitions each staging kind is split into. Default 2 × concurrency. */
  partitions?: number;
  /** Like Redshift COPY MAXERROR: more rejected rows than this fails the run. Default 0. */
  maxErrors?: number;
  /** Keep the warehouse after the run (its handle is returned); default false = tear it down. */
  keepWarehouse?: boolean;
}

/** The input with every default applied; what the workflow actually runs on. */
export interface ResolvedEtlInput {
  source: { type: 'local'; path: string };
  warehouse: { provider: WarehouseProviderChoice };
  concurrency: number;
  partitions: number;
  maxErrors: number;
  keepWarehouse: boolean;
}

/** Stages in the order they run; also the keys of `durationsMs`. */
export const STAGES = [
  'provision',
  'createTables',
  'plan',
  'staging',
  'dimensions',
  'fact',
  'summarize',
  'teardown',
] as const;
export type StageName = (typeof STAGES)[number];

/** Name of the query answering EtlProgress (clients use the name; they need not load workflow code). */
export const PROGRESS_QUERY = 'progress';

/** What the `progress` query answers. */
export interface EtlProgress {
  /** The stage running now; after the end (teardown included): 'done', 'failed' or 'cancelled'. */
  stage: StageName | 'starting' | 'done' | 'failed' | 'cancelled';
  files: Record<'events' | 'songs', { done: number; total: number }>;
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
  /** read === loaded + rejected: every input row is either in staging or in load_errors. */
  accounted: boolean;
  files: Record<'events' | 'songs', number>;
  /** Present only with keepWarehouse: where the tables are (no password). */
  warehouse?: WarehouseHandle;
}
