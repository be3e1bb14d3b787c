/**
 * How the workflow, its activities and the providers name a warehouse. Plain data only; a handle
 * says where the tables are and never carries the password (activities resolve it themselves).
 */

/** The warehouse implementations this build has (src/warehouse/registry.ts). */
export type WarehouseProviderName = 'local' | 'postgres';

/** What provisionWarehouse is asked for. */
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
