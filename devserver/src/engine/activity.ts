/**
 * Activity operations: dispatch an attempt, start it for a poller, take results, heartbeats,
 * cancellation, timeouts and retries per the activity's retry policy.
 */
import { EventType as E, Msg, RetryState, TimeoutType, msToDuration, msToTimestamp } from '../proto';
import { notFound } from '../grpc/errors';
import type { Engine } from './engine';
import type { Run } from './run';
import type { ActivityState } from './activity-state';
import { ActivityTaskOffer, TaskToken, encodeTaskToken } from './tasks';
import { decideRetry } from './retry';

const deadlineName = (activity: ActivityState) => `activity:${activity.scheduledEventId}`;

/** Offers the current attempt to the activity task queue and arms its deadlines. */
export function dispatchActivity(engine: Engine, run: Run, activity: ActivityState): void {
  activity.phase = 'scheduled';
  const attempt = activity.attempt;
  const offer: ActivityTaskOffer = {
    run,
    scheduledEventId: activity.scheduledEventId,
    attempt,
    isStale: () => {
      const current = run.activities.get(activity.scheduledEventId);
      return !run.isRunning || current !== activity || activity.attempt !== attempt || activity.phase !== 'scheduled';
    },
  };
  armActivityDeadline(engine, run, activity);
  engine.activityQueue(run.namespace, activity.taskQueue).offer(offer);
}

/** Arms the earliest deadline that applies to the activity's current phase. */
export function armActivityDeadline(engine: Engine, run: Run, activity: ActivityState): void {
  const deadlines: number[] = [];
  if (activity.scheduleToCloseMs > 0) deadlines.push(activity.scheduledTimeMs + activity.scheduleToCloseMs);
  if (activity.phase === 'scheduled' && activity.scheduleToStartMs > 0) {
    deadlines.push(activity.currentAttemptScheduledTimeMs + activity.scheduleToStartMs);
  }
  if (activity.phase === 'backoff') deadlines.push(activity.currentAttemptScheduledTimeMs);
  if (activity.phase === 'started') {
    if (activity.startToCloseMs > 0) deadlines.push(activity.startedTimeMs + activity.startToCloseMs);
    if (activity.heartbeatMs > 0) deadlines.push((activity.lastHeartbeatTimeMs || activity.startedTimeMs) + activity.heartbeatMs);
  }
  if (deadlines.length === 0) {
    engine.clearDeadline(run, deadlineName(activity));
    return;
  }
  engine.setDeadline(run, deadlineName(activity), Math.min(...deadlines), () => activityDeadlineReached(engine, run, activity));
}

function activityDeadlineReached(engine: Engine, run: Run, activity: ActivityState): void {
  if (!run.isRunning || run.activities.get(activity.scheduledEventId) !== activity) return;
  const now = engine.now();
  if (activity.scheduleToCloseMs > 0 && now >= activity.scheduledTimeMs + activity.scheduleToCloseMs) {
    timeOutActivity(engine, run, activity, TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE, false);
  } else if (activity.phase === 'backoff' && now >= activity.currentAttemptScheduledTimeMs) {
    dispatchActivity(engine, run, activity);
  } else if (activity.phase === 'scheduled' && activity.scheduleToStartMs > 0 && now >= activity.currentAttemptScheduledTimeMs + activity.scheduleToStartMs) {
    timeOutActivity(engine, run, activity, TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START, false);
  } else if (activity.phase === 'started' && activity.startToCloseMs > 0 && now >= activity.startedTimeMs + activity.startToCloseMs) {
    timeOutActivity(engine, run, activity, TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE, true);
  } else if (activity.phase === 'started' && activity.heartbeatMs > 0 && now >= (activity.lastHeartbeatTimeMs || activity.startedTimeMs) + activity.heartbeatMs) {
    timeOutActivity(engine, run, activity, TimeoutType.TIMEOUT_TYPE_HEARTBEAT, true);
  } else {
    armActivityDeadline(engine, run, activity);
  }
}

const timeoutNames: Record<number, string> = {
  [TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE]: 'StartToClose',
  [TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START]: 'ScheduleToStart',
  [TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE]: 'ScheduleToClose',
  [TimeoutType.TIMEOUT_TYPE_HEARTBEAT]: 'Heartbeat',
};

function timeOutActivity(engine: Engine, run: Run, activity: ActivityState, timeoutType: number, retryable: boolean): void {
  const failure: Msg = {
    message: `activity ${timeoutNames[timeoutType]} timeout`,
    timeoutFailureInfo: { timeoutType, lastHeartbeatDetails: activity.heartbeatDetails },
  };
  // Schedule-to-start and schedule-to-close timeouts are never retried (the server reports NON_RETRYABLE_FAILURE).
  let retryState: number = RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE;
  if (retryable) {
    const outcome = retryActivity(engine, run, activity, failure);
    if (outcome.retried) return;
    retryState = outcome.retryState;
  }
  const started = writeActivityStarted(engine, run, activity);
  engine.appendExternalEvent(
    run,
    E.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
    { failure, scheduledEventId: activity.scheduledEventId, retryState },
    started,
  );
  engine.clearDeadline(run, deadlineName(activity));
  engine.requestWorkflowTask(run);
}

