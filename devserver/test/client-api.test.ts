/**
 * Conformance of the client-facing API: describe, list/count, history paging and long polls, reverse
 * history, id reuse/conflict policies, request-id idempotency, typed errors, INVALID_ARGUMENT and
 * UNIMPLEMENTED answers.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { Client, Connection, ConnectionOptions, isGrpcServiceError, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { defaultPayloadConverter, defineSearchAttributeKey, NamespaceNotFoundError, SearchAttributeType } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';
import { InternalConnectionOptionsSymbol } from '@temporalio/client/lib/connection';
import { temporal } from '@temporalio/proto';
import { randomUUID } from 'node:crypto';
import { ActivityRecorder, createActivities, Gates } from './helpers/activities';
import { eventIds, eventTypeName, fetchEvents, fetchEventTypes } from './helpers/history';
import { uniqueId } from './helpers/ids';
import { ConformanceServer, devserverOnlyTest, openConformanceServer } from './helpers/server';
import { waitFor, within } from './helpers/wait';
import { bundleConformanceWorkflows, RunningWorker, startWorker } from './helpers/worker';
import { addSignal, failingWorkflow, parentWithPendingChild, pendingActivityHolder, runActivity, signalCollector, sleeper, timerChain, waitForever } from './workflows';

const { HistoryEventFilterType } = temporal.api.enums.v1;

let server: ConformanceServer;
let worker: RunningWorker;
const recorder = new ActivityRecorder();
const gates = new Gates();

beforeAll(async () => {
  const bundle = await bundleConformanceWorkflows();
  server = await openConformanceServer();
  worker = await startWorker(server.nativeConnection, server.namespace, bundle, createActivities(recorder, gates));
});

afterAll(async () => {
  await worker?.stop();
  await server?.close();
});

/** The gRPC status code a raw call fails with (and its message), or a test failure if it succeeds. */
async function grpcFailure(call: () => Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await call();
  } catch (error) {
    if (isGrpcServiceError(error)) return { code: error.code, message: error.details ?? error.message };
    throw error;
  }
  throw new Error('the call succeeded but was expected to fail');
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('describe', () => {
  test('pending activity shows attempt, last failure and heartbeat details', async () => {
    const key = uniqueId('describe-activity');
    const workflowId = uniqueId('describe-activity-wf');
    const handle = await server.client.workflow.start(pendingActivityHolder, { taskQueue: worker.taskQueue, workflowId, args: [key, 3] });
    await recorder.attemptStarted(key, 3);
    const pending = await waitFor('heartbeat details on the pending activity', async () => {
      const description = await server.client.workflowService.describeWorkflowExecution({ namespace: server.namespace, execution: { workflowId } });
      const activity = description.pendingActivities?.[0];
      return activity?.heartbeatDetails?.payloads?.length ? activity : undefined;
    });
    expect(pending.activityType?.name).toBe('failThenHold');
    expect(pending.attempt).toBe(3);
    expect(pending.state).toBe(temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
    expect(pending.lastFailure?.message).toBe('attempt 2 failed');
    expect(pending.lastFailure?.applicationFailureInfo?.type).toBe('FlakyError');
    expect(defaultPayloadConverter.fromPayload(pending.heartbeatDetails!.payloads![0])).toBe('holding on attempt 3');
    const described = await handle.describe();
    expect(described.status.name).toBe('RUNNING');
    expect(described.type).toBe('pendingActivityHolder');
    expect(described.taskQueue).toBe(worker.taskQueue);
    gates.release(key);
    expect(await handle.result()).toBe('released on attempt 3');
    const after = await server.client.workflowService.describeWorkflowExecution({ namespace: server.namespace, execution: { workflowId } });
    expect(after.pendingActivities ?? []).toEqual([]);
  });

  test('an activity waiting between attempts is SCHEDULED with its next attempt and its schedule time', async () => {
    const key = uniqueId('describe-backoff');
    const workflowId = uniqueId('describe-backoff-wf');
    const handle = await server.client.workflow.start(runActivity, {
      taskQueue: worker.taskQueue,
      workflowId,
      args: ['failUntil', [key, 2], { startToCloseTimeout: '10s', retry: { initialInterval: '3s', backoffCoefficient: 1, maximumAttempts: 2 } }],
    });
    const pending = await waitFor('activity in backoff', async () => {
      const description = await server.client.workflowService.describeWorkflowExecution({ namespace: server.namespace, execution: { workflowId } });
      const activity = description.pendingActivities?.[0];
      return activity?.attempt === 2 ? activity : undefined;
    });
    expect(pending.state).toBe(temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED);
    expect(pending.lastFailure?.message).toBe('attempt 1 failed');
    expect(pending.maximumAttempts).toBe(2);
    const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;
    expect(ms(pending.lastAttemptCompleteTime)).toBeGreaterThan(0);
    expect(Math.round(ms(pending.nextAttemptScheduleTime) - ms(pending.lastAttemptCompleteTime))).toBe(3000);
    expect(Math.round(ms(pending.currentRetryInterval))).toBe(3000);
    expect(await handle.result()).toEqual({ ok: true, result: 'succeeded on attempt 2' });
  });

  test('pending child shows its ids and type; closing the parent terminates it', async () => {
    const workflowId = uniqueId('describe-child');
    const childId = `${workflowId}-child`;
    const handle = await server.client.workflow.start(parentWithPendingChild, { taskQueue: worker.taskQueue, workflowId, args: [childId] });
    const child = await waitFor('pending child with a run id', async () => {
      const description = await server.client.workflowService.describeWorkflowExecution({ namespace: server.namespace, execution: { workflowId } });
      const pendingChild = description.pendingChildren?.[0];
      return pendingChild?.runId ? pendingChild : undefined;
    });
    expect(child.workflowId).toBe(childId);
    expect(child.workflowTypeName).toBe('waitForever');
    const childRun = await server.client.workflow.getHandle(childId).describe();
    expect(child.runId).toBe(childRun.runId);
    expect(Number(child.initiatedId)).toBe(5);
    await handle.terminate('done looking');
    // Default parent close policy is TERMINATE.
    await waitFor('child terminated with its parent', async () =>
      (await server.client.workflow.getHandle(childId).describe()).status.name === 'TERMINATED' ? true : undefined,
    );
  });
});

describe('server and task queue information', () => {
  test('GetSystemInfo advertises the capabilities the SDK relies on', async () => {
    const { capabilities } = await server.client.workflowService.getSystemInfo({});
    expect(capabilities).toMatchObject({
      signalAndQueryHeader: true,
      internalErrorDifferentiation: true,
      activityFailureIncludeHeartbeat: true,
      encodedFailureAttributes: true,
      upsertMemo: true,
      sdkMetadata: true,
    });
  });

  test('DescribeTaskQueue lists the worker among the pollers of both task types', async () => {
    const identity = worker.worker.options.identity;
    for (const taskQueueType of [temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY]) {
      const pollers = await waitFor(`pollers of type ${taskQueueType}`, async () => {
        const description = await server.client.workflowService.describeTaskQueue({ namespace: server.namespace, taskQueue: { name: worker.taskQueue }, taskQueueType });
        return description.pollers?.length ? description.pollers : undefined;
      });
      expect(pollers.map((poller) => poller.identity)).toContain(identity);
    }
  });
});

describe('list and count', () => {
  test('common queries select, count and order runs', async () => {
    const prefix = uniqueId('list');
    const ids = { completed: `${prefix}-completed`, failed: `${prefix}-failed`, running: `${prefix}-running` };
    const before = new Date(Date.now() - 1000).toISOString();
    await server.client.workflow.execute(sleeper, { taskQueue: worker.taskQueue, workflowId: ids.completed, args: [1] });
    await server.client.workflow.execute(failingWorkflow, { taskQueue: worker.taskQueue, workflowId: ids.failed, args: ['no'] }).catch(() => undefined);
    await server.client.workflow.start(waitForever, { taskQueue: worker.taskQueue, workflowId: ids.running });
    const after = new Date(Date.now() + 60_000).toISOString();
    const inSet = `WorkflowId IN ('${ids.completed}', '${ids.failed}', '${ids.running}')`;

    const list = async (query: string) => {
      const found: string[] = [];
      for await (const execution of server.client.workflow.list({ query })) found.push(execution.workflowId);
      return found;
    };
    // Visibility may lag behind on a real server: wait until all three are listed with their final state.
    await waitFor('visibility to show the three runs', async () =>
      (await list(`${inSet} AND ExecutionStatus != 'Running'`)).length === 2 && (await list(inSet)).length === 3 ? true : undefined,
    );

    // Default order: running first, then by close time descending (failed closed after completed).
    expect(await list(inSet)).toEqual([ids.running, ids.failed, ids.completed]);
    expect(await list(`${inSet} AND ExecutionStatus = 'Running'`)).toEqual([ids.running]);
    expect(await list(`${inSet} AND ExecutionStatus = 'Completed'`)).toEqual([ids.completed]);
    expect(await list(`${inSet} AND ExecutionStatus IN ('Failed', 'Completed')`)).toEqual([ids.failed, ids.completed]);
    expect(await list(`${inSet} AND WorkflowType = 'failingWorkflow'`)).toEqual([ids.failed]);
    expect(await list(`${inSet} AND (WorkflowType = 'sleeper' OR WorkflowType = 'waitForever')`)).toEqual([ids.running, ids.completed]);
    expect(await list(`${inSet} AND TaskQueue = '${worker.taskQueue}' AND StartTime >= '${before}' AND StartTime < '${after}'`)).toEqual([
      ids.running, ids.failed, ids.completed,
    ]);
    expect(await list(`${inSet} AND StartTime > '${after}'`)).toEqual([]);
    expect(await list(`WorkflowId = '${ids.completed}' AND CloseTime > '${before}'`)).toEqual([ids.completed]);

    expect((await server.client.workflow.count(inSet)).count).toBe(3);
    expect((await server.client.workflow.count(`${inSet} AND ExecutionStatus = 'Running'`)).count).toBe(1);
    expect((await server.client.workflow.count(`${inSet} AND ExecutionStatus = 'TimedOut'`)).count).toBe(0);

    const listed = [];
    for await (const execution of server.client.workflow.list({ query: `WorkflowId = '${ids.failed}'` })) listed.push(execution);
    expect(listed).toHaveLength(1);
    expect(listed[0].type).toBe('failingWorkflow');
    expect(listed[0].status.name).toBe('FAILED');
    expect(listed[0].taskQueue).toBe(worker.taskQueue);
    expect(listed[0].closeTime).toBeInstanceOf(Date);

    await server.client.workflow.getHandle(ids.running).terminate('list test done');
  });

  test('custom search attributes set at start are listed and filtered by value', async () => {
    // CustomKeywordField / CustomIntField are pre-registered on Temporal's dev server too.
    const keyword = defineSearchAttributeKey('CustomKeywordField', SearchAttributeType.KEYWORD);
    const int = defineSearchAttributeKey('CustomIntField', SearchAttributeType.INT);
    const prefix = uniqueId('custom-sa');
    const start = (suffix: string, color: string, size: number) =>
      server.client.workflow.start(waitForever, {
        taskQueue: worker.taskQueue,
        workflowId: `${prefix}-${suffix}`,
        typedSearchAttributes: [
          { key: keyword, value: color },
          { key: int, value: size },
        ],
      });
    const handles = [await start('small-blue', 'blue', 3), await start('big-blue', 'blue', 30), await start('big-red', 'red', 40)];
    const inSet = `WorkflowId IN (${handles.map((h) => `'${h.workflowId}'`).join(', ')})`;
    const list = async (query: string) => {
      const found: string[] = [];
      for await (const execution of server.client.workflow.list({ query })) found.push(execution.workflowId.slice(prefix.length + 1));
      return found.sort();
    };
    await waitFor('visibility to index the custom attributes', async () => ((await list(`${inSet} AND CustomIntField >= 0`)).length === 3 ? true : undefined));
    expect(await list(`${inSet} AND CustomKeywordField = 'blue'`)).toEqual(['big-blue', 'small-blue']);
    expect(await list(`${inSet} AND CustomIntField > 10`)).toEqual(['big-blue', 'big-red']);
    expect(await list(`${inSet} AND CustomKeywordField = 'blue' AND CustomIntField BETWEEN 10 AND 35`)).toEqual(['big-blue']);
    expect((await server.client.workflow.count(`${inSet} AND CustomKeywordField != 'blue'`)).count).toBe(1);
    const description = await handles[2].describe();
    expect(description.typedSearchAttributes.get(keyword)).toBe('red');
    expect(description.typedSearchAttributes.get(int)).toBe(40);
    for (const handle of handles) await handle.terminate('custom search attribute test done');
  });

  devserverOnlyTest('ORDER BY orders the listing (SQL visibility on the real server rejects it)', async () => {
    const prefix = uniqueId('order-by');
    const ids = [`${prefix}-1`, `${prefix}-2`, `${prefix}-3`];
    for (const workflowId of ids) await server.client.workflow.execute(sleeper, { taskQueue: worker.taskQueue, workflowId, args: [1] });
    const list = async (query: string) => {
      const found: string[] = [];
      for await (const execution of server.client.workflow.list({ query })) found.push(execution.workflowId);
      return found;
    };
    const inSet = `WorkflowId IN (${ids.map((id) => `'${id}'`).join(', ')})`;
    expect(await list(`${inSet} ORDER BY StartTime ASC`)).toEqual(ids);
    expect(await list(`${inSet} ORDER BY StartTime DESC`)).toEqual([...ids].reverse());
    expect(await list(`${inSet} ORDER BY CloseTime`)).toEqual(ids);
  });

  test('raw ListWorkflowExecutions pages with pageSize and nextPageToken, without gaps or repeats', async () => {
    const prefix = uniqueId('list-pages');
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) {
      const workflowId = `${prefix}-${index}`;
      await server.client.workflow.execute(sleeper, { taskQueue: worker.taskQueue, workflowId, args: [1] });
      ids.push(workflowId);
    }
    const query = `WorkflowId IN (${ids.map((id) => `'${id}'`).join(', ')})`;
    await waitFor('five closed runs listed', async () => ((await server.client.workflow.count(query)).count === 5 ? true : undefined));
    const pages: string[][] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await server.client.workflowService.listWorkflowExecutions({ namespace: server.namespace, query, pageSize: 2, nextPageToken });
      pages.push((page.executions ?? []).map((e) => e.execution!.workflowId!));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken && pages.length < 10);
    // Closed one after another, so the default order (close time descending) is the reverse start order.
    expect(pages.flat()).toEqual([...ids].reverse());
    expect(pages.every((page) => page.length <= 2)).toBe(true);
    expect(pages.filter((page) => page.length > 0).length).toBe(3);
  });

  test('a malformed list query is INVALID_ARGUMENT', async () => {
    const failure = await grpcFailure(() =>
      server.client.workflowService.listWorkflowExecutions({ namespace: server.namespace, query: "WorkflowId = 'x' AND" }),
    );
    expect(failure.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    const countFailure = await grpcFailure(() =>
      server.client.workflowService.countWorkflowExecutions({ namespace: server.namespace, query: "ExecutionStatus = 'Sleeping'" }),
    );
    expect(countFailure.code).toBe(GrpcStatus.INVALID_ARGUMENT);
  });
});

