/**
 * Conformance of workflow updates through the real SDK: every wait stage, validators that reject
 * without touching history, handler failures, PollWorkflowExecutionUpdate, update-id deduplication,
 * refusal on a closed workflow, the history events, and update-with-start with its conflict policies.
 */
import { Client, WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateStage } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { defaultPayloadConverter } from '@temporalio/common';
import { eventTypeName, fetchEvents, HistoryEvent } from './helpers/history';
import { uniqueId } from './helpers/ids';
import { ConformanceServer, devserverOnlyTest, openConformanceServer } from './helpers/server';
import { bundleConformanceWorkflows, RunningWorker, startWorker } from './helpers/worker';
import { addItemUpdate, finishSignal, updatableCollector } from './workflows';

const Stage = temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage;

let server: ConformanceServer;
let worker: RunningWorker;
let client: Client;

beforeAll(async () => {
  const bundle = await bundleConformanceWorkflows();
  server = await openConformanceServer();
  client = server.client;
  worker = await startWorker(server.nativeConnection, server.namespace, bundle, {});
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await server?.close();
});

function updateEvents(events: HistoryEvent[]): HistoryEvent[] {
  return events.filter((event) => eventTypeName(event.eventType).startsWith('WorkflowExecutionUpdate'));
}

async function startCollector(prefix: string) {
  return client.workflow.start(updatableCollector, { taskQueue: worker.taskQueue, workflowId: uniqueId(prefix) });
}

test('an update returns its handler result and is recorded as Accepted then Completed', async () => {
  const handle = await startCollector('update-ok');
  expect(await handle.executeUpdate(addItemUpdate, { args: ['a'], updateId: 'add-a' })).toBe(1);
  expect(await handle.executeUpdate(addItemUpdate, { args: ['b'] })).toBe(2);
  const events = updateEvents(await fetchEvents(client, handle.workflowId));
  expect(events.map((event) => eventTypeName(event.eventType))).toEqual([
    'WorkflowExecutionUpdateAccepted',
    'WorkflowExecutionUpdateCompleted',
    'WorkflowExecutionUpdateAccepted',
    'WorkflowExecutionUpdateCompleted',
  ]);
  const accepted = events[0].workflowExecutionUpdateAcceptedEventAttributes!;
  expect(accepted.protocolInstanceId).toBe('add-a');
  expect(accepted.acceptedRequest?.meta?.updateId).toBe('add-a');
  expect(accepted.acceptedRequest?.input?.name).toBe('addItem');
  expect(defaultPayloadConverter.fromPayload(accepted.acceptedRequest!.input!.args!.payloads![0])).toBe('a');
  const completed = events[1].workflowExecutionUpdateCompletedEventAttributes!;
  expect(completed.meta?.updateId).toBe('add-a');
  expect(Number(completed.acceptedEventId)).toBe(Number(events[0].eventId));
  expect(defaultPayloadConverter.fromPayload(completed.outcome!.success!.payloads![0])).toBe(1);
  await handle.signal(finishSignal);
  expect(await handle.result()).toEqual(['a', 'b']);
}, 20_000);

