/**
 * Conformance of further workflow features: local activities (markers), asynchronous activity
 * completion (by task token and by id), external signal/cancel, child id conflicts, search attribute
 * upserts, memo, the workflow retry policy, start delay, and workflow task failure and retry.
 */
import { ApplicationFailure, defaultPayloadConverter, defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityRecorder, createActivities } from './helpers/activities';
import { eventTypeName, fetchEvents, fetchEventTypes, historyProblems } from './helpers/history';
import { uniqueId } from './helpers/ids';
import { ConformanceServer, openConformanceServer } from './helpers/server';
import { waitFor } from './helpers/wait';
import { bundleConformanceWorkflows, RunningWorker, startWorker, WorkflowBundle } from './helpers/worker';
import {
  asyncCompletion,
  brokenWorkflowTask,
  childIdConflict,
  completeDespiteSignal,
  failFirstAttempt,
  failingWorkflow,
  largePayload,
  localAndRemote,
  signalAndCancelExternal,
  addSignal,
  signalCollector,
  sleeper,
  timerChain,
  upsertOnSignal,
  upsertSignal,
  waitForever,
} from './workflows';

let server: ConformanceServer;
let worker: RunningWorker;
let bundle: WorkflowBundle;
const recorder = new ActivityRecorder();

beforeAll(async () => {
  bundle = await bundleConformanceWorkflows();
  server = await openConformanceServer();
  worker = await startWorker(server.nativeConnection, server.namespace, bundle, createActivities(recorder));
});

