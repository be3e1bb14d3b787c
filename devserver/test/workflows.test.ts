/**
 * Conformance: timers, signals, queries, signal-with-start, child workflows, continue-as-new,
 * cancellation, termination and failure of workflows, through the real SDK worker and client.
 */
import { Client, QueryNotRegisteredError, QueryRejectedError, WorkflowFailedError } from '@temporalio/client';
import { TimeoutFailure } from '@temporalio/common';
import { ActivityRecorder, createActivities } from './helpers/activities';
import { fetchEvents, fetchEventTypes } from './helpers/history';
import { uniqueId } from './helpers/ids';
import { ConformanceServer, openConformanceServer } from './helpers/server';
import { waitFor } from './helpers/wait';
import { bundleConformanceWorkflows, RunningWorker, startWorker } from './helpers/worker';
import {
  addSignal,
  cancelledTimer,
  continueAsNewCounter,
  failingWorkflow,
  itemsQuery,
  lengthQuery,
  parentClosingOverChild,
  parentOf,
  parentOfTimingOutChild,
  signalCollector,
  sleeper,
  waitForever,
} from './workflows';

let server: ConformanceServer;
let worker: RunningWorker;

beforeAll(async () => {
  const bundle = await bundleConformanceWorkflows();
  server = await openConformanceServer();
  worker = await startWorker(server.nativeConnection, server.namespace, bundle, createActivities(new ActivityRecorder()));
});

afterAll(async () => {
  await worker?.stop();
  await server?.close();
});

const FIRST_TASK = ['WorkflowExecutionStarted', 'WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted'];
const TASK = ['WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted'];

async function failureOf(promise: Promise<unknown>): Promise<WorkflowFailedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  return error as WorkflowFailedError;
}

describe('timers', () => {
  test('a timer fires no earlier than its duration', async () => {
    const workflowId = uniqueId('timer');
    expect(await server.client.workflow.execute(sleeper, { taskQueue: worker.taskQueue, workflowId, args: [300] })).toBe('slept 300 ms');
    const events = await fetchEvents(server.client, workflowId);
    expect(events.map((e) => e.eventType).length).toBe(10);
    expect(await fetchEventTypes(server.client, workflowId)).toEqual([
      ...FIRST_TASK, 'TimerStarted', 'TimerFired', ...TASK, 'WorkflowExecutionCompleted',
    ]);
    const started = events.find((e) => e.timerStartedEventAttributes)!;
    const fired = events.find((e) => e.timerFiredEventAttributes)!;
    expect(Number(started.timerStartedEventAttributes!.startToFireTimeout!.seconds ?? 0) * 1000 + (started.timerStartedEventAttributes!.startToFireTimeout!.nanos ?? 0) / 1e6).toBe(300);
    expect(fired.timerFiredEventAttributes!.timerId).toBe(started.timerStartedEventAttributes!.timerId);
    expect(Number(fired.timerFiredEventAttributes!.startedEventId)).toBe(Number(started.eventId));
    const elapsedMs = eventTimeMs(fired) - eventTimeMs(started);
    expect(elapsedMs).toBeGreaterThanOrEqual(290);
  });

  test('a cancelled timer records TimerCanceled and never fires', async () => {
    const workflowId = uniqueId('timer-cancel');
    expect(await server.client.workflow.execute(cancelledTimer, { taskQueue: worker.taskQueue, workflowId })).toBe('long timer cancelled');
    expect(await fetchEventTypes(server.client, workflowId)).toEqual([
      ...FIRST_TASK, 'TimerStarted', 'TimerStarted', 'TimerFired', ...TASK, 'TimerCanceled', 'WorkflowExecutionCompleted',
    ]);
    const events = await fetchEvents(server.client, workflowId);
    const [longTimer, shortTimer] = events.filter((e) => e.timerStartedEventAttributes);
    expect(events.find((e) => e.timerFiredEventAttributes)!.timerFiredEventAttributes!.timerId).toBe(shortTimer.timerStartedEventAttributes!.timerId);
    expect(events.find((e) => e.timerCanceledEventAttributes)!.timerCanceledEventAttributes!.timerId).toBe(longTimer.timerStartedEventAttributes!.timerId);
  });
});

