/** Eager workflow start through the real SDK: the start response carries the first workflow task to the starting worker. */
import { Client } from '@temporalio/client';
import { eventTypeName, fetchEvents } from './helpers/history';
import { uniqueId } from './helpers/ids';
import { ConformanceServer, openConformanceServer } from './helpers/server';
import { bundleConformanceWorkflows, RunningWorker, startWorker } from './helpers/worker';
import { addItemUpdate, finishSignal, updatableCollector } from './workflows';

let server: ConformanceServer;
let worker: RunningWorker;

beforeAll(async () => {
  const bundle = await bundleConformanceWorkflows();
  server = await openConformanceServer();
  worker = await startWorker(server.nativeConnection, server.namespace, bundle, {});
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await server?.close();
});

test('a start with requestEagerStart is answered with its first workflow task, which the worker runs', async () => {
  // Eager start needs the client on the worker's own native connection.
  const client = new Client({ connection: server.nativeConnection, namespace: server.namespace });
  const described = await client.workflowService.describeNamespace({ namespace: server.namespace });
  expect(described.namespaceInfo?.capabilities?.eagerWorkflowStart).toBe(true);
  const handle = await client.workflow.start(updatableCollector, { taskQueue: worker.taskQueue, workflowId: uniqueId('eager'), requestEagerStart: true });
  expect(handle.eagerlyStarted).toBe(true);
  expect(await handle.executeUpdate(addItemUpdate, { args: ['eager'] })).toBe(1);
  await handle.signal(finishSignal);
  expect(await handle.result()).toEqual(['eager']);
  const types = (await fetchEvents(client, handle.workflowId)).map((event) => eventTypeName(event.eventType));
  expect(types.slice(0, 4)).toEqual(['WorkflowExecutionStarted', 'WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted']);
}, 20_000);

test('without requestEagerStart the first task goes through the task queue', async () => {
  const client = new Client({ connection: server.nativeConnection, namespace: server.namespace });
  const handle = await client.workflow.start(updatableCollector, { taskQueue: worker.taskQueue, workflowId: uniqueId('not-eager') });
  expect(handle.eagerlyStarted).toBe(false);
  await handle.signal(finishSignal);
  expect(await handle.result()).toEqual([]);
}, 20_000);
