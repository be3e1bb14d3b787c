/** StartChildWorkflowExecution: record the initiation, then start the child (or record why not). */
import { EventType as E, Msg, TaskQueueKind, durationToMs, enums } from '../proto';
import type { Engine } from './engine';
import type { Run } from './run';
import type { ChildWorkflowState } from './child-state';
import { startRun } from './lifecycle';

export function initiateChild(engine: Engine, parent: Run, a: Msg, completedEventId: number): void {
  const event = engine.appendEvent(parent, E.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED, {
    namespace: a.namespace || parent.namespace,
    workflowId: a.workflowId,
    workflowType: a.workflowType,
    taskQueue: { name: a.taskQueue?.name || parent.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    input: a.input,
    workflowExecutionTimeout: a.workflowExecutionTimeout,
    workflowRunTimeout: a.workflowRunTimeout,
    workflowTaskTimeout: a.workflowTaskTimeout,
    parentClosePolicy: a.parentClosePolicy,
    control: a.control,
    workflowTaskCompletedEventId: completedEventId,
    workflowIdReusePolicy: a.workflowIdReusePolicy,
    retryPolicy: a.retryPolicy,
    cronSchedule: a.cronSchedule,
    header: a.header,
    memo: a.memo,
    searchAttributes: a.searchAttributes,
    priority: a.priority,
  });
  const child = parent.children.get(event.eventId)!;
  // The child starts after this workflow task's events are in place, as the server's transfer task does.
  engine.runSoon(`starting child ${child.workflowId}`, () => startChild(engine, parent, child));
}

/** Starts an initiated child (also used after a restart for children initiated but not started). */
export function startChild(engine: Engine, parent: Run, child: ChildWorkflowState): void {
  if (!parent.isRunning || parent.children.get(child.initiatedEventId) !== child || child.runId) return;
  const a = child.attributes;
  const existing = engine.latestRun(child.namespace, child.workflowId);
  const reuse = a.workflowIdReusePolicy ?? 0;
  const S = enums.WorkflowExecutionStatus;
  const blocked =
    existing &&
    (existing.isRunning ||
      reuse === enums.WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE ||
      (reuse === enums.WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY &&
        (existing.status === S.WORKFLOW_EXECUTION_STATUS_COMPLETED || existing.status === S.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW)));
  if (blocked) {
    engine.appendExternalEvent(parent, E.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED, {
      namespace: child.namespace,
      workflowId: child.workflowId,
      workflowType: a.workflowType,
      cause: enums.StartChildWorkflowExecutionFailedCause.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS,
      control: a.control,
      initiatedEventId: child.initiatedEventId,
      workflowTaskCompletedEventId: a.workflowTaskCompletedEventId,
    });
    engine.requestWorkflowTask(parent);
    return;
  }
  const childRun = startRun(engine, {
    namespace: child.namespace,
    workflowId: child.workflowId,
    workflowType: child.workflowType,
    taskQueue: a.taskQueue?.name || parent.taskQueue,
    input: a.input,
    executionTimeoutMs: durationToMs(a.workflowExecutionTimeout),
    runTimeoutMs: durationToMs(a.workflowRunTimeout),
    taskTimeoutMs: durationToMs(a.workflowTaskTimeout),
    identity: '',
    requestId: '',
    memo: a.memo,
    searchAttributes: a.searchAttributes,
    header: a.header,
    retryPolicy: a.retryPolicy,
    cronSchedule: a.cronSchedule,
    parent: { namespace: parent.namespace, workflowId: parent.workflowId, runId: parent.runId, initiatedEventId: child.initiatedEventId },
  });
  engine.appendExternalEvent(parent, E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED, {
    namespace: child.namespace,
    initiatedEventId: child.initiatedEventId,
    workflowExecution: childRun.execution,
    workflowType: a.workflowType,
    header: a.header,
  });
  engine.requestWorkflowTask(parent);
}

export function pendingChildInfo(child: ChildWorkflowState): Msg {
  return {
    workflowId: child.workflowId,
    runId: child.runId ?? '',
    workflowTypeName: child.workflowType,
    initiatedId: child.initiatedEventId,
    parentClosePolicy: child.attributes.parentClosePolicy ?? 0,
  };
}
