/**
 * How the workflow, its activities and the providers name a warehouse. Plain data only; a handle
 * says where the tables are and never carries the password (activities resolve it themselves).
 */

/** Star schema tables (each also has sql/transforms/<table>.sql and a transform activity of its own). */
export const STAR_TABLES = ['songplays', 'users', 'songs', 'artists', 'time'] as const;

export type StarTable = (typeof STAR_TABLES)[number];

/** The warehouse implementations this build has (src/warehouse/registry.ts). */
export type WarehouseProviderName = 'local' | 'postgres' | 'redshift';

/** What provisionWarehouse is asked for. */
export interface ProvisionWarehouseInput {
  provider: WarehouseProviderName;
  /** Stable name of this warehouse (derived from the workflow id), so a retried provision finds its own work. */
  warehouseId: string;
  /** The run keeps its warehouse after it ends: recorded with the warehouse so `sparkify gc` never collects it. */
  keepWarehouse?: boolean;
}

/**
 * The run that provisioned a warehouse, recorded with it (a marker file or schema comment) so a
 * warehouse whose run is gone can be found and removed (`sparkify gc`).
 */
export interface WarehouseOwner {
  namespace: string;
  workflowId: string;
  runId: string;
  keepWarehouse: boolean;
  /** ISO time the warehouse was first provisioned. */
  createdAt: string;
  /** The Temporal the provisioning worker talked to; gc through another one keeps the warehouse. */
  temporalAddress?: string;
  /** Set when that Temporal was an in-memory devserver in process `temporalPid`: its runs die with it. */
  temporalPid?: number;
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