describe('signals and queries', () => {
  test('signals are delivered in order and queries read the state in between', async () => {
    const workflowId = uniqueId('signals');
    const handle = await server.client.workflow.start(signalCollector, { taskQueue: worker.taskQueue, workflowId, args: [3] });
    await handle.signal(addSignal, 'a');
    await handle.signal(addSignal, 'b');
    const seen = await waitFor('both signals visible to the query', async () => {
      const items = await handle.query(itemsQuery);
      return items.length === 2 ? items : undefined;
    });
    expect(seen).toEqual(['a', 'b']);
    expect(await handle.query(lengthQuery, 10)).toBe(12);
    await handle.signal(addSignal, 'c');
    expect(await handle.result()).toEqual(['a', 'b', 'c']);
    const types = await fetchEventTypes(server.client, workflowId);
    expect(types.filter((t) => t === 'WorkflowExecutionSignaled')).toHaveLength(3);
    expect(types.slice(0, 4)).toEqual(FIRST_TASK);
    expect(types[types.length - 1]).toBe('WorkflowExecutionCompleted');
    // Queries leave no trace in history.
    expect(types.filter((t) => !/^(WorkflowTask|WorkflowExecution)/.test(t))).toEqual([]);
  });

  test('a query on a closed workflow is answered from its history', async () => {
    const workflowId = uniqueId('query-closed');
    const handle = await server.client.workflow.start(signalCollector, { taskQueue: worker.taskQueue, workflowId, args: [1] });
    await handle.signal(addSignal, 'only');
    await handle.result();
    expect(await handle.query(itemsQuery)).toEqual(['only']);
  });

  test('an unknown query type is QueryNotRegisteredError; NOT_OPEN rejects queries on closed runs', async () => {
    const workflowId = uniqueId('query-errors');
    const handle = await server.client.workflow.start(signalCollector, { taskQueue: worker.taskQueue, workflowId, args: [1] });
    const unknown = await handle.query('noSuchQuery').then(() => undefined, (e: unknown) => e);
    expect(unknown).toBeInstanceOf(QueryNotRegisteredError);
    expect((unknown as Error).message).toContain('noSuchQuery');
    await handle.signal(addSignal, 'done');
    await handle.result();
    const strictClient = new Client({ connection: server.connection, namespace: server.namespace, workflow: { queryRejectCondition: 'NOT_OPEN' } });
    const rejected = await strictClient.workflow.getHandle(workflowId).query(itemsQuery).then(() => undefined, (e: unknown) => e);
    expect(rejected).toBeInstanceOf(QueryRejectedError);
    expect((rejected as QueryRejectedError).status).toBe(2); // WORKFLOW_EXECUTION_STATUS_COMPLETED
    // Without a reject condition the closed run still answers from its history.
    expect(await handle.query(itemsQuery)).toEqual(['done']);
  });

  test('signal-with-start starts once, then signals the running workflow', async () => {
    const workflowId = uniqueId('signal-with-start');
    const first = await server.client.workflow.signalWithStart(signalCollector, {
      taskQueue: worker.taskQueue, workflowId, args: [2], signal: addSignal, signalArgs: ['first'],
    });
    const second = await server.client.workflow.signalWithStart(signalCollector, {
      taskQueue: worker.taskQueue, workflowId, args: [2], signal: addSignal, signalArgs: ['second'],
    });
    expect(second.signaledRunId).toBe(first.signaledRunId);
    expect(await first.result()).toEqual(['first', 'second']);
    const types = await fetchEventTypes(server.client, workflowId);
    expect(types.slice(0, 3)).toEqual(['WorkflowExecutionStarted', 'WorkflowExecutionSignaled', 'WorkflowTaskScheduled']);
    expect(types.filter((t) => t === 'WorkflowExecutionStarted')).toHaveLength(1);
  });
});

