/**
 * Workflow run lifecycle: start, signal, cancel request, terminate, run/execution timeout, and
 * closing a run: its close event, a retry per the workflow's retry policy (a failed or timed-out
 * run closes with `newExecutionRunId` and the next attempt starts after the policy's backoff, as
 * the server does), and what the close does to its parent and children.
 */
import { randomUUID } from 'node:crypto';
import { EventType as E, Msg, RetryState, TaskQueueKind, WorkflowExecutionStatus as S, WorkflowTaskFailedCause, msToDuration, msToTimestamp } from '../proto';
import type { Engine } from './engine';
import { Run } from './run';
import { attributesOf } from './history';
import { dispatchQueuedQueries, failQueuedQueries } from './query';
import { decideRetry, normalizeRetryPolicy } from './retry';
import { closeUpdates } from './update';

export interface StartParams {
  namespace: string;
  workflowId: string;
  workflowType: string;
  taskQueue: string;
  input?: Msg;
  executionTimeoutMs: number;
  runTimeoutMs: number;
  taskTimeoutMs: number;
  identity: string;
  requestId: string;
  memo?: Msg;
  searchAttributes?: Msg;
  header?: Msg;
  retryPolicy?: Msg;
  cronSchedule?: string;
  startDelayMs?: number;
  parent?: { namespace: string; workflowId: string; runId: string; initiatedEventId: number };
  continuedExecutionRunId?: string;
  firstExecutionRunId?: string;
  executionExpirationMs?: number;
  initiator?: number;
  attempt?: number;
  lastCompletionResult?: Msg;
  continuedFailure?: Msg;
  /** SignalWithStart: the signal recorded right after the start event. */
  signal?: { signalName: string; input?: Msg; header?: Msg; identity: string };
}

const RUN_DEADLINE = 'run-timeout';
const FIRST_TASK_BACKOFF = 'first-task-backoff';

