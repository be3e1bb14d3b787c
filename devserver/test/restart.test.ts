/**
 * Durability: open workflows carry on after the server is SIGKILLed and restarted on the same
 * --db-filename and port — a running timer, an activity between retries, received signals, and
 * request-id idempotency. Devserver only (it restarts the server process).
 */
import { defaultPayloadConverter } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ActivityRecorder, createActivities, Gates } from './helpers/activities';
import { startRestartableServer } from './helpers/child-server';
import { fetchEvents, fetchEventTypes } from './helpers/history';
import { uniqueId } from './helpers/ids';
import { devserverOnlyTest, installQuietRuntime } from './helpers/server';
import { waitFor } from './helpers/wait';
import { bundleConformanceWorkflows, startWorker, WorkflowBundle } from './helpers/worker';
import { addItemUpdate, addSignal, finishSignal, parentAwaitingSignalledChild, runActivity, signalCollector, sleeper, updatableCollector } from './workflows';
import { WorkflowUpdateStage } from '@temporalio/client';

const FIRST_TASK = ['WorkflowExecutionStarted', 'WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted'];
const TASK = ['WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted'];

let bundle: WorkflowBundle;
let stateDir: string;

beforeAll(async () => {
  installQuietRuntime();
  bundle = await bundleConformanceWorkflows();
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devserver-restart-'));
});

afterAll(() => {
  fs.rmSync(stateDir, { recursive: true, force: true });
});

devserverOnlyTest('a timer, a retrying activity, signals and request ids survive SIGKILL and restart', async () => {
  const devserver = await startRestartableServer(path.join(stateDir, 'state.db'));
  const { client, nativeConnection } = devserver;
  const recorder = new ActivityRecorder();
  const gates = new Gates();
  const worker = await startWorker(nativeConnection, 'default', bundle, createActivities(recorder, gates));
  try {
    const timerId = uniqueId('restart-timer');
    const activityId = uniqueId('restart-activity');
    const signalId = uniqueId('restart-signal');
    const requestWorkflowId = uniqueId('restart-request');
    const activityKey = uniqueId('restart-attempts');
    const inFlightId = uniqueId('restart-in-flight');
    const inFlightKey = uniqueId('restart-in-flight-attempts');
    const parentId = uniqueId('restart-parent');
    const childId = `${parentId}-child`;
    const overdueId = uniqueId('restart-overdue');

    const timer = await client.workflow.start(sleeper, { taskQueue: worker.taskQueue, workflowId: timerId, args: [3000] });
    const activity = await client.workflow.start(runActivity, {
      taskQueue: worker.taskQueue,
      workflowId: activityId,
      // Fails attempts 1 and 2, holds attempt 3 until released, so the test can read its last failure.
      args: ['failThenHold', [activityKey, 3], { startToCloseTimeout: '20s', retry: { initialInterval: '2s', backoffCoefficient: 1, maximumAttempts: 5 } }],
    });
    // An attempt handed to the worker before the kill and completed after the restart.
    const inFlight = await client.workflow.start(runActivity, {
      taskQueue: worker.taskQueue,
      workflowId: inFlightId,
      args: ['failThenHold', [inFlightKey, 1], { startToCloseTimeout: '60s', retry: { maximumAttempts: 3 } }],
    });
    const signalled = await client.workflow.start(signalCollector, { taskQueue: worker.taskQueue, workflowId: signalId, args: [2] });
    const parent = await client.workflow.start(parentAwaitingSignalledChild, { taskQueue: worker.taskQueue, workflowId: parentId, args: [childId] });
    await signalled.signal(addSignal, 'before-kill');
    const startRequest = {
      namespace: 'default',
      workflowId: requestWorkflowId,
      workflowType: { name: 'sleeper' },
      taskQueue: { name: worker.taskQueue },
      input: { payloads: [defaultPayloadConverter.toPayload(1)] },
      requestId: randomUUID(),
    };
    const requestRun = await client.workflowService.startWorkflowExecution(startRequest);

    // Kill only once each workflow is where the test wants it.
    await waitFor('timer started', async () => ((await fetchEventTypes(client, timerId)).includes('TimerStarted') ? true : undefined));
    await waitFor('signal handled', async () => {
      const types = await fetchEventTypes(client, signalId);
      return types.indexOf('WorkflowExecutionSignaled') >= 0 && types[types.length - 1] === 'WorkflowTaskCompleted' ? true : undefined;
    });
    await waitFor('activity waiting for its second attempt', async () => {
      const description = await client.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: activityId } });
      return description.pendingActivities?.[0]?.attempt === 2 ? true : undefined;
    });
    expect(recorder.of(activityKey).map((a) => a.attempt)).toEqual([1]);
    await recorder.attemptStarted(inFlightKey, 1);
    await waitFor('child running', async () => {
      const description = await client.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: parentId } });
      return description.pendingChildren?.[0]?.runId ? true : undefined;
    });
    // Started last, just before the kill: its 300 ms are over by the time the server is back.
    const overdue = await client.workflow.start(sleeper, { taskQueue: worker.taskQueue, workflowId: overdueId, args: [300] });
    await waitFor('overdue timer started', async () => ((await fetchEventTypes(client, overdueId)).includes('TimerStarted') ? true : undefined));

    await devserver.killAndRestart();

    await signalled.signal(addSignal, 'after-restart');
    await client.workflow.getHandle(childId).signal(addSignal, 'child after restart');
    const again = await client.workflowService.startWorkflowExecution(startRequest);
    expect(again.runId).toBe(requestRun.runId);

    // Attempt 2 runs after the restart; its failure must be recorded and retried (not timed out).
    await recorder.attemptStarted(activityKey, 3);
    const pending = await waitFor('attempt 3 pending with its last failure', async () => {
      const description = await client.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: activityId } });
      const info = description.pendingActivities?.[0];
      return info?.attempt === 3 ? info : undefined;
    });
    expect(pending.lastFailure?.message).toBe('attempt 2 failed');
    gates.release(activityKey);
    // The attempt that was running through the restart completes with its original task token.
    gates.release(inFlightKey);

    expect(await timer.result()).toBe('slept 3000 ms');
    expect(await overdue.result()).toBe('slept 300 ms');
    expect(await parent.result()).toEqual(['child after restart']);
    expect(await fetchEventTypes(client, overdueId)).toEqual([...FIRST_TASK, 'TimerStarted', 'TimerFired', ...TASK, 'WorkflowExecutionCompleted']);
    expect((await fetchEventTypes(client, parentId)).filter((t) => t.includes('Child'))).toEqual([
      'StartChildWorkflowExecutionInitiated',
      'ChildWorkflowExecutionStarted',
      'ChildWorkflowExecutionCompleted',
    ]);
    expect(await activity.result()).toEqual({ ok: true, result: 'released on attempt 3' });
    expect(await signalled.result()).toEqual(['before-kill', 'after-restart']);
    expect(recorder.of(activityKey).map((a) => a.attempt)).toEqual([1, 2, 3]);

    expect(await fetchEventTypes(client, timerId)).toEqual([...FIRST_TASK, 'TimerStarted', 'TimerFired', ...TASK, 'WorkflowExecutionCompleted']);
    expect(await fetchEventTypes(client, activityId)).toEqual([
      ...FIRST_TASK, 'ActivityTaskScheduled', 'ActivityTaskStarted', 'ActivityTaskCompleted', ...TASK, 'WorkflowExecutionCompleted',
    ]);
    const activityStarted = (await fetchEvents(client, activityId)).find((e) => e.activityTaskStartedEventAttributes);
    expect(activityStarted?.activityTaskStartedEventAttributes?.attempt).toBe(3);
    expect(await fetchEventTypes(client, signalId)).toEqual([
      ...FIRST_TASK, 'WorkflowExecutionSignaled', ...TASK, 'WorkflowExecutionSignaled', ...TASK, 'WorkflowExecutionCompleted',
    ]);
    // Checked last so an open finding here does not hide the checks above.
    expect(await inFlight.result()).toEqual({ ok: true, result: 'released on attempt 1' });
    expect(recorder.of(inFlightKey).map((a) => a.attempt)).toEqual([1]);
  } finally {
    await worker.stop();
    await devserver.close();
  }
});

