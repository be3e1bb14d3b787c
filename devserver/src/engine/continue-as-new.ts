/** ContinueAsNewWorkflowExecution: close this run and start the next one under the same workflow id. */
import { EventType as E, Msg, TaskQueueKind, durationToMs } from '../proto';
import type { Engine } from './engine';
import type { Run } from './run';
import { closeRun, startRun } from './lifecycle';

export function continueAsNew(engine: Engine, run: Run, a: Msg, completedEventId: number): Run {
  const started = run.startedAttributes;
  const taskQueue = a.taskQueue?.name || run.taskQueue;
  const runTimeoutMs = durationToMs(a.workflowRunTimeout) || run.runTimeoutMs;
  const taskTimeoutMs = durationToMs(a.workflowTaskTimeout) || run.workflowTaskTimeoutMs;
  // The new run id is needed in the close event, so the next run is created first, then the close written.
  const next = startRun(engine, {
    namespace: run.namespace,
    workflowId: run.workflowId,
    workflowType: a.workflowType?.name || run.workflowType,
    taskQueue,
    input: a.input,
    executionTimeoutMs: durationToMs(started.workflowExecutionTimeout),
    executionExpirationMs: run.executionExpirationMs,
    runTimeoutMs,
    taskTimeoutMs,
    identity: started.identity ?? '',
    requestId: '',
    memo: a.memo ?? started.memo,
    searchAttributes: a.searchAttributes ?? (Object.keys(run.searchAttributes).length ? { indexedFields: run.searchAttributes } : undefined),
    header: a.header ?? started.header,
    retryPolicy: a.retryPolicy ?? started.retryPolicy,
    cronSchedule: a.cronSchedule ?? started.cronSchedule,
    startDelayMs: durationToMs(a.backoffStartInterval),
    parent: run.parent,
    continuedExecutionRunId: run.runId,
    firstExecutionRunId: run.firstExecutionRunId,
    initiator: a.initiator,
    lastCompletionResult: a.lastCompletionResult,
    continuedFailure: a.failure,
  });
  closeRun(engine, run, E.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, {
    newExecutionRunId: next.runId,
    workflowType: { name: next.workflowType },
    taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    input: a.input,
    workflowRunTimeout: a.workflowRunTimeout,
    workflowTaskTimeout: a.workflowTaskTimeout,
    workflowTaskCompletedEventId: completedEventId,
    backoffStartInterval: a.backoffStartInterval,
    initiator: a.initiator,
    failure: a.failure,
    lastCompletionResult: a.lastCompletionResult,
    header: a.header,
    memo: a.memo,
    searchAttributes: a.searchAttributes,
  });
  return next;
}