describe('child workflows', () => {
  test('a child result reaches the parent', async () => {
    const workflowId = uniqueId('parent-result');
    const childId = `${workflowId}-child`;
    expect(await server.client.workflow.execute(parentOf, { taskQueue: worker.taskQueue, workflowId, args: ['result', childId] })).toEqual({
      ok: true,
      result: 'child got hello',
    });
    // The child may finish before the parent's next task starts, so only the child events' order is fixed.
    const parentTypes = await fetchEventTypes(server.client, workflowId);
    expect(parentTypes.slice(0, 4)).toEqual(FIRST_TASK);
    expect(parentTypes.filter((t) => t.includes('Child'))).toEqual([
      'StartChildWorkflowExecutionInitiated',
      'ChildWorkflowExecutionStarted',
      'ChildWorkflowExecutionCompleted',
    ]);
    expect(parentTypes[parentTypes.length - 1]).toBe('WorkflowExecutionCompleted');
    const childEvents = await fetchEvents(server.client, childId);
    const childStart = childEvents[0].workflowExecutionStartedEventAttributes!;
    expect(childStart.parentWorkflowExecution?.workflowId).toBe(workflowId);
    expect(childStart.workflowType?.name).toBe('childEcho');
  });

  test('a child failure reaches the parent as ChildWorkflowFailure with its cause', async () => {
    const workflowId = uniqueId('parent-failure');
    const outcome = await server.client.workflow.execute(parentOf, { taskQueue: worker.taskQueue, workflowId, args: ['failure', `${workflowId}-child`] });
    expect(outcome).toEqual({
      ok: false,
      failure: {
        kind: 'ChildWorkflowFailure',
        message: 'Child Workflow execution failed',
        retryState: 'RETRY_POLICY_NOT_SET',
        workflowType: 'childFails',
        cause: { kind: 'ApplicationFailure', message: 'child broke', type: 'ChildError', nonRetryable: true },
      },
    });
    expect((await fetchEventTypes(server.client, workflowId)).filter((t) => t.startsWith('ChildWorkflow'))).toEqual([
      'ChildWorkflowExecutionStarted',
      'ChildWorkflowExecutionFailed',
    ]);
  });

  test('cancelling a child cancels the child run and reports the cancellation to the parent', async () => {
    const workflowId = uniqueId('parent-cancel');
    const childId = `${workflowId}-child`;
    const outcome = await server.client.workflow.execute(parentOf, { taskQueue: worker.taskQueue, workflowId, args: ['cancel', childId] });
    expect(outcome).toEqual({
      ok: false,
      failure: {
        kind: 'ChildWorkflowFailure',
        message: 'Child Workflow execution failed', // the SDK's fixed message; the cause says cancelled
        retryState: 'NON_RETRYABLE_FAILURE',
        workflowType: 'waitForever',
        cause: { kind: 'CancelledFailure', message: '' },
      },
    });
    const childDescription = await server.client.workflow.getHandle(childId).describe();
    expect(childDescription.status.name).toBe('CANCELLED');
    const parentTypes = await fetchEventTypes(server.client, workflowId);
    expect(parentTypes.filter((t) => /Child|External/.test(t))).toEqual([
      'StartChildWorkflowExecutionInitiated',
      'ChildWorkflowExecutionStarted',
      'RequestCancelExternalWorkflowExecutionInitiated',
      'ExternalWorkflowExecutionCancelRequested',
      'ChildWorkflowExecutionCanceled',
    ]);
  });
});

