/**
 * Workflows of the conformance suite (bundled once per test file). Failures are returned as plain
 * summaries so tests can assert on the exact failure chain the server produced.
 */
import {
  ActivityFailure,
  ActivityOptions,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  executeChild,
  getExternalWorkflowHandle,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  startChild,
  TemporalFailure,
  TimeoutFailure,
  upsertSearchAttributes,
  workflowInfo,
  allHandlersFinished,
} from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { ConformanceActivities } from '../helpers/activities';

export interface FailureSummary {
  kind: string;
  message: string;
  type?: string;
  nonRetryable?: boolean;
  timeoutType?: string;
  retryState?: string;
  activityType?: string;
  workflowType?: string;
  lastHeartbeatDetails?: unknown;
  cause?: FailureSummary;
}

export function summarizeFailure(error: unknown): FailureSummary {
  if (!(error instanceof Error)) return { kind: 'NotAnError', message: String(error) };
  const summary: FailureSummary = { kind: error.constructor.name, message: error.message };
  if (error instanceof ApplicationFailure) {
    summary.type = error.type ?? undefined;
    summary.nonRetryable = error.nonRetryable ?? undefined;
  }
  if (error instanceof TimeoutFailure) {
    summary.timeoutType = error.timeoutType;
    if (error.lastHeartbeatDetails !== undefined) summary.lastHeartbeatDetails = error.lastHeartbeatDetails;
  }
  if (error instanceof ActivityFailure) {
    summary.retryState = error.retryState;
    summary.activityType = error.activityType;
  }
  if (error instanceof ChildWorkflowFailure) {
    summary.retryState = error.retryState;
    summary.workflowType = error.workflowType;
  }
  if (error instanceof TemporalFailure && error.cause) summary.cause = summarizeFailure(error.cause);
  return summary;
}

export type Outcome = { ok: true; result: unknown } | { ok: false; failure: FailureSummary };

/** Runs one activity with the given options and reports how it ended. */
export async function runActivity(
  activity: keyof ConformanceActivities,
  args: unknown[],
  options: ActivityOptions,
): Promise<Outcome> {
  const activities = proxyActivities<Record<string, (...a: unknown[]) => Promise<unknown>>>(options);
  try {
    return { ok: true, result: await activities[activity](...args) };
  } catch (error) {
    return { ok: false, failure: summarizeFailure(error) };
  }
}

export const cancelActivitySignal = defineSignal('cancelActivity');

/** Starts a heartbeating activity, cancels it when told to, and waits for the activity to acknowledge. */
export async function cancelActivityWhenSignalled(key: string): Promise<Outcome> {
  let cancelRequested = false;
  setHandler(cancelActivitySignal, () => void (cancelRequested = true));
  const { heartbeatUntilCancelled } = proxyActivities<ConformanceActivities>({
    startToCloseTimeout: '30s',
    heartbeatTimeout: '2s',
    cancellationType: 'WAIT_CANCELLATION_COMPLETED',
  });
  const scope = new CancellationScope();
  const activity = scope.run(() => heartbeatUntilCancelled(key));
  await condition(() => cancelRequested);
  scope.cancel();
  try {
    return { ok: true, result: await activity };
  } catch (error) {
    return { ok: false, failure: summarizeFailure(error) };
  }
}

export async function sleeper(ms: number): Promise<string> {
  await sleep(ms);
  return `slept ${ms} ms`;
}

/** A long timer cancelled after a short one fires: history shows both timers and the cancellation. */
export async function cancelledTimer(): Promise<string> {
  const scope = new CancellationScope();
  const longTimer = scope.run(() => sleep(60_000));
  await sleep(100);
  scope.cancel();
  try {
    await longTimer;
    return 'long timer fired';
  } catch (error) {
    return isCancellation(error) ? 'long timer cancelled' : `unexpected ${String(error)}`;
  }
}

/** `timers` one-millisecond timers one after another: a history of known length for paging tests. */
export async function timerChain(timers: number): Promise<number> {
  for (let index = 0; index < timers; index++) await sleep(1);
  return timers;
}

export const addSignal = defineSignal<[string]>('add');
export const itemsQuery = defineQuery<string[]>('items');
export const lengthQuery = defineQuery<number, [number]>('lengthPlus');

/** Collects `count` signal values; queries expose them meanwhile. */
export async function signalCollector(count: number): Promise<string[]> {
  const items: string[] = [];
  setHandler(addSignal, (item) => void items.push(item));
  setHandler(itemsQuery, () => [...items]);
  setHandler(lengthQuery, (extra) => items.length + extra);
  await condition(() => items.length >= count);
  return items;
}

/** Never finishes on its own: for cancel, terminate, describe and list tests. */
export async function waitForever(): Promise<never> {
  await condition(() => false);
  throw new Error('unreachable');
}