test('a validator rejection fails the call and writes nothing about the update', async () => {
  const handle = await startCollector('update-rejected');
  expect(await handle.executeUpdate(addItemUpdate, { args: ['first'] })).toBe(1);
  const before = updateEvents(await fetchEvents(client, handle.workflowId)).length;
  const error = await handle.executeUpdate(addItemUpdate, { args: [''], updateId: 'rejected-1' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  expect((error as WorkflowUpdateFailedError).cause?.message).toBe('empty items are rejected');
  const events = await fetchEvents(client, handle.workflowId);
  expect(updateEvents(events)).toHaveLength(before);
  expect(JSON.stringify(events.map((event) => event.workflowExecutionUpdateAcceptedEventAttributes?.protocolInstanceId ?? ''))).not.toContain('rejected-1');
  // The workflow carries on and takes the next update.
  expect(await handle.executeUpdate(addItemUpdate, { args: ['second'] })).toBe(2);
  await handle.signal(finishSignal);
  expect(await handle.result()).toEqual(['first', 'second']);
}, 20_000);

test('a handler that throws completes the update with its failure', async () => {
  const handle = await startCollector('update-fails');
  const error = await handle.executeUpdate(addItemUpdate, { args: ['fail'] }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause as ApplicationFailure;
  expect(cause.message).toBe('fail items are refused');
  expect(cause.type).toBe('BadItem');
  const events = updateEvents(await fetchEvents(client, handle.workflowId));
  expect(events.map((event) => eventTypeName(event.eventType))).toEqual(['WorkflowExecutionUpdateAccepted', 'WorkflowExecutionUpdateCompleted']);
  expect(events[1].workflowExecutionUpdateCompletedEventAttributes?.outcome?.failure?.message).toBe('fail items are refused');
  await handle.signal(finishSignal);
  expect(await handle.result()).toEqual([]);
}, 20_000);

test('startUpdate returns once accepted; the result comes later through PollWorkflowExecutionUpdate', async () => {
  const handle = await startCollector('update-accepted');
  const update = await handle.startUpdate(addItemUpdate, { args: ['wait'], waitForStage: WorkflowUpdateStage.ACCEPTED, updateId: 'waiting' });
  expect(update.updateId).toBe('waiting');
  const types = (await fetchEvents(client, handle.workflowId)).map((event) => eventTypeName(event.eventType));
  expect(types).toContain('WorkflowExecutionUpdateAccepted');
  expect(types).not.toContain('WorkflowExecutionUpdateCompleted');
  // Polled at the ACCEPTED stage it answers at once, without an outcome.
  const accepted = await client.workflowService.pollWorkflowExecutionUpdate({
    namespace: server.namespace,
    updateRef: { workflowExecution: { workflowId: handle.workflowId }, updateId: 'waiting' },
    waitPolicy: { lifecycleStage: Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED },
  });
  expect(accepted.stage).toBe(Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED);
  expect(accepted.outcome).toBeFalsy();
  await handle.signal(finishSignal);
  expect(await update.result()).toBe(1);
  expect(await client.workflow.getHandle(handle.workflowId).getUpdateHandle<number>('waiting').result()).toBe(1);
  expect(await handle.result()).toEqual(['wait']);
}, 20_000);

test('an update id seen before answers with the first outcome and runs the handler once', async () => {
  const handle = await startCollector('update-dedup');
  expect(await handle.executeUpdate(addItemUpdate, { args: ['x'], updateId: 'same' })).toBe(1);
  expect(await handle.executeUpdate(addItemUpdate, { args: ['y'], updateId: 'same' })).toBe(1);
  const events = updateEvents(await fetchEvents(client, handle.workflowId));
  expect(events).toHaveLength(2);
  await handle.signal(finishSignal);
  expect(await handle.result()).toEqual(['x']);
}, 20_000);

test('a closed workflow refuses new updates and still answers for its completed ones', async () => {
  const handle = await startCollector('update-closed');
  expect(await handle.executeUpdate(addItemUpdate, { args: ['kept'], updateId: 'done-before' })).toBe(1);
  await handle.signal(finishSignal);
  await handle.result();
  const refused = await handle.executeUpdate(addItemUpdate, { args: ['late'] }).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(WorkflowNotFoundError);
  expect((refused as Error).message).toBe('workflow execution already completed');
  expect(await handle.executeUpdate(addItemUpdate, { args: ['kept'], updateId: 'done-before' })).toBe(1);
}, 20_000);

test('update-with-start starts the workflow with the update, reuses it with USE_EXISTING, and FAIL refuses a running one', async () => {
  const workflowId = uniqueId('update-with-start');
  const startOp = () =>
    new WithStartWorkflowOperation(updatableCollector, { workflowId, taskQueue: worker.taskQueue, workflowIdConflictPolicy: 'USE_EXISTING' });
  const first = startOp();
  expect(await client.workflow.executeUpdateWithStart(addItemUpdate, { args: ['one'], startWorkflowOperation: first })).toBe(1);
  const handle = await first.workflowHandle();
  const types = (await fetchEvents(client, workflowId)).map((event) => eventTypeName(event.eventType));
  expect(types.slice(0, 6)).toEqual([
    'WorkflowExecutionStarted',
    'WorkflowTaskScheduled',
    'WorkflowTaskStarted',
    'WorkflowTaskCompleted',
    'WorkflowExecutionUpdateAccepted',
    'WorkflowExecutionUpdateCompleted',
  ]);
  const second = startOp();
  expect(await client.workflow.executeUpdateWithStart(addItemUpdate, { args: ['two'], startWorkflowOperation: second })).toBe(2);
  expect((await (await second.workflowHandle()).describe()).runId).toBe((await handle.describe()).runId);
  const failing = new WithStartWorkflowOperation(updatableCollector, { workflowId, taskQueue: worker.taskQueue, workflowIdConflictPolicy: 'FAIL' });
  await expect(client.workflow.executeUpdateWithStart(addItemUpdate, { args: ['three'], startWorkflowOperation: failing })).rejects.toBeInstanceOf(
    WorkflowExecutionAlreadyStartedError,
  );
  await handle.signal(finishSignal);
  expect(await handle.result()).toEqual(['one', 'two']);
}, 20_000);

devserverOnlyTest('the ADMITTED stage answers as soon as the update is admitted; the namespace advertises updates', async () => {
  const handle = await startCollector('update-admitted');
  await handle.executeUpdate(addItemUpdate, { args: ['ready'] });
  const request = {
    namespace: server.namespace,
    workflowExecution: { workflowId: handle.workflowId },
    waitPolicy: { lifecycleStage: Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED },
    request: { meta: { updateId: 'admitted-1' }, input: { name: 'addItem', args: { payloads: [defaultPayloadConverter.toPayload('wait')] } } },
  };
  const admitted = await client.workflowService.updateWorkflowExecution(request);
  expect(admitted.stage).toBe(Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED);
  expect(admitted.updateRef?.updateId).toBe('admitted-1');
  expect(admitted.updateRef?.workflowExecution?.runId).toBe(handle.firstExecutionRunId);
  const accepted = await client.workflowService.updateWorkflowExecution({ ...request, waitPolicy: { lifecycleStage: Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED } });
  expect(accepted.stage).toBe(Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED);
  await handle.signal(finishSignal);
  expect(await client.workflow.getHandle(handle.workflowId).getUpdateHandle<number>('admitted-1').result()).toBe(2);
  expect(await handle.result()).toEqual(['ready', 'wait']);
  const described = await client.workflowService.describeNamespace({ namespace: server.namespace });
  expect(described.namespaceInfo?.capabilities?.syncUpdate).toBe(true);
  expect(described.namespaceInfo?.capabilities?.asyncUpdate).toBe(true);
}, 20_000);
