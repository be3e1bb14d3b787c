/**
 * Workflow task operations: schedule, hand to a poller, fail, time out. Completion (which runs the
 * workflow's commands) is in workflow-task-completion.ts, so that entities never import this module's
 * callers: they request a task with `engine.requestWorkflowTask` and `scheduleRequestedWorkflowTask`
 * below is the one place that schedules it.
 */
import { EventType as E, Msg, TaskQueueKind, TimeoutType, msToDuration, msToTimestamp } from '../proto';
import { notFound } from '../grpc/errors';
import type { Engine } from './engine';
import type { Run } from './run';
import { WorkflowQueueTask, encodeTaskToken, TaskToken } from './tasks';
import { dispatchQueuedQueries } from './query';
import { updateMessagesForTask } from './update';

const STICKY_DEADLINE = 'wft-schedule-to-start';
const START_TO_CLOSE_DEADLINE = 'wft-start-to-close';

/**
 * The one place that schedules workflow tasks: for a run that requested one, unless one is already
 * scheduled. With a task in flight the request waits: that task's end writes the events that
 * arrived meanwhile and schedules the next task (flushAndReschedule).
 */
export function scheduleRequestedWorkflowTask(engine: Engine, run: Run): void {
  const scheduledEventId = takeWorkflowTaskRequest(engine, run);
  if (scheduledEventId) offerWorkflowTask(engine, run, scheduledEventId);
}

/**
 * Eager workflow start: the first workflow task of a run just started goes to the worker that
 * started it, in the start response, instead of through the task queue.
 */
export function startEagerWorkflowTask(engine: Engine, run: Run, identity: string): Msg | undefined {
  const scheduledEventId = takeWorkflowTaskRequest(engine, run);
  if (!scheduledEventId) return undefined;
  const offer: WorkflowQueueTask = { kind: 'workflow', run, scheduledEventId, isStale: () => run.workflowTask?.scheduledEventId !== scheduledEventId || run.workflowTask.started };
  return startWorkflowTask(engine, offer, { identity }, run.taskQueue);
}