/** Schedules the next attempt if the policy allows; otherwise says why the failure is final. */
function retryActivity(engine: Engine, run: Run, activity: ActivityState, failure: Msg): { retried: boolean; retryState: number } {
  const now = engine.now();
  const expiration = activity.scheduleToCloseMs > 0 ? activity.scheduledTimeMs + activity.scheduleToCloseMs : 0;
  const decision = decideRetry(activity.retryPolicy, activity.attempt, failure, now, expiration);
  if (activity.cancelRequested) return { retried: false, retryState: RetryState.RETRY_STATE_CANCEL_REQUESTED };
  if (!decision.retry) return { retried: false, retryState: decision.retryState };
  activity.lastFailure = failure;
  activity.lastAttemptCompleteTimeMs = now;
  activity.currentRetryIntervalMs = decision.backoffMs;
  activity.attempt += 1;
  activity.phase = 'backoff';
  activity.currentAttemptScheduledTimeMs = now + decision.backoffMs;
  activity.startedTimeMs = 0;
  activity.startedIdentity = '';
  activity.lastHeartbeatTimeMs = 0;
  engine.changed(run);
  if (decision.backoffMs <= 0) dispatchActivity(engine, run, activity);
  else armActivityDeadline(engine, run, activity);
  return { retried: true, retryState: RetryState.RETRY_STATE_IN_PROGRESS };
}

/** ActivityTaskStarted is written only when the attempt closes, carrying that attempt's number. */
function writeActivityStarted(engine: Engine, run: Run, activity: ActivityState): Msg {
  return engine.appendExternalEvent(run, E.EVENT_TYPE_ACTIVITY_TASK_STARTED, {
    scheduledEventId: activity.scheduledEventId,
    identity: activity.startedIdentity,
    requestId: activity.startedRequestId,
    attempt: activity.attempt,
    lastFailure: activity.lastFailure,
  });
}

/** Turns a matched activity offer into the poll response. */
export function startActivityTask(engine: Engine, offer: ActivityTaskOffer, poll: Msg): Msg | undefined {
  const run = offer.run;
  const activity = run.activities.get(offer.scheduledEventId);
  if (!activity || offer.isStale()) return undefined;
  const now = engine.now();
  activity.phase = 'started';
  activity.startedTimeMs = now;
  activity.startedIdentity = poll.identity ?? '';
  activity.startedRequestId = poll.requestId ?? '';
  activity.lastWorkerIdentity = activity.startedIdentity;
  engine.changed(run);
  armActivityDeadline(engine, run, activity);
  const a = activity.attributes;
  const token: TaskToken = {
    kind: 'a',
    namespace: run.namespace,
    workflowId: run.workflowId,
    runId: run.runId,
    scheduledEventId: activity.scheduledEventId,
    attempt: activity.attempt,
    activityId: activity.activityId,
  };
  return {
    taskToken: encodeTaskToken(token),
    workflowNamespace: run.namespace,
    workflowType: { name: run.workflowType },
    workflowExecution: run.execution,
    activityType: a.activityType,
    activityId: activity.activityId,
    header: a.header,
    input: a.input,
    heartbeatDetails: activity.heartbeatDetails,
    scheduledTime: msToTimestamp(activity.scheduledTimeMs),
    currentAttemptScheduledTime: msToTimestamp(activity.currentAttemptScheduledTimeMs),
    startedTime: msToTimestamp(now),
    attempt: activity.attempt,
    scheduleToCloseTimeout: a.scheduleToCloseTimeout,
    startToCloseTimeout: a.startToCloseTimeout,
    heartbeatTimeout: a.heartbeatTimeout,
    retryPolicy: a.retryPolicy,
    priority: a.priority,
  };
}

/** Starts an attempt for the worker completing the workflow task (eager activity execution). */
export function startEagerActivity(engine: Engine, run: Run, activity: ActivityState, identity: string): Msg | undefined {
  activity.phase = 'scheduled';
  const attempt = activity.attempt;
  return startActivityTask(
    engine,
    {
      run,
      scheduledEventId: activity.scheduledEventId,
      attempt,
      isStale: () => run.activities.get(activity.scheduledEventId) !== activity || activity.attempt !== attempt || activity.phase !== 'scheduled',
    },
    { identity },
  );
}

/** Resolves a task token (or workflow id + activity id) to the started attempt it names. */
export function requireStartedActivity(engine: Engine, token: TaskToken): { run: Run; activity: ActivityState } {
  const run = engine.getRun(token.namespace, token.workflowId, token.runId);
  const activity = run?.activities.get(token.scheduledEventId);
  if (!run || !run.isRunning || !activity || activity.attempt !== token.attempt || activity.phase !== 'started') {
    throw notFound('invalid activityID or activity already timed out or invoking workflow is completed');
  }
  return { run, activity };
}