export async function childEcho(value: string): Promise<string> {
  return `child got ${value}`;
}

export async function childFails(message: string): Promise<never> {
  throw ApplicationFailure.nonRetryable(message, 'ChildError');
}

/** Parent side of the child-workflow tests: 'result' | 'failure' | 'cancel'. */
export async function parentOf(mode: 'result' | 'failure' | 'cancel', childId: string): Promise<Outcome> {
  try {
    if (mode === 'result') return { ok: true, result: await executeChild(childEcho, { args: ['hello'], workflowId: childId }) };
    if (mode === 'failure') return { ok: true, result: await executeChild(childFails, { args: ['child broke'], workflowId: childId }) };
    const scope = new CancellationScope();
    const handle = await scope.run(() => startChild(waitForever, { workflowId: childId }));
    scope.cancel();
    return { ok: true, result: await handle.result() };
  } catch (error) {
    return { ok: false, failure: summarizeFailure(error) };
  }
}

/** Starts a child that waits forever, then waits itself: describe shows the pending child. */
export async function parentWithPendingChild(childId: string): Promise<never> {
  await startChild(waitForever, { workflowId: childId });
  await condition(() => false);
  throw new Error('unreachable');
}

/** Continues as new until `iteration` reaches `last`; the result names the run chain's length. */
export async function continueAsNewCounter(iteration: number, last: number): Promise<string> {
  if (iteration < last) await continueAsNew<typeof continueAsNewCounter>(iteration + 1, last);
  return `finished at iteration ${iteration}, first run ${workflowInfo().firstExecutionRunId}`;
}

/** Holds an activity pending (retrying, then running) until the test releases it. */
export async function pendingActivityHolder(key: string, holdAttempt: number): Promise<string> {
  const { failThenHold } = proxyActivities<ConformanceActivities>({
    startToCloseTimeout: '30s',
    heartbeatTimeout: '10s',
    retry: { initialInterval: '100ms', backoffCoefficient: 1, maximumAttempts: 10 },
  });
  return await failThenHold(key, holdAttempt);
}

export async function failingWorkflow(message: string): Promise<never> {
  throw ApplicationFailure.nonRetryable(message, 'WorkflowBroke');
}

export const proceedSignal = defineSignal<[string]>('proceed');

/**
 * For the restart test: one signal, an activity that fails until its third attempt, a timer, a second
 * signal. The test kills the server while this waits at one of those steps.
 */
export async function durableSteps(key: string, timerMs: number): Promise<{ signals: string[]; activity: unknown }> {
  const signals: string[] = [];
  setHandler(proceedSignal, (value) => void signals.push(value));
  await condition(() => signals.length >= 1);
  const { failUntil } = proxyActivities<ConformanceActivities>({
    startToCloseTimeout: '10s',
    retry: { initialInterval: '1500ms', backoffCoefficient: 1, maximumAttempts: 5 },
  });
  const activity = await failUntil(key, 3);
  await sleep(timerMs);
  await condition(() => signals.length >= 2);
  return { signals, activity };
}

/** Two local activities (recorded as markers) and one normal activity. */
export async function localAndRemote(value: string): Promise<unknown[]> {
  const local = proxyLocalActivities<ConformanceActivities>({ startToCloseTimeout: '10s' });
  const remote = proxyActivities<ConformanceActivities>({ startToCloseTimeout: '10s' });
  return [await local.echo(`${value}-local-1`), await local.echo(`${value}-local-2`), await remote.echo(`${value}-remote`)];
}

/** Runs the activity the test completes (or fails) through the async completion client. */
export async function asyncCompletion(key: string): Promise<Outcome> {
  const { completeAsync } = proxyActivities<ConformanceActivities>({ startToCloseTimeout: '30s', retry: { maximumAttempts: 1 } });
  try {
    return { ok: true, result: await completeAsync(key) };
  } catch (error) {
    return { ok: false, failure: summarizeFailure(error) };
  }
}

/** Signals and then cancels another workflow by id. */
export async function signalAndCancelExternal(targetId: string): Promise<string> {
  const target = getExternalWorkflowHandle(targetId);
  await target.signal(addSignal, 'from another workflow');
  await target.cancel();
  return 'signalled and cancelled';
}

/** Starts a child with an id a running workflow already holds. */
export async function childIdConflict(childId: string): Promise<Outcome> {
  try {
    return { ok: true, result: await executeChild(childEcho, { args: ['x'], workflowId: childId }) };
  } catch (error) {
    return { ok: false, failure: summarizeFailure(error) };
  }
}

export const upsertSignal = defineSignal<[string, number]>('upsert');

