import { GetClusterCredentialsCommand } from '@aws-sdk/client-redshift';
import type { Client, ClientConfig } from 'pg';
import type { WarehouseHandle, WarehouseOwner } from '../contract';
import { optionalSetting } from '../config/env';
import { existingCluster, REDSHIFT_ENV, redshiftSettings, type ExistingCluster, type RedshiftSettings } from '../config/redshift-settings';
import { connectPostgres } from './client';
import { warehouseFailure } from './errors';
import { existingClusterConfig } from './redshift/sql-runner';
import { createSchema, dropSchema } from './schema';
import { awsFailure } from './redshift/aws-errors';
import { redshiftClient, redshiftDataClient } from './redshift/clients';
import { clusterStatus, deleteCluster, ensureCluster, ownerFromTags, describeCluster, WAREHOUSE_TAG, type WaitHooks } from './redshift/cluster';
import { runSqlBatch, type DataApiTarget } from './redshift/data-api';
import { schemaForWarehouse } from './names';
import type { FoundWarehouse, ProviderHooks, WarehouseProvider } from './provider';
import { sqlStatements } from './sql-files';

function waitHooks(hooks: ProviderHooks | undefined): WaitHooks {
  return {
    heartbeat: (progress) => hooks?.heartbeat(progress),
    sleep: hooks?.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  };
}

/** Where the Data API runs this warehouse's SQL (the cluster from the worker's settings). */
export function dataApiTarget(handle: Pick<WarehouseHandle, 'database' | 'user'> & Partial<Pick<WarehouseHandle, 'schema'>>, settings: RedshiftSettings = redshiftSettings()): DataApiTarget {
  const target: DataApiTarget = { clusterId: settings.clusterId, database: handle.database, dbUser: handle.user };
  if (handle.schema !== undefined) target.schema = handle.schema;
  return target;
}

/**
 * A Redshift cluster this worker creates from its configuration (dwh.cfg [DWH], [IAM_ROLE]) and
 * deletes at teardown. A warehouse is one schema on it, `sparkify_<warehouseId>`, created
 * through the Data API. The cluster's tags record the run that created it (`sparkify gc`).
 *
 * With an existing cluster configured (dwh.cfg [CLUSTER] HOST …), nothing is created or deleted
 * but the warehouse's schema, over pg with TLS.
 */
export class RedshiftWarehouseProvider implements WarehouseProvider {
  readonly name = 'redshift' as const;
  readonly dialect = 'redshift' as const;

  async provision(warehouseId: string, hooks: ProviderHooks, owner?: WarehouseOwner): Promise<WarehouseHandle> {
    const existing = existingCluster();
    if (existing) return this.onExisting(existing, `creating the schema of ${warehouseId}`, async (client) => {
      const schema = schemaForWarehouse(warehouseId);
      await createSchema(client, this.dialect, schema);
      return { provider: this.name, warehouseId, host: existing.host, port: existing.port, database: existing.database, user: existing.user, schema };
    });
    const settings = redshiftSettings();
    const wait = waitHooks(hooks);
    // Tagged with the warehouse: only this warehouse's teardown deletes a cluster it created.
    const endpoint = await ensureCluster(redshiftClient(settings), settings, wait, owner, warehouseId);
    const schema = schemaForWarehouse(warehouseId);
    const file = 'redshift/schema/create.sql';
    // CREATE SCHEMA IF NOT EXISTS: running it again after a lost attempt is harmless.
    await runSqlBatch(redshiftDataClient(settings), dataApiTarget(endpoint, settings), { file, statements: sqlStatements(file, { schema }) }, { ...wait, submitted: () => undefined }, { pollMs: settings.pollMs });
    return { provider: this.name, warehouseId, host: endpoint.host, port: endpoint.port, database: endpoint.database, user: endpoint.user, schema };
  }

