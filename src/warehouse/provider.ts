import type { ClientConfig } from 'pg';
import type { WarehouseHandle, WarehouseOwner, WarehouseProviderName } from '../contract';

/** Which SQL files (sql/<dialect>/create) build this warehouse's tables. */
export type SqlDialect = 'postgres' | 'redshift';

/** What a long provider operation may report while it waits (an activity heartbeats). */
export interface ProviderHooks {
  heartbeat(progress: string): void;
  /** Pauses between polls; an activity's sleep ends early (rejects) when it is cancelled. */
  sleep?(ms: number): Promise<void>;
}

/** A warehouse this provider holds, as `listWarehouses` found it. */
export interface FoundWarehouse {
  provider: WarehouseProviderName;
  /** The provider's own name for it (directory or schema); what `removeWarehouse` takes. */
  name: string;
  /** Where it is, for people (a path, a schema on a server). */
  location: string;
  /** The run that provisioned it, from its marker; absent when the marker is missing or unreadable. */
  owner?: WarehouseOwner;
  /** Why there is no owner (missing or unreadable marker). */
  markerProblem?: string;
}

/**
 * One warehouse implementation. Provision and teardown are idempotent for a warehouseId: a retried
 * provision finds its own warehouse, a repeated teardown finds nothing and says so.
 */
export interface WarehouseProvider {
  readonly name: WarehouseProviderName;
  readonly dialect: SqlDialect;
  /** Records `owner` with the warehouse when it is first created (kept as is on a retried provision). */
  provision(warehouseId: string, hooks: ProviderHooks, owner?: WarehouseOwner): Promise<WarehouseHandle>;
  /** Returns false when nothing was left to remove. */
  teardown(warehouseId: string, hooks: ProviderHooks): Promise<boolean>;
  /**
   * Everything pg needs to connect, including the secret, resolved in the process that connects.
   * The result must never be logged or returned from an activity.
   */
  connectionConfig(handle: WarehouseHandle): Promise<ClientConfig>;
  /** Every warehouse of this provider that exists now, with its recorded owner. */
  listWarehouses(): Promise<FoundWarehouse[]>;
  /** Removes a listed warehouse (stopping whatever still serves it). Returns false when it was already gone. */
  removeWarehouse(name: string, hooks: ProviderHooks): Promise<boolean>;
}
