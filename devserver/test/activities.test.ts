/**
 * Conformance: activity retries, each timeout kind, heartbeat details across attempts and cancellation,
 * driven through the real SDK worker and client.
 */
import { ActivityRecorder, createActivities } from './helpers/activities';
import { fetchEventTypes } from './helpers/history';
import { uniqueId } from './helpers/ids';
import { ConformanceServer, openConformanceServer } from './helpers/server';
import { waitFor } from './helpers/wait';
import { bundleConformanceWorkflows, RunningWorker, startWorker } from './helpers/worker';
import { cancelActivitySignal, cancelActivityWhenSignalled, cancelUnstartedActivity, Outcome, runActivity } from './workflows';

let server: ConformanceServer;
let worker: RunningWorker;
const recorder = new ActivityRecorder();

beforeAll(async () => {
  const bundle = await bundleConformanceWorkflows();
  server = await openConformanceServer();
  worker = await startWorker(server.nativeConnection, server.namespace, bundle, createActivities(recorder));
});

afterAll(async () => {
  await worker?.stop();
  await server?.close();
});

function run(activity: Parameters<typeof runActivity>[0], args: unknown[], options: Parameters<typeof runActivity>[2]): Promise<Outcome> {
  return server.client.workflow.execute(runActivity, {
    taskQueue: worker.taskQueue,
    workflowId: uniqueId(`activity-${activity}`),
    args: [activity, args, options],
  });
}

describe('activity retries', () => {
  test('retryable failures are retried with exponential backoff until success', async () => {
    const key = uniqueId('backoff');
    const outcome = await run('failUntil', [key, 3], {
      startToCloseTimeout: '5s',
      retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumAttempts: 5 },
    });
    expect(outcome).toEqual({ ok: true, result: 'succeeded on attempt 3' });
    const attempts = recorder.of(key);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    // Lower bounds only (the server may be late, never early): 200 ms, then 200*2 = 400 ms.
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(190);
    expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(390);
  });

  test('maximum attempts ends with the last failure and MAXIMUM_ATTEMPTS_REACHED', async () => {
    const key = uniqueId('max-attempts');
    const outcome = await run('failUntil', [key, 99], {
      startToCloseTimeout: '5s',
      retry: { initialInterval: '50ms', backoffCoefficient: 1, maximumAttempts: 3 },
    });
    expect(recorder.of(key).map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(outcome).toEqual({
      ok: false,
      failure: {
        kind: 'ActivityFailure',
        message: 'Activity task failed',
        retryState: 'MAXIMUM_ATTEMPTS_REACHED',
        activityType: 'failUntil',
        cause: { kind: 'ApplicationFailure', message: 'attempt 3 failed', type: 'FlakyError', nonRetryable: false },
      },
    });
  });

  test('an error type listed in nonRetryableErrorTypes is not retried', async () => {
    const key = uniqueId('non-retryable-type');
    const outcome = await run('failUntil', [key, 99, 'BadInput'], {
      startToCloseTimeout: '5s',
      retry: { initialInterval: '50ms', maximumAttempts: 5, nonRetryableErrorTypes: ['BadInput'] },
    });
    expect(recorder.of(key).map((a) => a.attempt)).toEqual([1]);
    expect(outcome).toEqual({
      ok: false,
      failure: {
        kind: 'ActivityFailure',
        message: 'Activity task failed',
        retryState: 'NON_RETRYABLE_FAILURE',
        activityType: 'failUntil',
        cause: { kind: 'ApplicationFailure', message: 'attempt 1 failed', type: 'BadInput', nonRetryable: false },
      },
    });
  });

  test('a non-retryable ApplicationFailure is not retried', async () => {
    const key = uniqueId('non-retryable-failure');
    const outcome = await run('failNonRetryable', [key], {
      startToCloseTimeout: '5s',
      retry: { initialInterval: '50ms', maximumAttempts: 5 },
    });
    expect(recorder.of(key).map((a) => a.attempt)).toEqual([1]);
    expect(outcome).toEqual({
      ok: false,
      failure: {
        kind: 'ActivityFailure',
        message: 'Activity task failed',
        retryState: 'NON_RETRYABLE_FAILURE',
        activityType: 'failNonRetryable',
        cause: { kind: 'ApplicationFailure', message: 'attempt 1 gave up', type: 'FatalError', nonRetryable: true },
      },
    });
  });
});

