import { GetClusterCredentialsCommand } from '@aws-sdk/client-redshift';
import type { ClientConfig } from 'pg';
import type { WarehouseHandle, WarehouseOwner } from '../contract';
import { optionalSetting } from '../config/env';
import { REDSHIFT_ENV, redshiftSettings, type RedshiftSettings } from '../config/redshift-settings';
import { awsFailure } from './redshift/aws-errors';
import { redshiftClient, redshiftDataClient } from './redshift/clients';
import { clusterStatus, deleteCluster, ensureCluster, ownerFromTags, describeCluster, type WaitHooks } from './redshift/cluster';
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
 */
export class RedshiftWarehouseProvider implements WarehouseProvider {
  readonly name = 'redshift' as const;
  readonly dialect = 'redshift' as const;

  async provision(warehouseId: string, hooks: ProviderHooks, owner?: WarehouseOwner): Promise<WarehouseHandle> {
    const settings = redshiftSettings();
    const wait = waitHooks(hooks);
    const endpoint = await ensureCluster(redshiftClient(settings), settings, wait, owner);
    const schema = schemaForWarehouse(warehouseId);
    const file = 'redshift/schema/create.sql';
    // CREATE SCHEMA IF NOT EXISTS: running it again after a lost attempt is harmless.
    await runSqlBatch(redshiftDataClient(settings), dataApiTarget(endpoint, settings), { file, statements: sqlStatements(file, { schema }) }, { ...wait, submitted: () => undefined }, { pollMs: settings.pollMs });
    return { provider: this.name, warehouseId, host: endpoint.host, port: endpoint.port, database: endpoint.database, user: endpoint.user, schema };
  }

  /** Deletes the cluster (the schema goes with it) and waits until it is gone. */
  async teardown(_warehouseId: string, hooks: ProviderHooks): Promise<boolean> {
    const settings = redshiftSettings();
    return deleteCluster(redshiftClient(settings), settings, waitHooks(hooks));
  }

  /**
   * pg over TLS with temporary credentials from GetClusterCredentials (valid one hour): no
   * password is stored anywhere. Needs a network path to the cluster's endpoint.
   */
  async connectionConfig(handle: WarehouseHandle): Promise<ClientConfig> {
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
    if (optionalSetting(REDSHIFT_ENV.clusterId) === undefined) return [];
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

  /** The cluster as it is now (for `sparkify cluster status`). */
  status(): ReturnType<typeof clusterStatus> {
    const settings = redshiftSettings();
    return clusterStatus(redshiftClient(settings), settings);
  }
}
