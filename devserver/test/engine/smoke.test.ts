/** End-to-end smoke tests of the engine with the real SDK worker and client. */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { startDevServer, DevServer } from '../../src';
import type * as workflows from './workflows';

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
});

test('signals and queries reach the workflow', async () => {
  const taskQueue = `smoke-${randomUUID()}`;
  const worker = await newWorker(taskQueue);
  await worker.runUntil(async () => {
    const handle = await client.workflow.start<typeof workflows.sumUntil>('sumUntil', { taskQueue, workflowId: randomUUID(), args: [10] });
    await handle.signal('add', 3);
    await handle.signal('add', 4);
    let total = 0;
    for (let i = 0; i < 50 && total !== 7; i++) {
      total = await handle.query<number>('total');
      if (total !== 7) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(total).toBe(7);
    await handle.signal('add', 5);
    expect(await handle.result()).toBe(12);
    const description = await handle.describe();
    expect(description.status.name).toBe('COMPLETED');
  });
});

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
});

test('a workflow task that keeps failing is retried with a growing attempt while the run stays open', async () => {
  const taskQueue = `smoke-${randomUUID()}`;
  const worker = await newWorker(taskQueue);
  const workflowId = randomUUID();
  await worker.runUntil(async () => {
    const handle = await client.workflow.start('alwaysBroken', { taskQueue, workflowId, workflowTaskTimeout: '1s' });
    let attempt = 0;
    for (let i = 0; i < 100 && attempt < 2; i++) {
      const description = await client.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId } });
      attempt = description.pendingWorkflowTask?.attempt ?? 0;
      if (attempt < 2) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(attempt).toBeGreaterThanOrEqual(2);
    const history = await handle.fetchHistory();
    const failed = (history.events ?? []).filter((event) => event.workflowTaskFailedEventAttributes);
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.terminate('test over');
    expect((await handle.describe()).status.name).toBe('TERMINATED');
  });
});

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
});

test('a signal that arrives while a local activity holds the workflow task is seen before the workflow completes', async () => {
  const taskQueue = `smoke-${randomUUID()}`;
  const worker = await newWorker(taskQueue);
  const workflowId = randomUUID();
  const result = await worker.runUntil(async () => {
    const handle = await client.workflow.start('collectDuringLocalActivity', { taskQueue, workflowId });
    // Wait until the first workflow task is in flight (the local activity runs inside it).
    for (;;) {
      const description = await client.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId } });
      if (description.pendingWorkflowTask?.state === 2) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await handle.signal('item', 'late');
    return await handle.result();
  });
  expect(result).toEqual(['late']);
});