describe('activity timeouts', () => {
  test('start-to-close timeout is retried, then reported as START_TO_CLOSE', async () => {
    const key = uniqueId('start-to-close');
    const outcome = await run('sleepFor', [key, 3000], {
      startToCloseTimeout: '400ms',
      retry: { initialInterval: '50ms', maximumAttempts: 2 },
    });
    expect(recorder.of(key).map((a) => a.attempt)).toEqual([1, 2]);
    expect(outcome).toEqual({
      ok: false,
      failure: {
        kind: 'ActivityFailure',
        message: 'Activity task timed out',
        retryState: 'MAXIMUM_ATTEMPTS_REACHED',
        activityType: 'sleepFor',
        cause: { kind: 'TimeoutFailure', message: 'activity StartToClose timeout', timeoutType: 'START_TO_CLOSE' },
      },
    });
  });

  test('schedule-to-start timeout on a queue nobody polls is not retried', async () => {
    const key = uniqueId('schedule-to-start');
    const outcome = await run('echo', [key], {
      taskQueue: uniqueId('nobody-polls'),
      scheduleToStartTimeout: '400ms',
      startToCloseTimeout: '5s',
      retry: { initialInterval: '50ms', maximumAttempts: 5 },
    });
    expect(outcome).toEqual({
      ok: false,
      failure: {
        kind: 'ActivityFailure',
        message: 'Activity task timed out',
        retryState: 'NON_RETRYABLE_FAILURE',
        activityType: 'echo',
        cause: { kind: 'TimeoutFailure', message: 'activity ScheduleToStart timeout', timeoutType: 'SCHEDULE_TO_START' },
      },
    });
  });

  test('schedule-to-close timeout ends the activity across attempts', async () => {
    const key = uniqueId('schedule-to-close');
    const outcome = await run('sleepFor', [key, 3000], {
      // Long enough for attempt 1 to start even on a loaded machine, far shorter than its 3 s sleep.
      scheduleToCloseTimeout: '1500ms',
      startToCloseTimeout: '5s',
      retry: { initialInterval: '50ms', maximumAttempts: 5 },
    });
    expect(recorder.of(key).map((a) => a.attempt)).toEqual([1]);
    expect(outcome).toEqual({
      ok: false,
      failure: {
        kind: 'ActivityFailure',
        message: 'Activity task timed out',
        retryState: 'NON_RETRYABLE_FAILURE',
        activityType: 'sleepFor',
        cause: { kind: 'TimeoutFailure', message: 'activity ScheduleToClose timeout', timeoutType: 'SCHEDULE_TO_CLOSE' },
      },
    });
  });

  test('heartbeat timeout is retried, hands the last details to the next attempt and reports them', async () => {
    const key = uniqueId('heartbeat-timeout');
    const outcome = await run('heartbeatOnceThenStall', [key, 3000], {
      startToCloseTimeout: '10s',
      // Each attempt's one heartbeat must reach the server before this elapses, also under load.
      heartbeatTimeout: '1s',
      retry: { initialInterval: '50ms', maximumAttempts: 2 },
    });
    const attempts = recorder.of(key);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
    expect(attempts.map((a) => a.previousHeartbeat)).toEqual([undefined, 'progress-1']);
    expect(outcome).toEqual({
      ok: false,
      failure: {
        kind: 'ActivityFailure',
        message: 'Activity task timed out',
        retryState: 'MAXIMUM_ATTEMPTS_REACHED',
        activityType: 'heartbeatOnceThenStall',
        cause: { kind: 'TimeoutFailure', message: 'activity Heartbeat timeout', timeoutType: 'HEARTBEAT', lastHeartbeatDetails: 'progress-2' },
      },
    });
  });
});

describe('heartbeats and cancellation', () => {
  test('heartbeat details of a failed attempt reach the next attempt', async () => {
    const key = uniqueId('heartbeat-details');
    const outcome = await run('heartbeatThenFail', [key, 3], {
      startToCloseTimeout: '5s',
      retry: { initialInterval: '50ms', backoffCoefficient: 1, maximumAttempts: 5 },
    });
    expect(recorder.of(key).map((a) => [a.attempt, a.previousHeartbeat])).toEqual([
      [1, undefined],
      [2, { checkpoint: 10 }],
      [3, { checkpoint: 20 }],
    ]);
    expect(outcome).toEqual({ ok: true, result: { checkpoint: 20 } });
  });

  test('cancelling an activity reaches it through its heartbeat and the workflow sees the cancellation', async () => {
    const key = uniqueId('cancel-activity');
    const workflowId = uniqueId('cancel-activity-wf');
    const started = recorder.attemptStarted(key, 1);
    const handle = await server.client.workflow.start(cancelActivityWhenSignalled, {
      taskQueue: worker.taskQueue,
      workflowId,
      args: [key],
    });
    await started;
    await handle.signal(cancelActivitySignal);
    const outcome = await handle.result();
    expect(recorder.cancelled.has(key)).toBe(true);
    expect(outcome).toEqual({
      ok: false,
      failure: {
        kind: 'ActivityFailure',
        message: 'Activity cancelled',
        retryState: 'CANCEL_REQUESTED',
        activityType: 'heartbeatUntilCancelled',
        cause: { kind: 'CancelledFailure', message: '' },
      },
    });
    expect(await fetchEventTypes(server.client, workflowId)).toEqual([
      'WorkflowExecutionStarted',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
      'ActivityTaskScheduled',
      'WorkflowExecutionSignaled',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
      'ActivityTaskCancelRequested',
      'ActivityTaskStarted',
      'ActivityTaskCanceled',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
      'WorkflowExecutionCompleted',
    ]);
  });

  test('cancelling an activity that never started closes it at once, without a started event', async () => {
    const workflowId = uniqueId('cancel-unstarted');
    const handle = await server.client.workflow.start(cancelUnstartedActivity, {
      taskQueue: worker.taskQueue,
      workflowId,
      args: [uniqueId('nobody-polls')],
    });
    await waitFor('activity scheduled', async () =>
      (await fetchEventTypes(server.client, workflowId)).includes('ActivityTaskScheduled') ? true : undefined,
    );
    await handle.signal(cancelActivitySignal);
    expect(await handle.result()).toEqual({
      ok: false,
      failure: {
        kind: 'ActivityFailure',
        message: 'Activity cancelled',
        retryState: 'CANCEL_REQUESTED',
        activityType: 'echo',
        cause: { kind: 'CancelledFailure', message: '' },
      },
    });
    expect((await fetchEventTypes(server.client, workflowId)).filter((t) => t.startsWith('Activity'))).toEqual([
      'ActivityTaskScheduled',
      'ActivityTaskCancelRequested',
      'ActivityTaskCanceled',
    ]);
  });
});
