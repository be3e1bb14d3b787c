/**
 * The Redshift cluster's life: create it (or find it again), wait until it is available, delete
 * it and wait until it is gone. Every step is idempotent for the configured identifier, so an
 * attempt that replaces a dead worker's attempt looks first and never creates a second cluster.
 */
import {
  CreateClusterCommand,
  DeleteClusterCommand,
  DescribeClustersCommand,
  type Cluster,
  type RedshiftClient,
  type Tag,
} from '@aws-sdk/client-redshift';
import { ApplicationFailure } from '@temporalio/common';
import type { WarehouseOwner } from '../../contract';
import { configuredMasterPassword, type RedshiftSettings } from '../../config/redshift-settings';
import { awsErrorName, awsFailure } from './aws-errors';

/** What a waiting step reports and how it pauses (an activity heartbeats and sleeps cancellably). */
export interface WaitHooks {
  heartbeat(progress: string): void;
  sleep(ms: number): Promise<void>;
}

export interface ClusterEndpoint {
  clusterId: string;
  host: string;
  port: number;
  database: string;
  user: string;
}

/** How the cluster is now, for `sparkify cluster status`. */
export interface ClusterStatus {
  clusterId: string;
  /** Redshift's ClusterStatus, or `absent`. */
  status: string;
  nodeType?: string;
  nodes?: number;
  endpoint?: string;
  owner?: WarehouseOwner;
}

/** States a cluster passes through on its way to `available`; waiting on them is right. */
const TRANSITIONAL = new Set(['creating', 'modifying', 'rebooting', 'resizing', 'renaming', 'restoring', 'updating-hsm', 'paused', 'resuming', 'cancelling-resize', 'final-snapshot', 'available, prep-for-resize', 'available, resize-cleanup']);

/** A freshly created cluster may be missing from DescribeClusters for a moment (eventual consistency). */
const NOT_YET_VISIBLE_POLLS = 5;

/** Owner fields as tags (values ≤ 256 characters); `sparkify gc` reads them back. */
const TAG = 'sparkify:';

/** The tag naming the warehouse a run created the cluster for: its teardown may delete it. */
export const WAREHOUSE_TAG = `${TAG}warehouseId`;

export function ownerTags(owner: WarehouseOwner | undefined, warehouseId?: string): Tag[] {
  const tags: Tag[] = [{ Key: `${TAG}managed`, Value: 'true' }];
  if (warehouseId !== undefined) tags.push({ Key: WAREHOUSE_TAG, Value: warehouseId.slice(0, 256) });
  if (!owner) return tags;
  for (const [key, value] of Object.entries(owner)) {
    if (value !== undefined) tags.push({ Key: `${TAG}${key}`, Value: String(value).slice(0, 256) });
  }
  return tags;
}

export function ownerFromTags(tags: Tag[] | undefined): WarehouseOwner | undefined {
  const byKey = new Map((tags ?? []).filter((t) => t.Key?.startsWith(TAG)).map((t) => [t.Key!.slice(TAG.length), t.Value ?? '']));
  const [namespace, workflowId, runId, createdAt] = ['namespace', 'workflowId', 'runId', 'createdAt'].map((k) => byKey.get(k));
  if (!namespace || !workflowId || !runId || !createdAt) return undefined;
  const owner: WarehouseOwner = { namespace, workflowId, runId, createdAt, keepWarehouse: byKey.get('keepWarehouse') === 'true' };
  const address = byKey.get('temporalAddress');
  if (address) owner.temporalAddress = address;
  const pid = Number(byKey.get('temporalPid'));
  if (Number.isInteger(pid) && pid > 0) owner.temporalPid = pid;
  return owner;
}

/** The cluster with this identifier, or undefined when there is none. */
export async function describeCluster(client: RedshiftClient, clusterId: string): Promise<Cluster | undefined> {
  try {
    const { Clusters } = await client.send(new DescribeClustersCommand({ ClusterIdentifier: clusterId }));
    return Clusters?.[0];
  } catch (err) {
    if (awsErrorName(err) === 'ClusterNotFoundFault') return undefined;
    throw awsFailure(err, `describing Redshift cluster ${clusterId}`);
  }
}

export async function clusterStatus(client: RedshiftClient, settings: RedshiftSettings): Promise<ClusterStatus> {
  const cluster = await describeCluster(client, settings.clusterId);
  if (!cluster) return { clusterId: settings.clusterId, status: 'absent' };
  const status: ClusterStatus = { clusterId: settings.clusterId, status: cluster.ClusterStatus ?? 'unknown' };
  if (cluster.NodeType) status.nodeType = cluster.NodeType;
  if (cluster.NumberOfNodes !== undefined) status.nodes = cluster.NumberOfNodes;
  if (cluster.Endpoint?.Address) status.endpoint = `${cluster.Endpoint.Address}:${cluster.Endpoint.Port ?? settings.port}`;
  const owner = ownerFromTags(cluster.Tags);
  if (owner) status.owner = owner;
  return status;
}

function createRequest(settings: RedshiftSettings, owner: WarehouseOwner | undefined, warehouseId: string | undefined): CreateClusterCommand {
  const password = configuredMasterPassword();
  return new CreateClusterCommand({
    ClusterIdentifier: settings.clusterId,
    ClusterType: settings.clusterType,
    NodeType: settings.nodeType,
    ...(settings.clusterType === 'multi-node' ? { NumberOfNodes: settings.nodes } : {}),
    DBName: settings.database,
    MasterUsername: settings.user,
    // By default Redshift keeps the password in Secrets Manager and no process here sees it;
    // the Data API authenticates with temporary IAM credentials instead.
    ...(password === undefined ? { ManageMasterPassword: true } : { MasterUserPassword: password }),
    Port: settings.port,
    ...(settings.iamRole ? { IamRoles: [settings.iamRole], DefaultIamRoleArn: settings.iamRole } : {}),
    // The Data API needs no network path to the cluster; pg users open access deliberately.
    PubliclyAccessible: false,
    Encrypted: true,
    Tags: ownerTags(owner, warehouseId),
  });
}

