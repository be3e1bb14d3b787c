/**
 * The Sparkify provisioning and teardown scripts as workflows: create the configured Redshift
 * cluster and wait until it is available; delete it and wait until it is gone.
 */
import type { ClusterResult, DeleteClusterResult } from '../contract';
import { createRedshiftCluster, deleteRedshiftCluster } from './activities';

export async function createCluster(): Promise<ClusterResult> {
  return createRedshiftCluster();
}

export async function deleteCluster(): Promise<DeleteClusterResult> {
  return deleteRedshiftCluster();
}