describe('history', () => {
  test('paging with a small maximumPageSize returns the whole history in order', async () => {
    const workflowId = uniqueId('paging');
    expect(await server.client.workflow.execute(timerChain, { taskQueue: worker.taskQueue, workflowId, args: [4] })).toBe(4);
    // 4 events for the first task, 5 per timer (started, fired, task scheduled/started/completed), 1 completion.
    const expectedCount = 4 + 4 * 5 + 1;
    const pages: number[][] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await server.client.workflowService.getWorkflowExecutionHistory({
        namespace: server.namespace,
        execution: { workflowId },
        maximumPageSize: 3,
        nextPageToken,
      });
      pages.push(eventIds(page.history?.events ?? []));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken && pages.length < 100);
    expect(pages.flat()).toEqual(Array.from({ length: expectedCount }, (_, i) => i + 1));
    expect(pages.length).toBeGreaterThan(1);
    if (server.isDevserver) {
      expect(pages.every((page) => page.length <= 3)).toBe(true);
      expect(pages.length).toBe(Math.ceil(expectedCount / 3));
    }
  });

  test('wait_new_event blocks until a new event arrives, then returns it', async () => {
    const workflowId = uniqueId('long-poll');
    const handle = await server.client.workflow.start(signalCollector, { taskQueue: worker.taskQueue, workflowId, args: [1] });
    await waitFor('first workflow task completed', async () =>
      (await fetchEventTypes(server.client, workflowId)).includes('WorkflowTaskCompleted') ? true : undefined,
    );
    const first = await server.client.workflowService.getWorkflowExecutionHistory({
      namespace: server.namespace, execution: { workflowId }, waitNewEvent: true,
    });
    const seenIds = eventIds(first.history?.events ?? []);
    expect(seenIds).toEqual([1, 2, 3, 4]);
    expect(first.nextPageToken?.length).toBeGreaterThan(0);

    let signalSentAt = 0;
    const parkedBefore = server.parkedHistoryPolls?.() ?? 0;
    const poll = server.client.workflowService
      .getWorkflowExecutionHistory({ namespace: server.namespace, execution: { workflowId }, waitNewEvent: true, nextPageToken: first.nextPageToken })
      .then((page) => ({ events: page.history?.events ?? [], answeredAt: Date.now() }));
    // Our server tells when the poll is parked; a real one does not, and then the signal may land first (still answered at once).
    if (server.parkedHistoryPolls) await waitFor('the history poll parked', async () => (server.parkedHistoryPolls!() > parkedBefore ? true : undefined), 5_000, 10);
    signalSentAt = Date.now();
    await handle.signal(addSignal, 'wake');
    // The server's long poll lasts a minute: an answer within 2 s can only come from the wake-up.
    const { events, answeredAt } = await within('the parked history poll answering the signal', 2_000, poll);
    expect(answeredAt - signalSentAt).toBeLessThan(2_000);
    expect(Number(events[0].eventId)).toBe(5);
    expect(eventTypeName(events[0].eventType)).toBe('WorkflowExecutionSignaled');
    await handle.result();
  }, 20_000);

  test('the close-event filter long-polls for the single closing event', async () => {
    const workflowId = uniqueId('close-event');
    await server.client.workflow.start(sleeper, { taskQueue: worker.taskQueue, workflowId, args: [500] });
    const response = await server.client.workflowService.getWorkflowExecutionHistory({
      namespace: server.namespace,
      execution: { workflowId },
      waitNewEvent: true,
      historyEventFilterType: HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
    });
    const events = response.history?.events ?? [];
    expect(events.map((e) => eventTypeName(e.eventType))).toEqual(['WorkflowExecutionCompleted']);
    expect(Number(events[0].eventId)).toBe(10);
    expect(defaultPayloadConverter.fromPayload(events[0].workflowExecutionCompletedEventAttributes!.result!.payloads![0])).toBe('slept 500 ms');
  });

  test('GetWorkflowExecutionHistoryReverse pages from the last event back to the first', async () => {
    const workflowId = uniqueId('reverse');
    await server.client.workflow.execute(timerChain, { taskQueue: worker.taskQueue, workflowId, args: [2] });
    const forward = eventIds(await fetchEvents(server.client, workflowId));
    expect(forward).toHaveLength(4 + 2 * 5 + 1);
    const reversed: number[] = [];
    let nextPageToken: Uint8Array | undefined;
    let pages = 0;
    do {
      const page = await server.client.workflowService.getWorkflowExecutionHistoryReverse({
        namespace: server.namespace, execution: { workflowId }, maximumPageSize: 4, nextPageToken,
      });
      reversed.push(...eventIds(page.history?.events ?? []));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
      pages++;
    } while (nextPageToken && pages < 100);
    expect(reversed).toEqual([...forward].reverse());
    expect(pages).toBeGreaterThan(1);
  });
});