/** Upserts CustomKeywordField / CustomIntField when signalled, then waits. */
export async function upsertOnSignal(): Promise<never> {
  const keywordKey = defineSearchAttributeKey('CustomKeywordField', SearchAttributeType.KEYWORD);
  const intKey = defineSearchAttributeKey('CustomIntField', SearchAttributeType.INT);
  setHandler(upsertSignal, (keyword, int) =>
    upsertSearchAttributes([
      { key: keywordKey, value: keyword },
      { key: intKey, value: int },
    ]),
  );
  await condition(() => false);
  throw new Error('unreachable');
}

/** Fails on its first attempt (per workflowInfo().attempt), succeeds on the next: workflow retry policy. */
export async function failFirstAttempt(): Promise<string> {
  const { attempt } = workflowInfo();
  if (attempt < 2) throw ApplicationFailure.retryable(`workflow attempt ${attempt} failed`, 'WorkflowFlaky');
  return `succeeded on workflow attempt ${attempt}`;
}

/** Throws a plain Error, which fails the workflow task (not the workflow) so the server retries the task. */
export async function brokenWorkflowTask(): Promise<never> {
  throw new Error('workflow code is broken');
}

/** Waits for a child that itself waits for one signal; returns the child's result. */
export async function parentAwaitingSignalledChild(childId: string): Promise<string[]> {
  return await executeChild(signalCollector, { args: [1], workflowId: childId });
}

/** Echoes `size` characters through an activity and returns how many came back. */
export async function largePayload(size: number): Promise<number> {
  const { echo } = proxyActivities<ConformanceActivities>({ startToCloseTimeout: '30s' });
  const text = 'x'.repeat(size);
  const back = (await echo(text)) as string;
  return back === text ? back.length : -1;
}

/** Schedules an activity on a queue nobody polls and cancels it before it could start. */
export async function cancelUnstartedActivity(taskQueue: string): Promise<Outcome> {
  let cancelRequested = false;
  setHandler(cancelActivitySignal, () => void (cancelRequested = true));
  const { echo } = proxyActivities<ConformanceActivities>({
    taskQueue,
    startToCloseTimeout: '10s',
    cancellationType: 'WAIT_CANCELLATION_COMPLETED',
  });
  const scope = new CancellationScope();
  const activity = scope.run(() => echo('never runs'));
  await condition(() => cancelRequested);
  scope.cancel();
  try {
    return { ok: true, result: await activity };
  } catch (error) {
    return { ok: false, failure: summarizeFailure(error) };
  }
}

/**
 * Completes right after a local activity; a signal sent while that activity runs arrives during the
 * workflow task, so the server must reject the completion and hand the signal to a new task.
 */
export async function completeDespiteSignal(key: string): Promise<string[]> {
  const items: string[] = [];
  setHandler(addSignal, (item) => void items.push(item));
  const { sleepFor } = proxyLocalActivities<ConformanceActivities>({ startToCloseTimeout: '10s' });
  await sleepFor(key, 1000);
  return items;
}

/** Runs a child that cannot finish before its execution timeout. */
export async function parentOfTimingOutChild(childId: string): Promise<Outcome> {
  try {
    return { ok: true, result: await executeChild(waitForever, { workflowId: childId, workflowExecutionTimeout: '500ms' }) };
  } catch (error) {
    return { ok: false, failure: summarizeFailure(error) };
  }
}

/** Starts a waiting child with the given parent close policy, then completes at once. */
export async function parentClosingOverChild(childId: string, parentClosePolicy: 'ABANDON' | 'REQUEST_CANCEL' | 'TERMINATE'): Promise<string> {
  await startChild(waitForever, { workflowId: childId, parentClosePolicy });
  return `closed over ${parentClosePolicy}`;
}

// ---- updates ---------------------------------------------------------------------------------

/** Adds an item and answers the item count; 'wait' waits for the finish signal, 'fail' fails the update, '' is rejected. */
export const addItemUpdate = defineUpdate<number, [string]>('addItem');
export const finishSignal = defineSignal('finish');
export const updateItemsQuery = defineQuery<string[]>('updateItems');

export async function updatableCollector(): Promise<string[]> {
  const items: string[] = [];
  let finished = false;
  setHandler(
    addItemUpdate,
    async (item) => {
      if (item === 'fail') throw ApplicationFailure.nonRetryable('fail items are refused', 'BadItem');
      if (item === 'wait') await condition(() => finished);
      items.push(item);
      return items.length;
    },
    {
      validator: (item) => {
        if (!item) throw new Error('empty items are rejected');
      },
    },
  );
  setHandler(finishSignal, () => {
    finished = true;
  });
  setHandler(updateItemsQuery, () => items);
  await condition(() => finished && allHandlersFinished());
  return items;
}
