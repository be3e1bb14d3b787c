/** The workflow bundle's entry point: every workflow the sparkify task queue runs. */
export { sparkifyEtl, progressQuery } from './sparkify-etl';
export { createCluster, deleteCluster } from './redshift-cluster';
