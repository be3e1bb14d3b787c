import type { ClientConfig } from 'pg';
import type { WarehouseHandle, WarehouseProviderName } from '../contract';

/** Which SQL files (sql/<dialect>/create) build this warehouse's tables. */
export type SqlDialect = 'postgres' | 'redshift';

/** What a long provider operation may report while it waits (an activity heartbeats). */
export interface ProviderHooks {
  heartbeat(progress: string): void;
}

/**
 * One warehouse implementation. Provision and teardown are idempotent for a warehouseId: a retried
 * provision finds its own warehouse, a repeated teardown finds nothing and says so.
 */
export interface WarehouseProvider {
  readonly name: WarehouseProviderName;
  readonly dialect: SqlDialect;
  provision(warehouseId: string, hooks: ProviderHooks): Promise<WarehouseHandle>;
  /** Returns false when nothing was left to remove. */
  teardown(warehouseId: string, hooks: ProviderHooks): Promise<boolean>;
  /**
   * Everything pg needs to connect, including the secret, resolved in the process that connects.
   * The result must never be logged or returned from an activity.
   */
  connectionConfig(handle: WarehouseHandle): Promise<ClientConfig>;
}