export function startRun(engine: Engine, params: StartParams): Run {
  const runId = randomUUID();
  const run = new Run(params.namespace, params.workflowId, runId);
  run.startRequestId = params.requestId;
  engine.addRun(run);
  const now = engine.now();
  const executionTimeoutMs = params.executionTimeoutMs;
  const runTimeoutMs = params.runTimeoutMs > 0 ? (executionTimeoutMs > 0 ? Math.min(params.runTimeoutMs, executionTimeoutMs) : params.runTimeoutMs) : executionTimeoutMs;
  const expirationMs = params.executionExpirationMs ?? (executionTimeoutMs > 0 ? now + executionTimeoutMs : 0);
  const startDelayMs = params.startDelayMs ?? 0;
  engine.appendEvent(run, E.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, {
    workflowType: { name: params.workflowType },
    parentWorkflowNamespace: params.parent?.namespace,
    parentWorkflowExecution: params.parent ? { workflowId: params.parent.workflowId, runId: params.parent.runId } : undefined,
    parentInitiatedEventId: params.parent?.initiatedEventId,
    taskQueue: { name: params.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    input: params.input,
    workflowExecutionTimeout: executionTimeoutMs > 0 ? msToDuration(executionTimeoutMs) : undefined,
    workflowRunTimeout: runTimeoutMs > 0 ? msToDuration(runTimeoutMs) : undefined,
    workflowTaskTimeout: msToDuration(params.taskTimeoutMs > 0 ? params.taskTimeoutMs : 10_000),
    continuedExecutionRunId: params.continuedExecutionRunId,
    initiator: params.initiator,
    continuedFailure: params.continuedFailure,
    lastCompletionResult: params.lastCompletionResult,
    originalExecutionRunId: runId,
    identity: params.identity,
    firstExecutionRunId: params.firstExecutionRunId ?? runId,
    retryPolicy: params.retryPolicy,
    attempt: params.attempt ?? 1,
    workflowExecutionExpirationTime: expirationMs > 0 ? msToTimestamp(expirationMs) : undefined,
    cronSchedule: params.cronSchedule,
    firstWorkflowTaskBackoff: startDelayMs > 0 ? msToDuration(startDelayMs) : undefined,
    memo: params.memo,
    searchAttributes: params.searchAttributes,
    header: params.header,
    workflowId: params.workflowId,
  }, now);
  if (params.signal) {
    engine.appendEvent(run, E.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, {
      signalName: params.signal.signalName,
      input: params.signal.input,
      identity: params.signal.identity,
      header: params.signal.header,
    });
  }
  armRunTimeout(engine, run);
  if (startDelayMs > 0) {
    engine.setDeadline(run, FIRST_TASK_BACKOFF, now + startDelayMs, () => engine.requestWorkflowTask(run));
  } else {
    engine.requestWorkflowTask(run);
  }
  return run;
}

/** Arms the run-timeout / execution-expiration deadline (also after a restart). */
export function armRunTimeout(engine: Engine, run: Run): void {
  const deadlines: number[] = [];
  if (run.runTimeoutMs > 0) deadlines.push(run.startTimeMs + run.runTimeoutMs);
  if (run.executionExpirationMs > 0) deadlines.push(run.executionExpirationMs);
  if (deadlines.length === 0) return;
  engine.setDeadline(run, RUN_DEADLINE, Math.min(...deadlines), () => {
    if (!run.isRunning) return;
    forceClose(engine, run, E.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, {});
  });
}

/** Re-arms the first workflow task after a start delay (after a restart). */
export function armFirstTaskBackoff(engine: Engine, run: Run): void {
  if (!run.isRunning || run.workflowTask || run.lastCompletedWorkflowTaskStartedEventId > 0 || run.executionTimeMs <= run.startTimeMs) return;
  engine.setDeadline(run, FIRST_TASK_BACKOFF, run.executionTimeMs, () => engine.requestWorkflowTask(run));
}

/**
 * Closes a run from outside the workflow (terminate, timeout): a workflow task in flight is
 * failed first so that history stays well formed for replay.
 */
export function forceClose(engine: Engine, run: Run, eventType: number, attributes: Msg): void {
  const task = run.workflowTask;
  if (task?.started) {
    engine.appendEvent(run, E.EVENT_TYPE_WORKFLOW_TASK_FAILED, {
      scheduledEventId: task.scheduledEventId,
      startedEventId: task.startedEventId,
      cause: WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND,
      identity: '',
    });
  }
  const flushed = run.history.flush();
  if (flushed.length > 0) engine.changed(run);
  closeRun(engine, run, eventType, attributes);
}

export function terminateRun(engine: Engine, run: Run, reason: string, details: Msg | undefined, identity: string): void {
  forceClose(engine, run, E.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED, { reason, details, identity });
}

export function signalRun(engine: Engine, run: Run, signal: { signalName: string; input?: Msg; header?: Msg; identity: string; requestId?: string; externalWorkflowExecution?: Msg }): void {
  if (signal.requestId) {
    if (run.requestIds.has(signal.requestId)) return;
    run.requestIds.add(signal.requestId);
    if (run.requestIds.size > 100) run.requestIds.delete(run.requestIds.values().next().value as string);
  }
  engine.appendExternalEvent(run, E.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, {
    signalName: signal.signalName,
    input: signal.input,
    identity: signal.identity,
    header: signal.header,
    externalWorkflowExecution: signal.externalWorkflowExecution,
  });
  engine.requestWorkflowTask(run);
}

export function requestCancelRun(engine: Engine, run: Run, request: { reason: string; identity: string; requestId?: string; externalInitiatedEventId?: number; externalWorkflowExecution?: Msg }): void {
  if (run.cancelRequested) return;
  engine.appendExternalEvent(run, E.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED, {
    cause: request.reason,
    identity: request.identity,
    externalInitiatedEventId: request.externalInitiatedEventId,
    externalWorkflowExecution: request.externalWorkflowExecution,
  });
  engine.requestWorkflowTask(run);
}

const RETRY_INITIATOR = 2; // CONTINUE_AS_NEW_INITIATOR_RETRY

/**
 * Writes the run's close event (`eventType` is one of the WorkflowExecution{Completed, Failed,
 * Canceled, Terminated, TimedOut, ContinuedAsNew} events) and does what follows it. A failed or
 * timed-out run is retried if its retry policy allows.
 */
export function closeRun(engine: Engine, run: Run, eventType: number, attributes: Msg): void {
  const retryable = eventType === E.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED || eventType === E.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT;
  if (!retryable) {
    engine.appendEvent(run, eventType, attributes);
  } else {
    const { retryState, nextRunId } = retryFailedRun(engine, run, eventType, attributes);
    engine.appendEvent(run, eventType, { ...attributes, retryState, newExecutionRunId: nextRunId });
  }
  afterClose(engine, run);
}

/** Starts the next attempt of a failed or timed-out run if its policy allows; says which retry state to record. */
function retryFailedRun(engine: Engine, run: Run, eventType: number, attributes: Msg): { retryState: number; nextRunId?: string } {
  const policy = run.startedAttributes.retryPolicy;
  // The whole execution ran out of time: nothing can retry it.
  if (run.executionExpirationMs > 0 && engine.now() >= run.executionExpirationMs) return { retryState: RetryState.RETRY_STATE_TIMEOUT };
  if (!policy) return { retryState: RetryState.RETRY_STATE_RETRY_POLICY_NOT_SET };
  const attempt = run.startedAttributes.attempt || 1;
  const failure = eventType === E.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT ? { message: 'workflow run timed out', timeoutFailureInfo: { timeoutType: 1 } } : attributes.failure;
  const decision = decideRetry(normalizeRetryPolicy(policy), attempt, failure, engine.now(), run.executionExpirationMs);
  if (!decision.retry) return { retryState: decision.retryState };
  const started = run.startedAttributes;
  const next = startRun(engine, {
    namespace: run.namespace,
    workflowId: run.workflowId,
    workflowType: run.workflowType,
    taskQueue: run.taskQueue,
    input: started.input,
    executionTimeoutMs: run.executionTimeoutMs,
    executionExpirationMs: run.executionExpirationMs,
    runTimeoutMs: run.runTimeoutMs,
    taskTimeoutMs: run.workflowTaskTimeoutMs,
    identity: started.identity ?? '',
    requestId: '',
    memo: started.memo,
    searchAttributes: Object.keys(run.searchAttributes).length ? { indexedFields: run.searchAttributes } : undefined,
    header: started.header,
    retryPolicy: policy,
    cronSchedule: started.cronSchedule,
    startDelayMs: decision.backoffMs,
    parent: run.parent,
    continuedExecutionRunId: run.runId,
    firstExecutionRunId: run.firstExecutionRunId,
    initiator: RETRY_INITIATOR,
    attempt: attempt + 1,
    continuedFailure: failure,
  });
  return { retryState: RetryState.RETRY_STATE_IN_PROGRESS, nextRunId: next.runId };
}

/** Everything that follows a run's close event: deadlines, parent, children, waiters. */
function afterClose(engine: Engine, run: Run): void {
  engine.clearAllDeadlines(run);
  run.stickyQueue = '';
  engine.changed(run);
  notifyParent(engine, run);
  applyParentClosePolicy(engine, run);
  // Queries on a closed run are answered by replaying its full history.
  dispatchQueuedQueries(engine, run);
  if (run.status === S.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW) failQueuedQueries(engine, run, 'workflow continued as new');
  const nextRunId: string | undefined = run.closeEvent ? attributesOf(run.closeEvent).newExecutionRunId : undefined;
  closeUpdates(run, nextRunId ? engine.getRun(run.namespace, run.workflowId, nextRunId) : undefined);
}

function notifyParent(engine: Engine, child: Run): void {
  if (!child.parent || child.status === S.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW) return;
  const parent = engine.getRun(child.parent.namespace, child.parent.workflowId, child.parent.runId);
  if (!parent || !parent.isRunning) return;
  const childState = parent.children.get(child.parent.initiatedEventId);
  if (!childState || !childState.startedEvent) return;
  const common = {
    namespace: child.namespace,
    workflowExecution: child.execution,
    workflowType: { name: child.workflowType },
    initiatedEventId: child.parent.initiatedEventId,
  };
  const closeAttributes = child.closeEvent ? attributesOf(child.closeEvent) : {};
  switch (child.status) {
    case S.WORKFLOW_EXECUTION_STATUS_COMPLETED:
      engine.appendExternalEvent(parent, E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED, { ...common, result: closeAttributes.result }, childState.startedEvent);
      break;
    case S.WORKFLOW_EXECUTION_STATUS_FAILED:
      engine.appendExternalEvent(
        parent,
        E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED,
        { ...common, failure: closeAttributes.failure, retryState: closeAttributes.retryState ?? RetryState.RETRY_STATE_RETRY_POLICY_NOT_SET },
        childState.startedEvent,
      );
      break;
    case S.WORKFLOW_EXECUTION_STATUS_CANCELED:
      engine.appendExternalEvent(parent, E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED, { ...common, details: closeAttributes.details }, childState.startedEvent);
      break;
    case S.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:
      engine.appendExternalEvent(parent, E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT, { ...common, retryState: closeAttributes.retryState ?? RetryState.RETRY_STATE_RETRY_POLICY_NOT_SET }, childState.startedEvent);
      break;
    case S.WORKFLOW_EXECUTION_STATUS_TERMINATED:
      engine.appendExternalEvent(parent, E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED, common, childState.startedEvent);
      break;
    default:
      return;
  }
  engine.requestWorkflowTask(parent);
}

function applyParentClosePolicy(engine: Engine, parent: Run): void {
  for (const child of parent.children.values()) {
    if (!child.runId) continue;
    const policy = child.attributes.parentClosePolicy ?? 0;
    if (policy === 2) continue; // ABANDON
    const childRun = engine.latestRun(child.namespace, child.workflowId);
    if (!childRun || !childRun.isRunning || childRun.firstExecutionRunId !== (engine.getRun(child.namespace, child.workflowId, child.runId)?.firstExecutionRunId ?? '')) continue;
    if (policy === 3) {
      requestCancelRun(engine, childRun, { reason: 'parent closed (ParentClosePolicy REQUEST_CANCEL)', identity: 'devserver' });
    } else {
      terminateRun(engine, childRun, 'by parent close policy', undefined, 'devserver');
    }
  }
}
