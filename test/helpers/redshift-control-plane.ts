import {
  ClusterAlreadyExistsFault,
  ClusterNotFoundFault,
  CreateClusterCommand,
  DeleteClusterCommand,
  DescribeClustersCommand,
  type Cluster,
  type CreateClusterCommandInput,
  type RedshiftClient,
  type Tag,
} from '@aws-sdk/client-redshift';
import type { AwsClientStub } from 'aws-sdk-client-mock';

/** Where a scripted cluster answers once it is available. */
export function clusterEndpoint(clusterId: string): { Address: string; Port: number } {
  return { Address: `${clusterId}.abc123.us-west-2.redshift.amazonaws.com`, Port: 5439 };
}

/**
 * One cluster as Redshift's control plane shows it over time, scripted on a mocked RedshiftClient:
 * absent; `creating` for `pollsWhileCreating` looks, then `available`; after DeleteCluster,
 * `deleting` for as many looks, then gone.
 */
export class ScriptedCluster {
  exists = false;
  status = 'creating';
  polls = 0;
  /** Looks that answer "not found" although the cluster exists (someone else is creating it). */
  hiddenLooks = 0;
  tags: Tag[] = [];

  constructor(
    private readonly redshift: AwsClientStub<RedshiftClient>,
    readonly clusterId: string,
    readonly pollsWhileCreating: number,
  ) {}

  install(): void {
    const { redshift, clusterId } = this;
    const notFound = (requestId: string) => new ClusterNotFoundFault({ message: `Cluster ${clusterId} not found.`, $metadata: { requestId } });
    redshift.reset();
    redshift.on(DescribeClustersCommand).callsFake(() => {
      if (!this.exists || this.hiddenLooks-- > 0) throw notFound('req-describe');
      this.polls++;
      if (this.status === 'creating' && this.polls > this.pollsWhileCreating) this.status = 'available';
      if (this.status === 'deleting' && this.polls > this.pollsWhileCreating) {
        this.exists = false;
        throw notFound('req-gone');
      }
      const cluster: Cluster = { ClusterIdentifier: clusterId, ClusterStatus: this.status, DBName: 'dwh', MasterUsername: 'dwhuser', NodeType: 'ra3.large', NumberOfNodes: 2, Tags: this.tags };
      if (this.status === 'available') cluster.Endpoint = clusterEndpoint(clusterId);
      return { Clusters: [cluster] };
    });
    redshift.on(CreateClusterCommand).callsFake((input: CreateClusterCommandInput) => {
      if (this.exists) throw new ClusterAlreadyExistsFault({ message: 'Cluster already exists', $metadata: { requestId: 'req-exists' } });
      this.exists = true;
      this.tags = input.Tags ?? [];
      this.status = 'creating';
      this.polls = 0;
      return { Cluster: { ClusterIdentifier: clusterId, ClusterStatus: 'creating' } };
    });
    redshift.on(DeleteClusterCommand).callsFake(() => {
      if (!this.exists) throw notFound('req-del');
      this.status = 'deleting';
      this.polls = 0;
      return { Cluster: { ClusterIdentifier: clusterId, ClusterStatus: 'deleting' } };
    });
  }
}