afterAll(async () => {
  await worker?.stop();
  await server?.close();
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

test('local activities are recorded as markers next to a normal activity', async () => {
  const workflowId = uniqueId('local-activities');
  expect(await server.client.workflow.execute(localAndRemote, { taskQueue: worker.taskQueue, workflowId, args: ['v'] })).toEqual([
    'v-local-1',
    'v-local-2',
    'v-remote',
  ]);
  const types = await fetchEventTypes(server.client, workflowId);
  expect(types.filter((t) => t === 'MarkerRecorded' || t.startsWith('Activity'))).toEqual([
    'MarkerRecorded',
    'MarkerRecorded',
    'ActivityTaskScheduled',
    'ActivityTaskStarted',
    'ActivityTaskCompleted',
  ]);
  const markers = (await fetchEvents(server.client, workflowId)).filter((e) => e.markerRecordedEventAttributes);
  expect(markers.map((m) => m.markerRecordedEventAttributes!.markerName)).toEqual(['core_local_activity', 'core_local_activity']);
});

describe('asynchronous activity completion', () => {
  test('heartbeat by task token and by id, then complete by id', async () => {
    const key = uniqueId('async-complete');
    const workflowId = uniqueId('async-complete-wf');
    const handle = await server.client.workflow.start(asyncCompletion, { taskQueue: worker.taskQueue, workflowId, args: [key] });
    const taskToken = await waitFor('task token of the async activity', async () => recorder.taskTokens.get(key));
    await server.client.activity.heartbeat(taskToken, 'beat by token');
    const details = async () => {
      const description = await server.client.workflowService.describeWorkflowExecution({ namespace: server.namespace, execution: { workflowId } });
      const payload = description.pendingActivities?.[0]?.heartbeatDetails?.payloads?.[0];
      return payload ? defaultPayloadConverter.fromPayload(payload) : undefined;
    };
    expect(await details()).toBe('beat by token');
    await server.client.activity.heartbeat({ workflowId, activityId: '1' }, 'beat by id');
    expect(await details()).toBe('beat by id');
    await server.client.activity.complete({ workflowId, activityId: '1' }, 'completed by id');
    expect(await handle.result()).toEqual({ ok: true, result: 'completed by id' });
  });

  test('fail by task token reaches the workflow as the activity failure', async () => {
    const key = uniqueId('async-fail');
    const handle = await server.client.workflow.start(asyncCompletion, { taskQueue: worker.taskQueue, workflowId: uniqueId('async-fail-wf'), args: [key] });
    const taskToken = await waitFor('task token of the async activity', async () => recorder.taskTokens.get(key));
    await server.client.activity.fail(taskToken, ApplicationFailure.nonRetryable('failed from outside', 'ExternalFailure'));
    expect(await handle.result()).toEqual({
      ok: false,
      failure: {
        kind: 'ActivityFailure',
        message: 'Activity task failed',
        retryState: 'NON_RETRYABLE_FAILURE',
        activityType: 'completeAsync',
        cause: { kind: 'ApplicationFailure', message: 'failed from outside', type: 'ExternalFailure', nonRetryable: true },
      },
    });
  });
});

test('a workflow signals and cancels another workflow', async () => {
  const targetId = uniqueId('external-target');
  const callerId = uniqueId('external-caller');
  const target = await server.client.workflow.start(signalCollector, { taskQueue: worker.taskQueue, workflowId: targetId, args: [5] });
  expect(await server.client.workflow.execute(signalAndCancelExternal, { taskQueue: worker.taskQueue, workflowId: callerId, args: [targetId] })).toBe(
    'signalled and cancelled',
  );
  const error = await rejection(target.result());
  expect(error).toBeInstanceOf(WorkflowFailedError);
  expect((error as WorkflowFailedError).cause?.constructor.name).toBe('CancelledFailure');
  expect((await fetchEventTypes(server.client, callerId)).filter((t) => t.includes('External'))).toEqual([
    'SignalExternalWorkflowExecutionInitiated',
    'ExternalWorkflowExecutionSignaled',
    'RequestCancelExternalWorkflowExecutionInitiated',
    'ExternalWorkflowExecutionCancelRequested',
  ]);
  const targetEvents = await fetchEvents(server.client, targetId);
  const signalled = targetEvents.find((e) => e.workflowExecutionSignaledEventAttributes)!.workflowExecutionSignaledEventAttributes!;
  expect(signalled.signalName).toBe('add');
  expect(signalled.externalWorkflowExecution?.workflowId).toBe(callerId);
  expect(defaultPayloadConverter.fromPayload(signalled.input!.payloads![0])).toBe('from another workflow');
  const cancelRequested = targetEvents.find((e) => e.workflowExecutionCancelRequestedEventAttributes)!.workflowExecutionCancelRequestedEventAttributes!;
  expect(cancelRequested.externalWorkflowExecution?.workflowId).toBe(callerId);
});

test('starting a child on an id a running workflow holds fails with WorkflowExecutionAlreadyStartedError', async () => {
  const takenId = uniqueId('taken');
  const holder = await server.client.workflow.start(waitForever, { taskQueue: worker.taskQueue, workflowId: takenId });
  const workflowId = uniqueId('child-conflict');
  const outcome = await server.client.workflow.execute(childIdConflict, { taskQueue: worker.taskQueue, workflowId, args: [takenId] });
  expect(outcome).toEqual({ ok: false, failure: { kind: 'WorkflowExecutionAlreadyStartedError', message: 'Workflow execution already started' } });
  expect((await fetchEventTypes(server.client, workflowId)).filter((t) => t.includes('Child'))).toEqual([
    'StartChildWorkflowExecutionInitiated',
    'StartChildWorkflowExecutionFailed',
  ]);
  await holder.terminate('child conflict test done');
});

test('search attributes upserted by the workflow are visible to describe and list', async () => {
  const keyword = defineSearchAttributeKey('CustomKeywordField', SearchAttributeType.KEYWORD);
  const int = defineSearchAttributeKey('CustomIntField', SearchAttributeType.INT);
  const workflowId = uniqueId('upsert');
  const handle = await server.client.workflow.start(upsertOnSignal, { taskQueue: worker.taskQueue, workflowId });
  const listed = async (query: string) => (await server.client.workflow.count(`WorkflowId = '${workflowId}' AND ${query}`)).count;

  await handle.signal(upsertSignal, 'green', 11);
  await waitFor('first upsert indexed', async () => ((await listed("CustomKeywordField = 'green'")) === 1 ? true : undefined));
  expect(await listed('CustomIntField = 11')).toBe(1);
  const described = await handle.describe();
  expect(described.typedSearchAttributes.get(keyword)).toBe('green');
  expect(described.typedSearchAttributes.get(int)).toBe(11);

  await handle.signal(upsertSignal, 'yellow', 12);
  await waitFor('second upsert indexed', async () => ((await listed("CustomKeywordField = 'yellow'")) === 1 ? true : undefined));
  expect(await listed("CustomKeywordField = 'green'")).toBe(0);
  expect(await listed('CustomIntField > 11')).toBe(1);
  expect((await fetchEventTypes(server.client, workflowId)).filter((t) => t === 'UpsertWorkflowSearchAttributes')).toHaveLength(2);
  await handle.terminate('upsert test done');
});

test('memo given at start comes back from describe', async () => {
  const workflowId = uniqueId('memo');
  const handle = await server.client.workflow.start(sleeper, { taskQueue: worker.taskQueue, workflowId, args: [1], memo: { owner: 'team-a', limits: [1, 2] } });
  await handle.result();
  expect((await handle.describe()).memo).toEqual({ owner: 'team-a', limits: [1, 2] });
});

describe('workflow retry policy', () => {
  test('a failed run is retried as a new run of the same chain', async () => {
    const workflowId = uniqueId('workflow-retry');
    const handle = await server.client.workflow.start(failFirstAttempt, {
      taskQueue: worker.taskQueue,
      workflowId,
      retry: { initialInterval: '100ms', maximumAttempts: 3 },
    });
    expect(await handle.result()).toBe('succeeded on workflow attempt 2');
    const firstRun = await fetchEvents(server.client, workflowId, handle.firstExecutionRunId);
    const failed = firstRun[firstRun.length - 1].workflowExecutionFailedEventAttributes!;
    expect(failed.retryState).toBe(temporal.api.enums.v1.RetryState.RETRY_STATE_IN_PROGRESS);
    expect(failed.failure?.message).toBe('workflow attempt 1 failed');
    const secondStart = (await fetchEvents(server.client, workflowId, failed.newExecutionRunId!))[0].workflowExecutionStartedEventAttributes!;
    expect(secondStart.attempt).toBe(2);
    expect(secondStart.initiator).toBe(temporal.api.enums.v1.ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_RETRY);
    expect(secondStart.continuedExecutionRunId).toBe(handle.firstExecutionRunId);
    expect(secondStart.firstExecutionRunId).toBe(handle.firstExecutionRunId);
  });

  test('the last allowed attempt fails with MAXIMUM_ATTEMPTS_REACHED; a non-retryable failure is not retried', async () => {
    const exhausted = await rejection(
      server.client.workflow.execute(failFirstAttempt, { taskQueue: worker.taskQueue, workflowId: uniqueId('workflow-retry-max'), retry: { maximumAttempts: 1 } }),
    );
    expect((exhausted as WorkflowFailedError).retryState).toBe('MAXIMUM_ATTEMPTS_REACHED');
    const workflowId = uniqueId('workflow-retry-fatal');
    const fatal = await rejection(
      server.client.workflow.execute(failingWorkflow, { taskQueue: worker.taskQueue, workflowId, args: ['fatal'], retry: { maximumAttempts: 5 } }),
    );
    expect((fatal as WorkflowFailedError).retryState).toBe('NON_RETRYABLE_FAILURE');
    const events = await fetchEvents(server.client, workflowId);
    expect(events[events.length - 1].workflowExecutionFailedEventAttributes?.newExecutionRunId ?? '').toBe('');
  });
});

test('a start delay postpones the first workflow task', async () => {
  const workflowId = uniqueId('start-delay');
  const handle = await server.client.workflow.start(sleeper, { taskQueue: worker.taskQueue, workflowId, args: [1], startDelay: '1s' });
  expect(await handle.result()).toBe('slept 1 ms');
  const [started, firstTask] = await fetchEvents(server.client, workflowId);
  const backoff = started.workflowExecutionStartedEventAttributes!.firstWorkflowTaskBackoff!;
  expect(Number(backoff.seconds ?? 0) * 1000 + (backoff.nanos ?? 0) / 1e6).toBe(1000);
  const timeMs = (e: typeof started) => Number(e.eventTime!.seconds ?? 0) * 1000 + (e.eventTime!.nanos ?? 0) / 1e6;
  expect(timeMs(firstTask) - timeMs(started)).toBeGreaterThanOrEqual(990);
});

test('a failing workflow task is retried; only its first failure is written to history', async () => {
  const workflowId = uniqueId('broken-task');
  const handle = await server.client.workflow.start(brokenWorkflowTask, { taskQueue: worker.taskQueue, workflowId });
  await waitFor('workflow task retried', async () => {
    const description = await server.client.workflowService.describeWorkflowExecution({ namespace: server.namespace, execution: { workflowId } });
    return (description.pendingWorkflowTask?.attempt ?? 0) >= 2 ? true : undefined;
  });
  const events = await fetchEvents(server.client, workflowId);
  expect(events.slice(0, 4).map((e) => e.eventType)).toEqual([
    temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
    temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
  ]);
  const failed = events[3].workflowTaskFailedEventAttributes!;
  expect(failed.cause).toBe(temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE);
  expect(failed.failure?.message).toBe('workflow code is broken');
  // Later attempts are transient: no second WorkflowTaskFailed reaches the history.
  expect(events.filter((e) => e.workflowTaskFailedEventAttributes)).toHaveLength(1);
  expect((await handle.describe()).status.name).toBe('RUNNING');
  await handle.terminate('broken task test done');
});

test('signals sent concurrently are all delivered exactly once, with a well-formed history', async () => {
  const workflowId = uniqueId('signal-burst');
  const handle = await server.client.workflow.start(signalCollector, { taskQueue: worker.taskQueue, workflowId, args: [20] });
  const values = Array.from({ length: 20 }, (_, i) => `s${String(i).padStart(2, '0')}`);
  await Promise.all(values.map((value) => handle.signal(addSignal, value)));
  const received = await handle.result();
  expect([...received].sort()).toEqual(values);
  const events = await fetchEvents(server.client, workflowId);
  expect(historyProblems(events)).toEqual([]);
  // The order the workflow saw is the order of the Signaled events in history.
  const signalled = events.filter((e) => e.workflowExecutionSignaledEventAttributes);
  expect(signalled.map((e) => defaultPayloadConverter.fromPayload(e.workflowExecutionSignaledEventAttributes!.input!.payloads![0]))).toEqual(received);
});

test('a workflow moves to a fresh worker after the first one shuts down (sticky queue released)', async () => {
  const taskQueue = uniqueId('handover');
  const workflowId = uniqueId('handover-wf');
  const first = await startWorker(server.nativeConnection, server.namespace, bundle, createActivities(recorder), {
    taskQueue,
    stickyQueueScheduleToStartTimeout: '1s',
  });
  const handle = await server.client.workflow.start(signalCollector, { taskQueue, workflowId, args: [2] });
  await handle.signal(addSignal, 'to the first worker');
  await waitFor('first worker handled the signal', async () => {
    const types = await fetchEventTypes(server.client, workflowId);
    return types.includes('WorkflowExecutionSignaled') && types[types.length - 1] === 'WorkflowTaskCompleted' ? true : undefined;
  });
  await first.stop();
  const second = await startWorker(server.nativeConnection, server.namespace, bundle, createActivities(recorder), { taskQueue });
  try {
    await handle.signal(addSignal, 'to the second worker');
    expect(await handle.result()).toEqual(['to the first worker', 'to the second worker']);
  } finally {
    await second.stop();
  }
  const events = await fetchEvents(server.client, workflowId);
  expect(historyProblems(events)).toEqual([]);
  // The shut-down worker's sticky queue must not swallow the task: no workflow task timed out.
  expect(events.map((e) => e.eventType).filter((t) => t === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT)).toEqual([]);
});

test('a worker without a workflow cache replays full histories (no sticky queue)', async () => {
  const taskQueue = uniqueId('no-cache');
  const uncached = await startWorker(server.nativeConnection, server.namespace, bundle, createActivities(recorder), { taskQueue, maxCachedWorkflows: 0 });
  try {
    const workflowId = uniqueId('no-cache-wf');
    // 40 timers: every one of the 41 workflow tasks replays the whole history so far (up to ~200 events).
    expect(await server.client.workflow.execute(timerChain, { taskQueue, workflowId, args: [40] })).toBe(40);
    const events = await fetchEvents(server.client, workflowId);
    expect(events).toHaveLength(4 + 40 * 5 + 1);
    expect(historyProblems(events)).toEqual([]);
  } finally {
    await uncached.stop();
  }
});

test('a 1 MB payload makes the round trip through an activity and the history', async () => {
  const workflowId = uniqueId('large-payload');
  expect(await server.client.workflow.execute(largePayload, { taskQueue: worker.taskQueue, workflowId, args: [1024 * 1024] })).toBe(1024 * 1024);
  const completed = (await fetchEvents(server.client, workflowId)).find((e) => e.activityTaskCompletedEventAttributes)!;
  expect((defaultPayloadConverter.fromPayload(completed.activityTaskCompletedEventAttributes!.result!.payloads![0]) as string).length).toBe(1024 * 1024);
});

test('a signal that arrives while the completing workflow task runs is not lost (UNHANDLED_COMMAND)', async () => {
  const key = uniqueId('late-signal');
  const workflowId = uniqueId('late-signal-wf');
  const handle = await server.client.workflow.start(completeDespiteSignal, { taskQueue: worker.taskQueue, workflowId, args: [key] });
  await recorder.attemptStarted(key, 1);
  await handle.signal(addSignal, 'late');
  const result = await handle.result();
  const events = await fetchEvents(server.client, workflowId);
  // One assertion over everything, so a failure shows the whole history.
  expect({ result, problems: historyProblems(events), types: events.map((e) => eventTypeName(e.eventType)) }).toEqual({
    result: ['late'],
    problems: [],
    types: [
      'WorkflowExecutionStarted',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskFailed',
      'WorkflowExecutionSignaled',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
      'MarkerRecorded',
      'WorkflowExecutionCompleted',
    ],
  });
  const failed = events.find((e) => e.workflowTaskFailedEventAttributes)!.workflowTaskFailedEventAttributes!;
  expect(failed.cause).toBe(temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND);
});