describe('workflow id policies and idempotency', () => {
  test('reuse policies decide whether a closed workflow id may start again', async () => {
    const workflowId = uniqueId('reuse');
    const options = { taskQueue: worker.taskQueue, workflowId, args: [1] as [number] };
    const firstRun = await server.client.workflow.start(sleeper, options);
    await firstRun.result();

    const rejected = await rejection(server.client.workflow.start(sleeper, { ...options, workflowIdReusePolicy: 'REJECT_DUPLICATE' }));
    expect(rejected).toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    expect((rejected as WorkflowExecutionAlreadyStartedError).workflowId).toBe(workflowId);
    expect((rejected as WorkflowExecutionAlreadyStartedError).workflowType).toBe('sleeper');

    const failedOnly = await rejection(server.client.workflow.start(sleeper, { ...options, workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY' }));
    expect(failedOnly).toBeInstanceOf(WorkflowExecutionAlreadyStartedError);

    const secondRun = await server.client.workflow.start(sleeper, { ...options, workflowIdReusePolicy: 'ALLOW_DUPLICATE' });
    expect(secondRun.firstExecutionRunId).not.toBe(firstRun.firstExecutionRunId);
    await secondRun.result();

    const failingId = uniqueId('reuse-failed');
    await server.client.workflow.execute(failingWorkflow, { taskQueue: worker.taskQueue, workflowId: failingId, args: ['x'] }).catch(() => undefined);
    const afterFailure = await server.client.workflow.start(sleeper, {
      taskQueue: worker.taskQueue, workflowId: failingId, args: [1], workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    });
    expect(await afterFailure.result()).toBe('slept 1 ms');
  });

  test('conflict policies decide what starting a running workflow id does', async () => {
    const workflowId = uniqueId('conflict');
    const options = { taskQueue: worker.taskQueue, workflowId };
    const running = await server.client.workflow.start(waitForever, options);

    const conflict = await rejection(server.client.workflow.start(waitForever, options));
    expect(conflict).toBeInstanceOf(WorkflowExecutionAlreadyStartedError);

    const existing = await server.client.workflow.start(waitForever, { ...options, workflowIdConflictPolicy: 'USE_EXISTING' });
    expect(existing.firstExecutionRunId).toBe(running.firstExecutionRunId);

    const replacement = await server.client.workflow.start(waitForever, { ...options, workflowIdConflictPolicy: 'TERMINATE_EXISTING' });
    expect(replacement.firstExecutionRunId).not.toBe(running.firstExecutionRunId);
    expect((await server.client.workflow.getHandle(workflowId, running.firstExecutionRunId).describe()).status.name).toBe('TERMINATED');
    expect((await server.client.workflow.getHandle(workflowId).describe()).runId).toBe(replacement.firstExecutionRunId);
    await replacement.terminate('conflict test done');
  });

  test('repeating a start with the same request id returns the same run; a new request id conflicts', async () => {
    const workflowId = uniqueId('request-id');
    const requestId = randomUUID();
    const request = {
      namespace: server.namespace,
      workflowId,
      workflowType: { name: 'waitForever' },
      taskQueue: { name: worker.taskQueue },
      requestId,
    };
    const first = await server.client.workflowService.startWorkflowExecution(request);
    const again = await server.client.workflowService.startWorkflowExecution(request);
    expect(first.runId).toBeTruthy();
    expect(again.runId).toBe(first.runId);
    const other = await grpcFailure(() => server.client.workflowService.startWorkflowExecution({ ...request, requestId: randomUUID() }));
    expect(other.code).toBe(GrpcStatus.ALREADY_EXISTS);
    expect((await fetchEventTypes(server.client, workflowId)).filter((t) => t === 'WorkflowExecutionStarted')).toHaveLength(1);
    await server.client.workflow.getHandle(workflowId).terminate('request id test done');
  });
});

describe('errors', () => {
  test('unknown workflow ids and run ids are WorkflowNotFoundError', async () => {
    const missing = uniqueId('missing');
    expect(await rejection(server.client.workflow.getHandle(missing).describe())).toBeInstanceOf(WorkflowNotFoundError);
    expect(await rejection(server.client.workflow.getHandle(missing).signal(addSignal, 'x'))).toBeInstanceOf(WorkflowNotFoundError);
    expect(await rejection(server.client.workflow.getHandle(missing).terminate())).toBeInstanceOf(WorkflowNotFoundError);
    const workflowId = uniqueId('wrong-run');
    await server.client.workflow.execute(sleeper, { taskQueue: worker.taskQueue, workflowId, args: [1] });
    expect(await rejection(server.client.workflow.getHandle(workflowId, randomUUID()).describe())).toBeInstanceOf(WorkflowNotFoundError);
  });

  test('signalling, cancelling or terminating a closed run is WorkflowNotFoundError', async () => {
    const workflowId = uniqueId('closed-run');
    await server.client.workflow.execute(sleeper, { taskQueue: worker.taskQueue, workflowId, args: [1] });
    const handle = server.client.workflow.getHandle(workflowId);
    expect(await rejection(handle.signal(addSignal, 'too late'))).toBeInstanceOf(WorkflowNotFoundError);
    expect(await rejection(handle.cancel())).toBeInstanceOf(WorkflowNotFoundError);
    expect(await rejection(handle.terminate('too late'))).toBeInstanceOf(WorkflowNotFoundError);
    expect((await fetchEventTypes(server.client, workflowId)).filter((t) => t === 'WorkflowExecutionSignaled')).toEqual([]);
  });

  test('an unknown namespace is NamespaceNotFoundError', async () => {
    const namespace = uniqueId('no-such-namespace');
    const client = new Client({ connection: server.connection, namespace });
    const error = await rejection(client.workflow.start(sleeper, { taskQueue: worker.taskQueue, workflowId: uniqueId('ns'), args: [1] }));
    expect(error).toBeInstanceOf(NamespaceNotFoundError);
    expect((error as NamespaceNotFoundError).namespace).toBe(namespace);
  });

  test('malformed requests are INVALID_ARGUMENT', async () => {
    const valid = {
      namespace: server.namespace,
      workflowId: uniqueId('malformed'),
      workflowType: { name: 'sleeper' },
      taskQueue: { name: worker.taskQueue },
      requestId: randomUUID(),
    };
    const service = server.client.workflowService;
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['empty workflow id', () => service.startWorkflowExecution({ ...valid, workflowId: '' })],
      ['missing task queue', () => service.startWorkflowExecution({ ...valid, taskQueue: undefined })],
      ['missing workflow type', () => service.startWorkflowExecution({ ...valid, workflowType: undefined })],
      ['empty namespace', () => service.startWorkflowExecution({ ...valid, namespace: '' })],
      ['negative run timeout', () => service.startWorkflowExecution({ ...valid, workflowRunTimeout: msToTs(-5000) })],
      ['signal without a name', () => service.signalWorkflowExecution({ namespace: server.namespace, workflowExecution: { workflowId: valid.workflowId }, signalName: '' })],
      ['history without an execution', () => service.getWorkflowExecutionHistory({ namespace: server.namespace })],
    ];
    const codes: Record<string, number> = {};
    for (const [name, call] of cases) codes[name] = (await grpcFailure(call)).code;
    expect(codes).toEqual(Object.fromEntries(cases.map(([name]) => [name, GrpcStatus.INVALID_ARGUMENT])));
  });

  devserverOnlyTest('an RPC outside the supported set is UNIMPLEMENTED and named', async () => {
    const failure = await grpcFailure(() =>
      server.client.workflowService.getWorkerBuildIdCompatibility({ namespace: server.namespace, taskQueue: worker.taskQueue }),
    );
    expect(failure.code).toBe(GrpcStatus.UNIMPLEMENTED);
    expect(failure.message).toContain('GetWorkerBuildIdCompatibility');
  });

  devserverOnlyTest('without time-skipping mode the TestService, and Nexus endpoints and standalone activities, answer UNIMPLEMENTED naming the method', async () => {
    // The SDK builds a TestService client only when asked to, as @temporalio/testing does for its test server.
    const connection = await Connection.connect({ address: server.address, [InternalConnectionOptionsSymbol]: { supportsTestService: true } } as ConnectionOptions);
    const answers = {
      GetCurrentTime: await grpcFailure(() => connection.testService!.getCurrentTime({})),
      UnlockTimeSkippingWithSleep: await grpcFailure(() => connection.testService!.unlockTimeSkippingWithSleep({})),
      CreateNexusEndpoint: await grpcFailure(() => connection.operatorService.createNexusEndpoint({ spec: { name: 'n' } })),
      StartActivityExecution: await grpcFailure(() => connection.workflowService.startActivityExecution({ namespace: server.namespace, activityId: 'a' })),
    };
    await connection.close();
    for (const [method, failure] of Object.entries(answers)) {
      expect({ method, code: failure.code, named: failure.message.includes(method) }).toEqual({ method, code: GrpcStatus.UNIMPLEMENTED, named: true });
    }
  });
});