describe('child workflow timeouts and parent close policies', () => {
  test('a child past its execution timeout reaches the parent as a timed-out ChildWorkflowFailure', async () => {
    const workflowId = uniqueId('child-timeout');
    const outcome = await server.client.workflow.execute(parentOfTimingOutChild, { taskQueue: worker.taskQueue, workflowId, args: [`${workflowId}-child`] });
    expect(outcome).toEqual({
      ok: false,
      failure: {
        kind: 'ChildWorkflowFailure',
        message: 'Child Workflow execution failed',
        retryState: 'TIMEOUT',
        workflowType: 'waitForever',
        cause: { kind: 'TimeoutFailure', message: 'Timed out', timeoutType: 'START_TO_CLOSE' },
      },
    });
    expect((await fetchEventTypes(server.client, workflowId)).filter((t) => t.includes('Child'))).toEqual([
      'StartChildWorkflowExecutionInitiated',
      'ChildWorkflowExecutionStarted',
      'ChildWorkflowExecutionTimedOut',
    ]);
    expect((await server.client.workflow.getHandle(`${workflowId}-child`).describe()).status.name).toBe('TIMED_OUT');
  });

  test('parent close policies: REQUEST_CANCEL cancels the child, ABANDON leaves it running', async () => {
    const cancelParent = uniqueId('close-cancel');
    const abandonParent = uniqueId('close-abandon');
    expect(
      await server.client.workflow.execute(parentClosingOverChild, { taskQueue: worker.taskQueue, workflowId: abandonParent, args: [`${abandonParent}-child`, 'ABANDON'] }),
    ).toBe('closed over ABANDON');
    expect(
      await server.client.workflow.execute(parentClosingOverChild, {
        taskQueue: worker.taskQueue,
        workflowId: cancelParent,
        args: [`${cancelParent}-child`, 'REQUEST_CANCEL'],
      }),
    ).toBe('closed over REQUEST_CANCEL');
    await waitFor('child of the REQUEST_CANCEL parent cancelled', async () =>
      (await server.client.workflow.getHandle(`${cancelParent}-child`).describe()).status.name === 'CANCELLED' ? true : undefined,
    );
    // The ABANDON parent closed first, so its policy has been applied by now.
    const abandoned = server.client.workflow.getHandle(`${abandonParent}-child`);
    expect((await abandoned.describe()).status.name).toBe('RUNNING');
    await abandoned.terminate('abandoned child test done');
  });
});