export function findActivityById(engine: Engine, namespace: string, workflowId: string, runId: string, activityId: string): { run: Run; activity: ActivityState } {
  const run = runId ? engine.getRun(namespace, workflowId, runId) : engine.latestRun(namespace, workflowId);
  const scheduledEventId = run?.activityIdToScheduledEventId.get(activityId);
  const activity = scheduledEventId !== undefined ? run?.activities.get(scheduledEventId) : undefined;
  if (!run || !run.isRunning || !activity) {
    throw notFound(`activity "${activityId}" of workflow "${workflowId}" not found or already closed`);
  }
  return { run, activity };
}

function closeAttempt(engine: Engine, run: Run, activity: ActivityState, identity: string | undefined): Msg {
  if (identity) activity.startedIdentity = activity.startedIdentity || identity;
  engine.clearDeadline(run, deadlineName(activity));
  return writeActivityStarted(engine, run, activity);
}

export function completeActivity(engine: Engine, run: Run, activity: ActivityState, result: Msg | undefined, identity: string): void {
  const started = closeAttempt(engine, run, activity, identity);
  engine.appendExternalEvent(run, E.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, { result, scheduledEventId: activity.scheduledEventId, identity }, started);
  engine.requestWorkflowTask(run);
}

export function failActivity(engine: Engine, run: Run, activity: ActivityState, failure: Msg | undefined, identity: string, lastHeartbeatDetails?: Msg): void {
  if (lastHeartbeatDetails) activity.heartbeatDetails = lastHeartbeatDetails;
  const reported = failure ?? { message: 'activity failed without a failure' };
  const outcome = retryActivity(engine, run, activity, reported);
  if (outcome.retried) return;
  const started = closeAttempt(engine, run, activity, identity);
  engine.appendExternalEvent(
    run,
    E.EVENT_TYPE_ACTIVITY_TASK_FAILED,
    { failure: reported, scheduledEventId: activity.scheduledEventId, identity, retryState: outcome.retryState },
    started,
  );
  engine.requestWorkflowTask(run);
}

export function cancelActivityReported(engine: Engine, run: Run, activity: ActivityState, details: Msg | undefined, identity: string): void {
  const started = closeAttempt(engine, run, activity, identity);
  engine.appendExternalEvent(
    run,
    E.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
    { details, latestCancelRequestedEventId: activity.cancelRequestedEventId, scheduledEventId: activity.scheduledEventId, identity },
    started,
  );
  engine.requestWorkflowTask(run);
}

/** Returns whether the workflow asked for cancellation, which the worker learns from this response. */
export function heartbeatActivity(engine: Engine, run: Run, activity: ActivityState, details: Msg | undefined): boolean {
  activity.lastHeartbeatTimeMs = engine.now();
  if (details) activity.heartbeatDetails = details;
  engine.changed(run);
  armActivityDeadline(engine, run, activity);
  return activity.cancelRequested;
}

/** RequestCancelActivityTask command: not-yet-started attempts are canceled at once. */
export function requestCancelActivity(engine: Engine, run: Run, scheduledEventId: number, completedEventId: number): void {
  const activity = run.activities.get(scheduledEventId)!;
  const requested = engine.appendEvent(run, E.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED, {
    scheduledEventId,
    workflowTaskCompletedEventId: completedEventId,
  });
  if (activity.phase !== 'started') {
    engine.clearDeadline(run, deadlineName(activity));
    engine.appendEvent(run, E.EVENT_TYPE_ACTIVITY_TASK_CANCELED, {
      latestCancelRequestedEventId: requested.eventId,
      scheduledEventId,
      startedEventId: 0,
      identity: '',
    });
    // The workflow has not seen this event yet, so it needs another workflow task.
    engine.requestWorkflowTask(run);
  }
}

export function pendingActivityInfo(activity: ActivityState): Msg {
  const stateByPhase = { scheduled: 1, started: 2, backoff: 1 } as const;
  return {
    activityId: activity.activityId,
    activityType: { name: activity.activityType },
    state: activity.cancelRequested ? 3 : stateByPhase[activity.phase],
    heartbeatDetails: activity.heartbeatDetails,
    lastHeartbeatTime: activity.lastHeartbeatTimeMs ? msToTimestamp(activity.lastHeartbeatTimeMs) : undefined,
    lastStartedTime: activity.startedTimeMs ? msToTimestamp(activity.startedTimeMs) : undefined,
    attempt: activity.attempt,
    maximumAttempts: activity.retryPolicy.maximumAttempts ?? 0,
    scheduledTime: msToTimestamp(activity.currentAttemptScheduledTimeMs),
    expirationTime: activity.scheduleToCloseMs > 0 ? msToTimestamp(activity.scheduledTimeMs + activity.scheduleToCloseMs) : undefined,
    lastFailure: activity.lastFailure,
    lastWorkerIdentity: activity.lastWorkerIdentity,
    currentRetryInterval: activity.currentRetryIntervalMs > 0 ? msToDuration(activity.currentRetryIntervalMs) : undefined,
    lastAttemptCompleteTime: activity.lastAttemptCompleteTimeMs ? msToTimestamp(activity.lastAttemptCompleteTimeMs) : undefined,
    nextAttemptScheduleTime: activity.phase === 'backoff' ? msToTimestamp(activity.currentAttemptScheduledTimeMs) : undefined,
  };
}