/**
 * Creates the configured cluster unless it exists, then waits until it is available. An
 * existing cluster with the identifier is reused (ClusterAlreadyExists is the same answer, met
 * when another attempt created it between our look and our request).
 */
export async function ensureCluster(client: RedshiftClient, settings: RedshiftSettings, hooks: WaitHooks, owner?: WarehouseOwner, warehouseId?: string): Promise<ClusterEndpoint> {
  const id = settings.clusterId;
  let existing = await describeCluster(client, id);
  if (existing?.ClusterStatus === 'deleting') {
    hooks.heartbeat(`cluster ${id} is being deleted; waiting for it to go before creating it again`);
    await waitUntilGone(client, settings, hooks);
    existing = undefined;
  }
  if (!existing) {
    try {
      await client.send(createRequest(settings, owner, warehouseId));
      hooks.heartbeat(`cluster ${id}: CreateCluster accepted`);
    } catch (err) {
      if (awsErrorName(err) !== 'ClusterAlreadyExistsFault') throw awsFailure(err, `creating Redshift cluster ${id}`);
      hooks.heartbeat(`cluster ${id} already exists; reusing it`);
    }
  } else {
    hooks.heartbeat(`cluster ${id} exists (${existing.ClusterStatus}); reusing it`);
  }
  return waitUntilAvailable(client, settings, hooks);
}

/** Polls DescribeClusters until the cluster is available, heartbeating its state and the time waited. */
export async function waitUntilAvailable(client: RedshiftClient, settings: RedshiftSettings, hooks: WaitHooks): Promise<ClusterEndpoint> {
  const id = settings.clusterId;
  const began = Date.now();
  let missing = 0;
  for (;;) {
    const cluster = await describeCluster(client, id);
    const waited = Math.round((Date.now() - began) / 1000);
    if (!cluster) {
      if (++missing > NOT_YET_VISIBLE_POLLS) {
        throw ApplicationFailure.create({
          message: `Redshift cluster ${id} vanished while waiting for it to become available (deleted by someone else?)`,
          type: 'ClusterVanished',
          nonRetryable: false,
        });
      }
    } else {
      const status = cluster.ClusterStatus ?? 'unknown';
      if (status === 'available' && cluster.Endpoint?.Address) {
        hooks.heartbeat(`cluster ${id}: available after ${waited} s`);
        return {
          clusterId: id,
          host: cluster.Endpoint.Address,
          port: cluster.Endpoint.Port ?? settings.port,
          database: cluster.DBName ?? settings.database,
          user: cluster.MasterUsername ?? settings.user,
        };
      }
      if (status === 'deleting') {
        throw ApplicationFailure.create({ message: `Redshift cluster ${id} is being deleted while waiting for it to become available`, type: 'ClusterDeleting', nonRetryable: false });
      }
      if (status !== 'available' && !TRANSITIONAL.has(status)) {
        // incompatible-network, hardware-failure, storage-full, …: a person has to look.
        throw ApplicationFailure.create({ message: `Redshift cluster ${id} is ${status}; it will not become available by waiting`, type: 'ClusterUnusable', nonRetryable: true });
      }
      hooks.heartbeat(`cluster ${id}: ${status} (${waited} s)`);
    }
    await hooks.sleep(settings.pollMs);
  }
}

/**
 * Deletes the cluster (with a final snapshot only when one is configured) and waits until
 * DescribeClusters no longer finds it. Returns false when there was nothing to delete.
 */
export async function deleteCluster(client: RedshiftClient, settings: RedshiftSettings, hooks: WaitHooks): Promise<boolean> {
  const id = settings.clusterId;
  const cluster = await describeCluster(client, id);
  if (!cluster) return false;
  if (cluster.ClusterStatus !== 'deleting') {
    try {
      await client.send(
        new DeleteClusterCommand({
          ClusterIdentifier: id,
          ...(settings.finalSnapshot ? { SkipFinalClusterSnapshot: false, FinalClusterSnapshotIdentifier: settings.finalSnapshot } : { SkipFinalClusterSnapshot: true }),
        }),
      );
      hooks.heartbeat(`cluster ${id}: DeleteCluster accepted`);
    } catch (err) {
      const name = awsErrorName(err);
      if (name === 'ClusterNotFoundFault') return true;
      // Already deleting (another attempt asked) is what we want; other states are retried.
      if (name !== 'InvalidClusterStateFault') throw awsFailure(err, `deleting Redshift cluster ${id}`);
      const now = await describeCluster(client, id);
      if (!now) return true;
      if (now.ClusterStatus !== 'deleting') throw awsFailure(err, `deleting Redshift cluster ${id}`);
    }
  }
  await waitUntilGone(client, settings, hooks);
  return true;
}

async function waitUntilGone(client: RedshiftClient, settings: RedshiftSettings, hooks: WaitHooks): Promise<void> {
  const began = Date.now();
  for (;;) {
    const cluster = await describeCluster(client, settings.clusterId);
    if (!cluster) {
      hooks.heartbeat(`cluster ${settings.clusterId}: gone after ${Math.round((Date.now() - began) / 1000)} s`);
      return;
    }
    hooks.heartbeat(`cluster ${settings.clusterId}: ${cluster.ClusterStatus ?? 'unknown'} (${Math.round((Date.now() - began) / 1000)} s)`);
    await hooks.sleep(settings.pollMs);
  }
}
