/**
 * The Redshift cluster as the cluster workflows and activities see it. Plain data: the worker
 * reads which cluster and how (dwh.cfg [DWH], [IAM_ROLE]) from its own configuration, so no
 * secret and no credential ever travels here.
 */

export interface ClusterResult {
  clusterId: string;
  /** Redshift's state (available, creating, deleting, …) or `absent`. */
  status: string;
  /** host:port once available. */
  endpoint?: string;
}

export interface DeleteClusterResult {
  clusterId: string;
  /** false when there was no cluster to delete. */
  removed: boolean;
}
