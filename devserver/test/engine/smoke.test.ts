/** End-to-end smoke tests of the engine with the real SDK worker and client. */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { startDevServer, DevServer } from '../../src';
import type * as workflows from './workflows';
import { waitFor } from '../helpers/wait';

let server: DevServer;
let bundle: WorkflowBundleWithSourceMap;
let connection: Connection;
let nativeConnection: NativeConnection;
let client: Client;

beforeAll(async () => {
  server = await startDevServer({ port: 0 });
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as never });
  connection = await Connection.connect({ address: server.address });
  nativeConnection = await NativeConnection.connect({ address: server.address });
  client = new Client({ connection });
});

afterAll(async () => {
  await connection?.close();
  await nativeConnection?.close();
  await server?.stop();
});

function newWorker(taskQueue: string) {
  return Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: {
      greet: async (name: string) => `Hello, ${name}`,
      slowGreet: async (name: string) => {
        await new Promise((resolve) => setTimeout(resolve, 5000));
        return `Slowly, ${name}`;
      },
    },
  });
}

test('a workflow with an activity and a timer completes', async () => {
  const taskQueue = `smoke-${randomUUID()}`;
  const worker = await newWorker(taskQueue);
  const result = await worker.runUntil(
    client.workflow.execute<typeof workflows.activityAndTimer>('activityAndTimer', { taskQueue, workflowId: randomUUID(), args: ['Sparkify'] }),
  );
  expect(result).toBe('Hello, Sparkify!');
}, 20_000);

test('signals and queries reach the workflow', async () => {
  const taskQueue = `smoke-${randomUUID()}`;
  const worker = await newWorker(taskQueue);
  await worker.runUntil(async () => {
    const handle = await client.workflow.start<typeof workflows.sumUntil>('sumUntil', { taskQueue, workflowId: randomUUID(), args: [10] });
    await handle.signal('add', 3);
    await handle.signal('add', 4);
    const total = await waitFor('both signals added up in the query', async () => ((await handle.query<number>('total')) === 7 ? 7 : undefined), 5_000);
    expect(total).toBe(7);
    await handle.signal('add', 5);
    expect(await handle.result()).toBe(12);
    const description = await handle.describe();
    expect(description.status.name).toBe('COMPLETED');
  });
}, 20_000);

test('a failing workflow with a retry policy is retried as new runs until it succeeds', async () => {
  const taskQueue = `smoke-${randomUUID()}`;
  const worker = await newWorker(taskQueue);
  const workflowId = randomUUID();
  const result = await worker.runUntil(
    client.workflow.execute<typeof workflows.failTwiceThenSucceed>('failTwiceThenSucceed', {
      taskQueue,
      workflowId,
      retry: { initialInterval: '10ms', backoffCoefficient: 1, maximumAttempts: 5 },
    }),
  );
  expect(result).toBe(3);
  const runs: string[] = [];
  for await (const info of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(info.status.name);
  expect(runs.sort()).toEqual(['COMPLETED', 'FAILED', 'FAILED']);
}, 20_000);

test('a workflow task that keeps failing is retried with a growing attempt while the run stays open', async () => {
  const taskQueue = `smoke-${randomUUID()}`;
  const worker = await newWorker(taskQueue);
  const workflowId = randomUUID();
  await worker.runUntil(async () => {
    const handle = await client.workflow.start('alwaysBroken', { taskQueue, workflowId, workflowTaskTimeout: '1s' });
    // Attempt 2 is scheduled right after the first failure (the worker fails the task at once).
    const attempt = await waitFor(
      'a second workflow task attempt',
      async () => {
        const description = await client.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId } });
        const current = description.pendingWorkflowTask?.attempt ?? 0;
        return current >= 2 ? current : undefined;
      },
      10_000,
    );
    expect(attempt).toBeGreaterThanOrEqual(2);
    const history = await handle.fetchHistory();
    const failed = (history.events ?? []).filter((event) => event.workflowTaskFailedEventAttributes);
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.terminate('test over');
    expect((await handle.describe()).status.name).toBe('TERMINATED');
  });
}, 20_000);

test('a local activity longer than the workflow task timeout completes (workflow task heartbeats)', async () => {
  const taskQueue = `smoke-${randomUUID()}`;
  const worker = await newWorker(taskQueue);
  const workflowId = randomUUID();
  const result = await worker.runUntil(
    client.workflow.execute('slowLocalActivity', { taskQueue, workflowId, args: ['Sparkify'], workflowTaskTimeout: '2s' }),
  );
  expect(result).toBe('Slowly, Sparkify');
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  // The worker heartbeats the long workflow task by completing it and asking for a new one.
  expect(events.filter((event) => event.workflowTaskCompletedEventAttributes).length).toBeGreaterThanOrEqual(2);
}, 30_000);

test('a signal that arrives while a local activity holds the workflow task is seen before the workflow completes', async () => {
  const taskQueue = `smoke-${randomUUID()}`;
  const worker = await newWorker(taskQueue);
  const workflowId = randomUUID();
  const result = await worker.runUntil(async () => {
    const handle = await client.workflow.start('collectDuringLocalActivity', { taskQueue, workflowId });
    // Wait until the first workflow task is in flight (the local activity runs inside it).
    await waitFor(
      'the first workflow task in flight',
      async () => {
        const description = await client.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId } });
        return description.pendingWorkflowTask?.state === 2 ? true : undefined;
      },
      5_000,
      20,
    );
    await handle.signal('item', 'late');
    return await handle.result();
  });
  expect(result).toEqual(['late']);
}, 30_000);
