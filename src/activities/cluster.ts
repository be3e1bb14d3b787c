/**
 * Activities of the Redshift cluster workflows (`sparkify cluster create | delete`): each waits,
 * heartbeating the cluster's state, for as long as Redshift takes (5–20 minutes to create).
 * Both look before they act, so an attempt that replaces a dead worker's finds the same cluster.
 */
import { Context } from '@temporalio/activity';
import type { ClusterResult, DeleteClusterResult, WarehouseOwner } from '../contract';
import { redshiftSettings } from '../config/redshift-settings';
import { redshiftClient } from '../warehouse/redshift/clients';
import { deleteCluster, ensureCluster, type WaitHooks } from '../warehouse/redshift/cluster';

function activityHooks(): WaitHooks {
  const ctx = Context.current();
  return { heartbeat: (progress) => ctx.heartbeat(progress), sleep: (ms) => ctx.sleep(ms) };
}

/** Creates the configured cluster, or finds it, and waits until it is available. */
export async function createRedshiftCluster(): Promise<ClusterResult> {
  const ctx = Context.current();
  const settings = redshiftSettings();
  const { workflowNamespace, workflowExecution } = ctx.info;
  // The creating run, as tags; keepWarehouse: a cluster made on purpose is not gc's to collect.
  const owner: WarehouseOwner | undefined = workflowNamespace && workflowExecution
    ? { namespace: workflowNamespace, workflowId: workflowExecution.workflowId, runId: workflowExecution.runId, keepWarehouse: true, createdAt: new Date().toISOString() }
    : undefined;
  const endpoint = await ensureCluster(redshiftClient(settings), settings, activityHooks(), owner);
  return { clusterId: endpoint.clusterId, status: 'available', endpoint: `${endpoint.host}:${endpoint.port}` };
}

/** Deletes the configured cluster and waits until it is gone; already gone counts as success. */
export async function deleteRedshiftCluster(): Promise<DeleteClusterResult> {
  const settings = redshiftSettings();
  const removed = await deleteCluster(redshiftClient(settings), settings, activityHooks());
  return { clusterId: settings.clusterId, removed };
}