describe('workflow lifecycle', () => {
  test('continue-as-new chains runs and the client follows the chain to the last result', async () => {
    const workflowId = uniqueId('continue-as-new');
    const handle = await server.client.workflow.start(continueAsNewCounter, { taskQueue: worker.taskQueue, workflowId, args: [1, 3] });
    const firstRunId = handle.firstExecutionRunId;
    expect(await handle.result()).toBe(`finished at iteration 3, first run ${firstRunId}`);

    // Walk the chain from the first run: two ContinuedAsNew runs, then the completed one.
    // Walk the chain from the first run (at most 5 steps: a chain that does not end fails the length check).
    const runs: string[] = [firstRunId];
    let last = undefined as Awaited<ReturnType<typeof fetchEvents>>[number] | undefined;
    for (let step = 0; step < 5; step++) {
      const events = await fetchEvents(server.client, workflowId, runs[runs.length - 1]);
      last = events[events.length - 1];
      const next = last.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
      if (!next) break;
      runs.push(next);
    }
    expect(last?.workflowExecutionCompletedEventAttributes).toBeTruthy();
    expect(runs).toHaveLength(3);
    const lastRunStart = (await fetchEvents(server.client, workflowId, runs[2]))[0].workflowExecutionStartedEventAttributes!;
    expect(lastRunStart.continuedExecutionRunId).toBe(runs[1]);
    expect(lastRunStart.firstExecutionRunId).toBe(firstRunId);
    const description = await server.client.workflow.getHandle(workflowId, firstRunId).describe();
    expect(description.status.name).toBe('CONTINUED_AS_NEW');
  }, 20_000);

  test('terminate closes the run with the reason and the client sees TerminatedFailure', async () => {
    const workflowId = uniqueId('terminate');
    const handle = await server.client.workflow.start(waitForever, { taskQueue: worker.taskQueue, workflowId });
    await handle.terminate('operator said stop');
    const error = await failureOf(handle.result());
    expect(error.cause?.constructor.name).toBe('TerminatedFailure');
    expect(error.cause?.message).toBe('operator said stop');
    expect((await handle.describe()).status.name).toBe('TERMINATED');
    const events = await fetchEvents(server.client, workflowId);
    const last = events[events.length - 1];
    expect(last.workflowExecutionTerminatedEventAttributes?.reason).toBe('operator said stop');
  });

  test('cancelling a workflow delivers the request and the run ends CANCELLED', async () => {
    const workflowId = uniqueId('cancel-workflow');
    const handle = await server.client.workflow.start(waitForever, { taskQueue: worker.taskQueue, workflowId });
    await waitFor('first workflow task completed', async () =>
      (await fetchEventTypes(server.client, workflowId)).includes('WorkflowTaskCompleted') ? true : undefined,
    );
    await handle.cancel();
    const error = await failureOf(handle.result());
    expect(error.cause?.constructor.name).toBe('CancelledFailure');
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    expect(await fetchEventTypes(server.client, workflowId)).toEqual([
      ...FIRST_TASK, 'WorkflowExecutionCancelRequested', ...TASK, 'WorkflowExecutionCanceled',
    ]);
  });

  test('a run timeout ends the run TIMED_OUT with RETRY_POLICY_NOT_SET', async () => {
    const workflowId = uniqueId('run-timeout');
    const handle = await server.client.workflow.start(waitForever, { taskQueue: worker.taskQueue, workflowId, workflowRunTimeout: '500ms' });
    const error = await failureOf(handle.result());
    expect(error.message).toBe('Workflow execution timed out');
    expect(error.retryState).toBe('RETRY_POLICY_NOT_SET');
    expect(error.cause).toBeInstanceOf(TimeoutFailure);
    expect((error.cause as TimeoutFailure).timeoutType).toBe('START_TO_CLOSE');
    expect((await handle.describe()).status.name).toBe('TIMED_OUT');
    expect(await fetchEventTypes(server.client, workflowId)).toEqual([...FIRST_TASK, 'WorkflowExecutionTimedOut']);
  });

  test('an execution timeout ends the run TIMED_OUT with retry state TIMEOUT', async () => {
    const workflowId = uniqueId('execution-timeout');
    const handle = await server.client.workflow.start(waitForever, { taskQueue: worker.taskQueue, workflowId, workflowExecutionTimeout: '500ms' });
    const error = await failureOf(handle.result());
    expect(error.retryState).toBe('TIMEOUT');
    expect((await handle.describe()).status.name).toBe('TIMED_OUT');
  });

  test('a workflow failure reaches the client with its ApplicationFailure', async () => {
    const workflowId = uniqueId('workflow-fails');
    const error = await failureOf(server.client.workflow.execute(failingWorkflow, { taskQueue: worker.taskQueue, workflowId, args: ['it broke'] }));
    expect(error.cause?.constructor.name).toBe('ApplicationFailure');
    expect(error.cause?.message).toBe('it broke');
    expect((error.cause as { type?: string }).type).toBe('WorkflowBroke');
    expect((await server.client.workflow.getHandle(workflowId).describe()).status.name).toBe('FAILED');
    expect(await fetchEventTypes(server.client, workflowId)).toEqual([...FIRST_TASK, 'WorkflowExecutionFailed']);
  });
});

function eventTimeMs(event: { eventTime?: { seconds?: unknown; nanos?: number | null } | null }): number {
  return Number(event.eventTime?.seconds ?? 0) * 1000 + (event.eventTime?.nanos ?? 0) / 1e6;
}