  /**
   * Deletes the cluster this warehouse's provision created (the schema goes with it) and waits
   * until it is gone. A cluster that was there before (made by `sparkify cluster create`, or for
   * another run) is kept: only the run's schema is dropped.
   */
  async teardown(warehouseId: string, hooks: ProviderHooks): Promise<boolean> {
    const existing = existingCluster();
    // An existing cluster is not ours to delete: only the warehouse's schema goes.
    if (existing) return this.onExisting(existing, `dropping the schema of ${warehouseId}`, (client) => dropSchema(client, this.dialect, schemaForWarehouse(warehouseId)));
    const settings = redshiftSettings();
    const client = redshiftClient(settings);
    const cluster = await describeCluster(client, settings.clusterId);
    if (!cluster) return false;
    const ours = (cluster.Tags ?? []).some((t) => t.Key === WAREHOUSE_TAG && t.Value === warehouseId);
    if (ours) return deleteCluster(client, settings, waitHooks(hooks));
    const file = 'redshift/schema/drop.sql';
    const target = dataApiTarget({ database: cluster.DBName ?? settings.database, user: cluster.MasterUsername ?? settings.user }, settings);
    await runSqlBatch(redshiftDataClient(settings), target, { file, statements: sqlStatements(file, { schema: schemaForWarehouse(warehouseId) }) }, { ...waitHooks(hooks), submitted: () => undefined }, { pollMs: settings.pollMs });
    return true;
  }

  /**
   * pg over TLS with temporary credentials from GetClusterCredentials (valid one hour): no
   * password is stored anywhere. Needs a network path to the cluster's endpoint.
   */
  async connectionConfig(handle: WarehouseHandle): Promise<ClientConfig> {
    const existing = existingCluster();
    if (existing) return existingClusterConfig(existing);
    const settings = redshiftSettings();
    try {
      const creds = await redshiftClient(settings).send(
        new GetClusterCredentialsCommand({ ClusterIdentifier: settings.clusterId, DbUser: handle.user, DbName: handle.database, DurationSeconds: 3600, AutoCreate: false }),
      );
      return { host: handle.host, port: handle.port, database: handle.database, user: creds.DbUser, password: creds.DbPassword, ssl: { rejectUnauthorized: true } };
    } catch (err) {
      throw awsFailure(err, `getting temporary database credentials for ${handle.user} on cluster ${settings.clusterId}`);
    }
  }

  /** Only a configured cluster is looked for: a worker without Redshift settings makes no AWS call. */
  async listWarehouses(): Promise<FoundWarehouse[]> {
    // An existing cluster records no owners; its schemas are left to the people who run it.
    if (optionalSetting(REDSHIFT_ENV.clusterId) === undefined || existingCluster()) return [];
    const settings = redshiftSettings();
    const client = redshiftClient(settings);
    const cluster = await describeCluster(client, settings.clusterId);
    if (!cluster) return [];
    const found: FoundWarehouse = { provider: this.name, name: settings.clusterId, location: `Redshift cluster ${settings.clusterId} (${cluster.ClusterStatus ?? 'unknown'})` };
    const owner = ownerFromTags(cluster.Tags);
    if (owner) found.owner = owner;
    else found.markerProblem = 'the cluster has no sparkify owner tags (not created by a sparkify run)';
    return [found];
  }

  async removeWarehouse(name: string, hooks: ProviderHooks): Promise<boolean> {
    const settings = redshiftSettings();
    if (name !== settings.clusterId) throw new Error(`not the configured Redshift cluster: ${name} (configured: ${settings.clusterId})`);
    return deleteCluster(redshiftClient(settings), settings, waitHooks(hooks));
  }

  private async onExisting<T>(cluster: ExistingCluster, doing: string, work: (client: Client) => Promise<T>): Promise<T> {
    const client = await connectPostgres(existingClusterConfig(cluster), `${doing} on ${cluster.host}`);
    try {
      return await work(client);
    } catch (err) {
      throw warehouseFailure(err, `${doing} on ${cluster.host}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** The cluster as it is now (for `sparkify cluster status`). */
  status(): ReturnType<typeof clusterStatus> {
    const settings = redshiftSettings();
    return clusterStatus(redshiftClient(settings), settings);
  }
}
