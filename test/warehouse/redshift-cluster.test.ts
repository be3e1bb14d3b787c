/**
 * The Redshift cluster workflows (createCluster, deleteCluster) on our devserver with the real
 * worker and activities; only the Redshift control plane is replaced (aws-sdk-client-mock), by
 * a scripted cluster that answers DescribeClusters / CreateCluster / DeleteCluster as Redshift
 * documents: ClusterNotFoundFault for no cluster, `creating` for a few polls, then `available`.
 */
import { Context } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import {
  CreateClusterCommand,
  DeleteClusterCommand,
  DescribeClustersCommand,
  RedshiftClient,
  RedshiftServiceException,
  type CreateClusterCommandInput,
} from '@aws-sdk/client-redshift';
import { DescribeStatementCommand, ExecuteStatementCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { MockActivityEnvironment } from '@temporalio/testing';
import { mockClient } from 'aws-sdk-client-mock';
import type { Worker } from '@temporalio/worker';
import * as sparkifyActivities from '../../src/activities';
import { createCluster, deleteCluster } from '../../src/workflows';
import { warehouseProvider } from '../../src/warehouse/registry';
import { startTemporalForTests, type TemporalForTests } from '../helpers/temporal';
import { eventTypeName, fetchEvents } from '../../devserver/test/helpers/history';
import { within } from '../../devserver/test/helpers/wait';
import { clusterEndpoint, ScriptedCluster } from '../helpers/redshift-control-plane';

const redshift = mockClient(RedshiftClient);
// The cluster workflows never reach the Data API; the provider tests script it.
const data = mockClient(RedshiftDataClient);

const CLUSTER_ID = 'sparkify-test-cluster';
const ENDPOINT = clusterEndpoint(CLUSTER_ID);

let temporal: TemporalForTests;
const saved = { ...process.env };

beforeAll(async () => {
  process.env.SPARKIFY_REDSHIFT_CLUSTER_ID = CLUSTER_ID;
  process.env.SPARKIFY_REDSHIFT_DATABASE = 'dwh';
  process.env.SPARKIFY_REDSHIFT_USER = 'dwhuser';
  process.env.SPARKIFY_REDSHIFT_IAM_ROLE = 'arn:aws:iam::123456789012:role/dwhRole';
  process.env.SPARKIFY_REDSHIFT_POLL_MS = '20';
  process.env.AWS_REGION = 'us-west-2';
  // Every wait here is on the server's clock (retry backoffs, the heartbeat timeout of a silent
  // worker; AWS is scripted), so the devserver may skip them.
  temporal = await startTemporalForTests({ timeSkipping: true });
}, 120_000);

afterAll(async () => {
  await temporal?.stop();
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  redshift.restore();
});

afterEach(() => {
  delete process.env.SPARKIFY_REDSHIFT_PASSWORD;
});

/**
 * Runs `body` with a worker on a fresh task queue. The wait is bounded below the test's timeout: a
 * cluster the script never finishes fails this test with a message and stops its worker (which
 * cancels the polling activity) instead of polling on through the next tests.
 */
async function withWorker<T>(label: string, body: (taskQueue: string) => Promise<T>, activities?: Partial<typeof sparkifyActivities>, boundMs = 40_000): Promise<T> {
  const taskQueue = temporal.taskQueue(label);
  const worker: Worker = await temporal.worker(taskQueue, activities ? { activities } : {});
  return worker.runUntil(within(`the ${label} workflow`, boundMs, body(taskQueue)));
}

function createCalls(): CreateClusterCommandInput[] {
  return redshift.commandCalls(CreateClusterCommand).map((call) => call.args[0].input);
}

describe('createCluster', () => {
  it('creates the configured cluster once and waits through several creating polls until it is available', async () => {
    const cluster = new ScriptedCluster(redshift, CLUSTER_ID, 4);
    cluster.install();
    const heartbeats: unknown[] = [];
    const recording = async () => {
      const ctx = Context.current();
      const beat = ctx.heartbeat.bind(ctx);
      (ctx as { heartbeat: (d?: unknown) => void }).heartbeat = (d?: unknown) => {
        heartbeats.push(d);
        beat(d);
      };
      return sparkifyActivities.createRedshiftCluster();
    };
    const result = await withWorker('create', (taskQueue) =>
      temporal.env.client.workflow.execute(createCluster, { taskQueue, workflowId: `create-${taskQueue}` }),
    { createRedshiftCluster: recording });

    expect(result).toEqual({ clusterId: CLUSTER_ID, status: 'available', endpoint: `${ENDPOINT.Address}:5439` });
    expect(createCalls()).toHaveLength(1);
    const request = createCalls()[0];
    expect(request).toMatchObject({
      ClusterIdentifier: CLUSTER_ID,
      ClusterType: 'multi-node',
      NumberOfNodes: 2,
      DBName: 'dwh',
      MasterUsername: 'dwhuser',
      ManageMasterPassword: true,
      IamRoles: ['arn:aws:iam::123456789012:role/dwhRole'],
      PubliclyAccessible: false,
    });
    expect(request.MasterUserPassword).toBeUndefined();
    // The creating run is recorded as tags.
    expect(request.Tags).toEqual(expect.arrayContaining([{ Key: 'sparkify:managed', Value: 'true' }, { Key: 'sparkify:workflowId', Value: expect.stringMatching(/^create-sparkify-test-/) }]));
    // The first look found nothing, then 4 polls saw `creating` and the 5th `available`.
    expect(redshift.commandCalls(DescribeClustersCommand)).toHaveLength(1 + 5);
    expect(heartbeats.filter((h) => /: creating \(\d+ s\)$/.test(String(h)))).toHaveLength(4);
  }, 60_000);

  it('after an attempt dies during the wait, the next one finds the same cluster: exactly one CreateCluster', async () => {
    const cluster = new ScriptedCluster(redshift, CLUSTER_ID, 6);
    cluster.install();
    const attempts: number[] = [];
    // The first attempt dies after its second `creating` poll, losing everything it held in memory.
    const dyingOnce = async () => {
      const ctx = Context.current();
      attempts.push(ctx.info.attempt);
      if (ctx.info.attempt === 1) {
        let creatingPolls = 0;
        const beat = ctx.heartbeat.bind(ctx);
        (ctx as { heartbeat: (d?: unknown) => void }).heartbeat = (d?: unknown) => {
          beat(d);
          if (/: creating \(/.test(String(d)) && ++creatingPolls === 2) throw new Error('worker died while waiting');
        };
      }
      return sparkifyActivities.createRedshiftCluster();
    };
    const result = await withWorker('create-dies', (taskQueue) =>
      temporal.env.client.workflow.execute(createCluster, { taskQueue, workflowId: `create-dies-${taskQueue}` }),
    { createRedshiftCluster: dyingOnce });

    expect(result.status).toBe('available');
    expect(attempts).toEqual([1, 2]);
    expect(createCalls()).toHaveLength(1);
  }, 60_000);

  it('a worker that goes silent mid-wait (no heartbeat, no result) is replaced after the heartbeat timeout by an attempt that finds the same cluster', async () => {
    const cluster = new ScriptedCluster(redshift, CLUSTER_ID, 8);
    cluster.install();
    const attempts: number[] = [];
    // Attempt 1 freezes after its second `creating` poll, as a killed or hung worker would: it
    // never heartbeats or answers again; only the worker's shutdown at the end releases it.
    const freezingOnce = async () => {
      const ctx = Context.current();
      attempts.push(ctx.info.attempt);
      if (ctx.info.attempt === 1) {
        let creatingPolls = 0;
        let frozen = false;
        const beat = ctx.heartbeat.bind(ctx);
        (ctx as { heartbeat: (d?: unknown) => void }).heartbeat = (d?: unknown) => {
          if (frozen) return;
          beat(d);
          if (/: creating \(/.test(String(d)) && ++creatingPolls === 2) frozen = true;
        };
        const sleep = ctx.sleep.bind(ctx);
        // Frozen, it lets the server's clock run on (a time-skipping server skips to the heartbeat
        // timeout) and then waits for cancellation like a hung worker.
        (ctx as { sleep: (ms: number) => Promise<void> }).sleep = (ms: number) =>
          frozen
            ? temporal.sleepOnServerClock(60_000).then(() => new Promise<void>((_, reject) => void ctx.cancelled.catch(reject)))
            : sleep(ms);
      }
      return sparkifyActivities.createRedshiftCluster();
    };
    let workflowId = '';
    const result = await withWorker('create-silent', (taskQueue) => {
      workflowId = `create-silent-${taskQueue}`;
      return temporal.env.client.workflow.execute(createCluster, { taskQueue, workflowId });
    }, { createRedshiftCluster: freezingOnce }, 100_000);

    expect(result.status).toBe('available');
    expect(attempts).toEqual([1, 2]);
    expect(createCalls()).toHaveLength(1);
    // The replacement came only once the 30 s heartbeat timeout had passed on the server's clock.
    const events = await fetchEvents(temporal.env.client, workflowId);
    const timeOf = (type: string) => {
      const event = events.find((e) => eventTypeName(e.eventType) === type)!;
      return Number(event.eventTime!.seconds) * 1000 + Math.floor((event.eventTime!.nanos ?? 0) / 1e6);
    };
    expect(timeOf('ActivityTaskCompleted') - timeOf('ActivityTaskScheduled')).toBeGreaterThanOrEqual(30_000);
  }, 120_000);

  it('reuses an available cluster with the identifier: no CreateCluster', async () => {
    const cluster = new ScriptedCluster(redshift, CLUSTER_ID, 0);
    cluster.install();
    cluster.exists = true;
    cluster.status = 'available';
    const result = await withWorker('reuse', (taskQueue) =>
      temporal.env.client.workflow.execute(createCluster, { taskQueue, workflowId: `reuse-${taskQueue}` }),
    );
    expect(result).toEqual({ clusterId: CLUSTER_ID, status: 'available', endpoint: `${ENDPOINT.Address}:5439` });
    expect(createCalls()).toHaveLength(0);
  }, 60_000);

  it('treats ClusterAlreadyExists (created by someone between our look and our request) as reuse', async () => {
    const cluster = new ScriptedCluster(redshift, CLUSTER_ID, 1);
    cluster.install();
    // The first DescribeClusters says "not found", but by the time CreateCluster arrives it exists.
    cluster.exists = true;
    cluster.hiddenLooks = 1;
    const result = await withWorker('already-exists', (taskQueue) =>
      temporal.env.client.workflow.execute(createCluster, { taskQueue, workflowId: `exists-${taskQueue}` }),
    );
    expect(result.status).toBe('available');
    expect(createCalls()).toHaveLength(1);
  }, 60_000);

  it('fails at once on AccessDenied, with AWS message and request id, without retrying', async () => {
    const cluster = new ScriptedCluster(redshift, CLUSTER_ID, 1);
    cluster.install();
    const denied = new RedshiftServiceException({
      name: 'AccessDenied',
      $fault: 'client',
      message: 'User: arn:aws:iam::123456789012:user/etl is not authorized to perform: redshift:CreateCluster',
      $metadata: { requestId: 'f00d-cafe', httpStatusCode: 403 },
    });
    redshift.on(CreateClusterCommand).rejects(denied);
    const failure = await withWorker('denied', (taskQueue) =>
      temporal.env.client.workflow.execute(createCluster, { taskQueue, workflowId: `denied-${taskQueue}` }).then(
        () => undefined,
        (err: unknown) => err,
      ),
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause?.cause as Error & { type?: string; nonRetryable?: boolean };
    expect(cause.type).toBe('AwsAccessDenied');
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toContain('not authorized to perform: redshift:CreateCluster');
    expect(cause.message).toContain('AWS request id f00d-cafe');
    expect(createCalls()).toHaveLength(1);
  }, 60_000);

  it('keeps a configured master password out of the workflow history', async () => {
    const cluster = new ScriptedCluster(redshift, CLUSTER_ID, 1);
    cluster.install();
    const password = 'Sup3r-Secret-Redshift-pw';
    process.env.SPARKIFY_REDSHIFT_PASSWORD = password;
    const workflowId = `secret-${Date.now()}`;
    await withWorker('secret', (taskQueue) => temporal.env.client.workflow.execute(createCluster, { taskQueue, workflowId }));
    expect(createCalls()[0].MasterUserPassword).toBe(password);
    expect(createCalls()[0].ManageMasterPassword).toBeUndefined();
    const history = JSON.stringify(await temporal.env.client.workflow.getHandle(workflowId).fetchHistory());
    expect(history).not.toContain(password);
    expect(history).not.toContain(Buffer.from(password).toString('base64').slice(0, 16));
  }, 60_000);
});

describe('deleteCluster', () => {
  it('deletes the cluster and waits through deleting until DescribeClusters finds nothing; again: nothing to remove', async () => {
    const cluster = new ScriptedCluster(redshift, CLUSTER_ID, 3);
    cluster.install();
    cluster.exists = true;
    cluster.status = 'available';
    const first = await withWorker('delete', (taskQueue) =>
      temporal.env.client.workflow.execute(deleteCluster, { taskQueue, workflowId: `delete-${taskQueue}` }),
    );
    expect(first).toEqual({ clusterId: CLUSTER_ID, removed: true });
    expect(redshift.commandCalls(DeleteClusterCommand).map((c) => c.args[0].input)).toEqual([{ ClusterIdentifier: CLUSTER_ID, SkipFinalClusterSnapshot: true }]);
    expect(cluster.exists).toBe(false);

    const second = await withWorker('delete-again', (taskQueue) =>
      temporal.env.client.workflow.execute(deleteCluster, { taskQueue, workflowId: `delete-again-${taskQueue}` }),
    );
    expect(second).toEqual({ clusterId: CLUSTER_ID, removed: false });
    expect(redshift.commandCalls(DeleteClusterCommand)).toHaveLength(1);
  }, 60_000);
});

describe('the redshift provider in a run (provisionWarehouse / teardownWarehouse)', () => {
  function scriptData(): void {
    data.reset();
    data.on(ExecuteStatementCommand).resolves({ Id: 'ddl-1' });
    data.on(DescribeStatementCommand).resolves({ Id: 'ddl-1', Status: 'FINISHED' });
  }
  // Bounded like withWorker: an activity still polling when the bound passes is cancelled.
  const run = async <R>(fn: (...args: never[]) => Promise<R>, arg: unknown): Promise<R> => {
    const env = new MockActivityEnvironment();
    try {
      return await within(fn.name, 20_000, env.run(fn as (a: unknown) => Promise<R>, arg));
    } catch (error) {
      env.cancel();
      throw error;
    }
  };
  const sqlSent = () => data.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input.Sql);

  it('creates the cluster for its warehouse, makes the schema through the Data API, and its teardown deletes that cluster', async () => {
    const cluster = new ScriptedCluster(redshift, CLUSTER_ID, 2);
    cluster.install();
    scriptData();
    const handle = await run(sparkifyActivities.provisionWarehouse, { provider: 'redshift', warehouseId: 'run_a' });
    expect(handle).toEqual({ provider: 'redshift', warehouseId: 'run_a', host: ENDPOINT.Address, port: 5439, database: 'dwh', user: 'dwhuser', schema: 'sparkify_run_a' });
    expect(createCalls()[0].Tags).toContainEqual({ Key: 'sparkify:warehouseId', Value: 'run_a' });
    expect(sqlSent()).toEqual(['CREATE SCHEMA IF NOT EXISTS sparkify_run_a']);
    expect(data.commandCalls(ExecuteStatementCommand)[0].args[0].input).toMatchObject({ ClusterIdentifier: CLUSTER_ID, Database: 'dwh', DbUser: 'dwhuser' });

    expect(await run(sparkifyActivities.teardownWarehouse, { provider: 'redshift', warehouseId: 'run_a' })).toEqual({ warehouseId: 'run_a', removed: true });
    expect(redshift.commandCalls(DeleteClusterCommand)).toHaveLength(1);
    expect(cluster.exists).toBe(false);
  }, 30_000);

  it('keeps a cluster it did not create (sparkify cluster create, another run): teardown drops only its schema', async () => {
    const cluster = new ScriptedCluster(redshift, CLUSTER_ID, 0);
    cluster.install();
    cluster.exists = true;
    cluster.status = 'available';
    cluster.tags = [{ Key: 'sparkify:managed', Value: 'true' }];
    scriptData();
    await run(sparkifyActivities.provisionWarehouse, { provider: 'redshift', warehouseId: 'run_b' });
    expect(await run(sparkifyActivities.teardownWarehouse, { provider: 'redshift', warehouseId: 'run_b' })).toEqual({ warehouseId: 'run_b', removed: true });
    expect(redshift.commandCalls(DeleteClusterCommand)).toHaveLength(0);
    expect(createCalls()).toHaveLength(0);
    expect(sqlSent()).toEqual(['CREATE SCHEMA IF NOT EXISTS sparkify_run_b', 'DROP SCHEMA IF EXISTS sparkify_run_b CASCADE']);
  }, 30_000);
});

describe('the redshift provider in sparkify gc (listWarehouses / removeWarehouse)', () => {
  const provider = warehouseProvider('redshift');
  // A removal still waiting after 20 s fails instead of polling on through the next tests.
  const boundedHooks = (deadline = Date.now() + 20_000) => ({
    heartbeat: () => undefined,
    sleep: (ms: number) =>
      Date.now() > deadline ? Promise.reject(new Error('removeWarehouse still waiting after 20 s')) : new Promise<void>((resolve) => setTimeout(resolve, ms)),
  });

  it('lists the configured cluster with the run its tags name; one without them with the reason; none when absent', async () => {
    const cluster = new ScriptedCluster(redshift, CLUSTER_ID, 0);
    cluster.install();
    expect(await provider.listWarehouses()).toEqual([]);
    cluster.exists = true;
    cluster.status = 'available';
    cluster.tags = [
      { Key: 'sparkify:managed', Value: 'true' }, { Key: 'sparkify:warehouseId', Value: 'wf_a' }, { Key: 'sparkify:namespace', Value: 'default' },
      { Key: 'sparkify:workflowId', Value: 'etl-a' }, { Key: 'sparkify:runId', Value: 'run-a' }, { Key: 'sparkify:keepWarehouse', Value: 'false' },
      { Key: 'sparkify:createdAt', Value: '2026-12-01T10:00:00.000Z' }, { Key: 'sparkify:temporalAddress', Value: '127.0.0.1:7233' },
    ];
    expect(await provider.listWarehouses()).toEqual([{
      provider: 'redshift',
      name: CLUSTER_ID,
      location: `Redshift cluster ${CLUSTER_ID} (available)`,
      owner: { namespace: 'default', workflowId: 'etl-a', runId: 'run-a', keepWarehouse: false, createdAt: '2026-12-01T10:00:00.000Z', temporalAddress: '127.0.0.1:7233' },
    }]);
    cluster.tags = [{ Key: 'owner', Value: 'someone' }];
    expect(await provider.listWarehouses()).toEqual([{
      provider: 'redshift', name: CLUSTER_ID, location: `Redshift cluster ${CLUSTER_ID} (available)`,
      markerProblem: 'the cluster has no sparkify owner tags (not created by a sparkify run)',
    }]);
  }, 30_000);

  it('removes only the configured cluster, waiting until it is gone; again: already gone', async () => {
    const cluster = new ScriptedCluster(redshift, CLUSTER_ID, 2);
    cluster.install();
    cluster.exists = true;
    cluster.status = 'available';
    const hooks = boundedHooks();
    await expect(provider.removeWarehouse('another-cluster', hooks)).rejects.toThrow(`not the configured Redshift cluster: another-cluster (configured: ${CLUSTER_ID})`);
    expect(redshift.commandCalls(DeleteClusterCommand)).toHaveLength(0);
    expect(await provider.removeWarehouse(CLUSTER_ID, hooks)).toBe(true);
    expect(cluster.exists).toBe(false);
    expect(await provider.removeWarehouse(CLUSTER_ID, hooks)).toBe(false);
    expect(redshift.commandCalls(DeleteClusterCommand)).toHaveLength(1);
  }, 30_000);
});