/** Writes WorkflowTaskScheduled for a requested task; its event id, or 0 when there is nothing to schedule. */
function takeWorkflowTaskRequest(engine: Engine, run: Run): number {
  if (!run.workflowTaskRequested || run.workflowTaskInFlight) return 0;
  run.workflowTaskRequested = false;
  if (!run.isRunning || run.workflowTask) return 0;
  const sticky = run.stickyQueue !== '';
  const attempt = run.nextWorkflowTaskAttempt;
  const event = engine.appendEvent(run, E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, {
    taskQueue: sticky
      ? { name: run.stickyQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_STICKY, normalName: run.taskQueue }
      : { name: run.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    startToCloseTimeout: msToDuration(run.workflowTaskTimeoutMs),
    attempt,
  });
  return event.eventId;
}

/** Puts the run's scheduled workflow task on its queue (also used after a restart). */
export function offerWorkflowTask(engine: Engine, run: Run, scheduledEventId: number): void {
  const task = run.workflowTask;
  if (!task || task.scheduledEventId !== scheduledEventId) return;
  const queue = engine.workflowQueue(run.namespace, task.taskQueue);
  if (task.sticky && run.stickyScheduleToStartMs > 0) {
    engine.setDeadline(run, STICKY_DEADLINE, engine.now() + run.stickyScheduleToStartMs, () => stickyTimedOut(engine, run, scheduledEventId));
  }
  queue.offer({
    kind: 'workflow',
    run,
    scheduledEventId,
    isStale: () => !run.isRunning || run.workflowTask?.scheduledEventId !== scheduledEventId || run.workflowTask.started,
  });
}

/**
 * Stops using the run's sticky queue (ResetStickyTaskQueue, ShutdownWorker): a workflow task
 * waiting there moves to the normal queue at once, with full history.
 */
export function abandonStickyQueue(engine: Engine, run: Run): void {
  run.stickyQueue = '';
  engine.changed(run);
  const task = run.workflowTask;
  if (run.isRunning && task && task.sticky && !task.started) stickyTimedOut(engine, run, task.scheduledEventId);
}

/** The sticky worker did not pick the task up in time: time it out and reschedule on the normal queue. */
function stickyTimedOut(engine: Engine, run: Run, scheduledEventId: number): void {
  const task = run.workflowTask;
  if (!run.isRunning || !task || task.scheduledEventId !== scheduledEventId || task.started) return;
  engine.log('debug', `sticky queue ${task.taskQueue} not polled in time for ${run.workflowId}; falling back to ${run.taskQueue}`);
  run.stickyQueue = '';
  engine.appendEvent(run, E.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT, {
    scheduledEventId,
    startedEventId: 0,
    timeoutType: TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START,
  });
  flushAndReschedule(engine, run, true);
}

/** Turns a matched workflow task offer into the poll response, writing WorkflowTaskStarted. */
export function startWorkflowTask(engine: Engine, task: WorkflowQueueTask, poll: Msg, fromQueue: string): Msg | undefined {
  if (task.kind === 'query') return undefined;
  const run = task.run;
  const wft = run.workflowTask;
  if (!wft || task.isStale()) return undefined;
  engine.clearDeadline(run, STICKY_DEADLINE);
  const started = engine.appendEvent(run, E.EVENT_TYPE_WORKFLOW_TASK_STARTED, {
    scheduledEventId: wft.scheduledEventId,
    identity: poll.identity ?? '',
    requestId: poll.requestId ?? '',
    historySizeBytes: 0,
  });
  const startedEventId = started.eventId;
  engine.setDeadline(run, START_TO_CLOSE_DEADLINE, engine.now() + wft.startToCloseMs, () =>
    workflowTaskStartToCloseTimedOut(engine, run, wft.scheduledEventId, startedEventId),
  );
  const previousStartedEventId = run.lastCompletedWorkflowTaskStartedEventId;
  // A sticky worker has everything up to the last completed task cached; others need it all.
  const isStickyPoll = fromQueue !== run.taskQueue && fromQueue === run.stickyQueue && previousStartedEventId > 0;
  const events = isStickyPoll ? run.history.events.slice(previousStartedEventId) : run.history.events.slice();
  const token: TaskToken = {
    kind: 'w',
    namespace: run.namespace,
    workflowId: run.workflowId,
    runId: run.runId,
    scheduledEventId: wft.scheduledEventId,
    attempt: wft.attempt,
  };
  return {
    taskToken: encodeTaskToken(token),
    workflowExecution: run.execution,
    workflowType: { name: run.workflowType },
    previousStartedEventId,
    startedEventId,
    attempt: wft.attempt,
    backlogCountHint: 0,
    history: { events },
    workflowExecutionTaskQueue: { name: run.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    scheduledTime: msToTimestamp(wft.scheduledTimeMs),
    startedTime: msToTimestamp(wft.startedTimeMs),
    messages: updateMessagesForTask(run, wft.scheduledEventId, startedEventId),
  };
}

function workflowTaskStartToCloseTimedOut(engine: Engine, run: Run, scheduledEventId: number, startedEventId: number): void {
  const task = run.workflowTask;
  if (!run.isRunning || !task || task.scheduledEventId !== scheduledEventId || !task.started) return;
  engine.log('debug', `workflow task ${scheduledEventId} of ${run.workflowId} timed out`);
  // The worker that held it may be gone; the next attempt goes to the normal queue with full history.
  run.stickyQueue = '';
  engine.appendEvent(run, E.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT, {
    scheduledEventId,
    startedEventId,
    timeoutType: TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE,
  });
  flushAndReschedule(engine, run, true);
}

/** The worker answered: its start-to-close clock stops. */
export function stopWorkflowTaskClock(engine: Engine, run: Run): void {
  engine.clearDeadline(run, START_TO_CLOSE_DEADLINE);
}

/** After a workflow task ends without closing the run: write buffered events, schedule the next task if needed. */
export function flushAndReschedule(engine: Engine, run: Run, force: boolean): void {
  const flushed = run.history.flush();
  if (flushed.length > 0) engine.changed(run);
  if (!run.isRunning) {
    run.workflowTaskRequested = false;
    return;
  }
  if (force || flushed.length > 0) engine.requestWorkflowTask(run);
  if (run.workflowTaskRequested) scheduleRequestedWorkflowTask(engine, run);
  else dispatchQueuedQueries(engine, run);
}

/** Finds the in-flight workflow task a token names, or throws NOT_FOUND as the server does. */
export function requireStartedWorkflowTask(engine: Engine, token: TaskToken): Run {
  const run = engine.getRun(token.namespace, token.workflowId, token.runId);
  const task = run?.workflowTask;
  if (!run || !run.isRunning || !task || !task.started || task.scheduledEventId !== token.scheduledEventId || task.attempt !== token.attempt) {
    throw notFound('Workflow task not found.');
  }
  return run;
}

export function failWorkflowTask(engine: Engine, run: Run, details: { cause: number; failure?: Msg; identity?: string }): void {
  const task = run.workflowTask!;
  engine.clearDeadline(run, START_TO_CLOSE_DEADLINE);
  run.stickyQueue = '';
  engine.appendEvent(run, E.EVENT_TYPE_WORKFLOW_TASK_FAILED, {
    scheduledEventId: task.scheduledEventId,
    startedEventId: task.startedEventId,
    cause: details.cause,
    failure: details.failure,
    identity: details.identity ?? '',
  });
  flushAndReschedule(engine, run, true);
}