devserverOnlyTest('accepted and completed updates survive SIGKILL and restart: results, polling and id deduplication', async () => {
  const devserver = await startRestartableServer(path.join(stateDir, 'updates.db'));
  const { client, nativeConnection } = devserver;
  const worker = await startWorker(nativeConnection, 'default', bundle, {});
  try {
    const handle = await client.workflow.start(updatableCollector, { taskQueue: worker.taskQueue, workflowId: uniqueId('restart-updates') });
    expect(await handle.executeUpdate(addItemUpdate, { args: ['done'], updateId: 'completed-before-kill' })).toBe(1);
    const waiting = await handle.startUpdate(addItemUpdate, { args: ['wait'], updateId: 'accepted-before-kill', waitForStage: WorkflowUpdateStage.ACCEPTED });

    await devserver.killAndRestart();

    // The completed update answers a retry with the same id from history, without running again.
    expect(await handle.executeUpdate(addItemUpdate, { args: ['done'], updateId: 'completed-before-kill' })).toBe(1);
    await handle.signal(finishSignal);
    expect(await waiting.result()).toBe(2);
    expect(await handle.result()).toEqual(['done', 'wait']);
    const updateEvents = (await fetchEventTypes(client, handle.workflowId)).filter((type) => type.startsWith('WorkflowExecutionUpdate'));
    expect(updateEvents).toEqual([
      'WorkflowExecutionUpdateAccepted',
      'WorkflowExecutionUpdateCompleted',
      'WorkflowExecutionUpdateAccepted',
      'WorkflowExecutionUpdateCompleted',
    ]);
  } finally {
    await worker.stop();
    await devserver.close();
  }
}, 60_000);
