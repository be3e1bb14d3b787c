/** Client-facing workflow RPCs: start, signal, signal-with-start, cancel, terminate, describe, query. */
import { randomUUID } from 'node:crypto';
import { Msg, TaskQueueKind, WorkflowExecutionStatus as S, encodeHistoryEvent, enums, msToDuration, msToTimestamp } from '../proto';
import { failedPrecondition, invalidArgument, notFound, workflowAlreadyStarted } from '../grpc/errors';
import type { Engine } from '../engine/engine';
import { runKeyOf, type Run } from '../engine/run';
import type { UnaryHandler } from '../grpc/service';
import { StartParams, requestCancelRun, signalRun, startRun, terminateRun } from '../engine/lifecycle';
import { pendingActivityInfo } from '../engine/activity';
import { pendingChildInfo } from '../engine/child-workflow';
import { queryRun } from '../engine/query';
import { startEagerWorkflowTask } from '../engine/workflow-task';
import { retryPolicyProblem } from '../engine/retry';
import { nonNegativeMs, requestedRun, requireField } from './validate';

const Reuse = enums.WorkflowIdReusePolicy;
const Conflict = enums.WorkflowIdConflictPolicy;

function startParamsFrom(request: Msg): StartParams {
  const namespace = requireField(request.namespace, 'Namespace');
  const workflowId = requireField(request.workflowId, 'WorkflowId');
  const workflowType = requireField(request.workflowType?.name, 'WorkflowType');
  const taskQueue = requireField(request.taskQueue?.name, 'TaskQueue');
  const problem = retryPolicyProblem(request.retryPolicy);
  if (problem) throw invalidArgument(problem);
  return {
    namespace,
    workflowId,
    workflowType,
    taskQueue,
    input: request.input,
    executionTimeoutMs: nonNegativeMs(request.workflowExecutionTimeout, 'WorkflowExecutionTimeout'),
    runTimeoutMs: nonNegativeMs(request.workflowRunTimeout, 'WorkflowRunTimeout'),
    taskTimeoutMs: nonNegativeMs(request.workflowTaskTimeout, 'WorkflowTaskTimeout'),
    identity: request.identity ?? '',
    requestId: request.requestId || randomUUID(),
    memo: request.memo,
    searchAttributes: request.searchAttributes,
    header: request.header,
    retryPolicy: request.retryPolicy,
    cronSchedule: request.cronSchedule,
    startDelayMs: nonNegativeMs(request.workflowStartDelay, 'WorkflowStartDelay'),
  };
}

/** Applies id-reuse and id-conflict policies; returns an existing run to answer with, or undefined to start. */
function resolveExisting(engine: Engine, params: StartParams, request: Msg): Run | undefined {
  const existing = engine.latestRun(params.namespace, params.workflowId);
  if (!existing) return undefined;
  if (existing.startRequestId === params.requestId) return existing;
  const reuse = request.workflowIdReusePolicy ?? 0;
  let conflict = request.workflowIdConflictPolicy ?? 0;
  if (reuse === Reuse.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING) conflict = Conflict.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING;
  if (existing.isRunning) {
    if (conflict === Conflict.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING) return existing;
    if (conflict === Conflict.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING) {
      terminateRun(engine, existing, 'terminated by a new start with WorkflowIdConflictPolicy TERMINATE_EXISTING', undefined, params.identity);
      return undefined;
    }
    throw workflowAlreadyStarted(params.workflowId, existing.runId, existing.startRequestId);
  }
  if (reuse === Reuse.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE) {
    throw workflowAlreadyStarted(params.workflowId, existing.runId, existing.startRequestId);
  }
  if (
    reuse === Reuse.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY &&
    (existing.status === S.WORKFLOW_EXECUTION_STATUS_COMPLETED || existing.status === S.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW)
  ) {
    throw workflowAlreadyStarted(params.workflowId, existing.runId, existing.startRequestId);
  }
  return undefined;
}

/**
 * The run at the top of a run's parent chain (the UI's Relationships tab starts from it). A parent
 * already dropped by retention ends the walk at the oldest one still known.
 */
function rootExecutionOf(engine: Engine, run: Run): Msg {
  let current = { workflowId: run.workflowId, runId: run.runId };
  let parent = run.parent;
  for (let depth = 0; parent && depth < 1000; depth++) {
    current = { workflowId: parent.workflowId, runId: parent.runId };
    parent = engine.runs.get(runKeyOf(parent.namespace, parent.workflowId, parent.runId))?.parent;
  }
  return { workflowId: current.workflowId, runId: current.runId };
}

function executionInfo(engine: Engine, run: Run): Msg {
  return {
    execution: run.execution,
    type: { name: run.workflowType },
    startTime: msToTimestamp(run.startTimeMs),
    closeTime: run.closeTimeMs ? msToTimestamp(run.closeTimeMs) : undefined,
    status: run.status,
    historyLength: run.history.events.length,
    parentNamespaceId: run.parent?.namespace,
    parentExecution: run.parent ? { workflowId: run.parent.workflowId, runId: run.parent.runId } : undefined,
    executionTime: msToTimestamp(run.executionTimeMs),
    memo: { fields: run.memo },
    searchAttributes: { indexedFields: run.searchAttributes },
    taskQueue: run.taskQueue,
    stateTransitionCount: run.history.events.length,
    historySizeBytes: 0,
    firstRunId: run.firstExecutionRunId,
    executionDuration: run.closeTimeMs ? msToDuration(run.closeTimeMs - run.startTimeMs) : undefined,
    rootExecution: rootExecutionOf(engine, run),
  };
}

export { executionInfo };

/** The history's encoded size, from each event's cached encoding. */
function historySizeBytes(run: Run): number {
  let bytes = 0;
  for (const event of run.history.events) bytes += encodeHistoryEvent(event).length;
  return bytes;
}

/**
 * StartWorkflowExecution's work, shared with update-with-start: validates the request, applies the
 * id reuse and conflict policies, and starts a run unless an existing one answers.
 */
export function startWorkflow(engine: Engine, request: Msg): { run: Run; started: boolean } {
  const params = startParamsFrom(request);
  engine.requireNamespace(params.namespace);
  const existing = resolveExisting(engine, params, request);
  if (existing) return { run: existing, started: false };
  return { run: startRun(engine, params), started: true };
}

export function workflowHandlers(engine: Engine): Record<string, UnaryHandler> {
  return {
    async StartWorkflowExecution(request) {
      const { run, started } = startWorkflow(engine, request);
      // A delayed start has no first task yet, so it cannot be eager (nor on the server).
      const eagerWorkflowTask = started && request.requestEagerExecution === true ? startEagerWorkflowTask(engine, run, request.identity ?? '') : undefined;
      if (started) await engine.commit();
      return { runId: run.runId, started, eagerWorkflowTask };
    },

    async SignalWorkflowExecution(request) {
      const namespace = requireField(request.namespace, 'Namespace');
      engine.requireNamespace(namespace);
      requireField(request.workflowExecution?.workflowId, 'WorkflowExecution.WorkflowId');
      const signalName = requireField(request.signalName, 'SignalName');
      const run = engine.findRun(namespace, request.workflowExecution);
      if (!run.isRunning) throw notFound('workflow execution already completed');
      signalRun(engine, run, { signalName, input: request.input, header: request.header, identity: request.identity ?? '', requestId: request.requestId });
      await engine.commit();
      return {};
    },

    async SignalWithStartWorkflowExecution(request) {
      const params = startParamsFrom(request);
      engine.requireNamespace(params.namespace);
      const signalName = requireField(request.signalName, 'SignalName');
      const current = engine.latestRun(params.namespace, params.workflowId);
      if (current?.isRunning && (request.workflowIdConflictPolicy ?? 0) !== Conflict.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING) {
        // A retried call (same request id) must not deliver the signal twice.
        signalRun(engine, current, { signalName, input: request.signalInput, header: request.header, identity: params.identity, requestId: request.requestId });
        await engine.commit();
        return { runId: current.runId, started: false };
      }
      if (current?.isRunning) terminateRun(engine, current, 'terminated by SignalWithStart with TERMINATE_EXISTING', undefined, params.identity);
      else if (current && (request.workflowIdReusePolicy ?? 0) === Reuse.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE) {
        throw workflowAlreadyStarted(params.workflowId, current.runId, current.startRequestId);
      }
      const run = startRun(engine, { ...params, signal: { signalName, input: request.signalInput, header: request.header, identity: params.identity } });
      if (request.requestId) run.requestIds.add(request.requestId);
      await engine.commit();
      return { runId: run.runId, started: true };
    },

    async RequestCancelWorkflowExecution(request) {
      const run = requestedRun(engine, request.namespace, request.workflowExecution, 'WorkflowExecution');
      if (request.firstExecutionRunId && run.firstExecutionRunId !== request.firstExecutionRunId) throw notFound('workflow execution not found for that FirstExecutionRunId');
      if (!run.isRunning) throw notFound('workflow execution already completed');
      requestCancelRun(engine, run, { reason: request.reason ?? '', identity: request.identity ?? '', requestId: request.requestId });
      await engine.commit();
      return {};
    },

    async TerminateWorkflowExecution(request) {
      const run = requestedRun(engine, request.namespace, request.workflowExecution, 'WorkflowExecution');
      if (request.firstExecutionRunId && run.firstExecutionRunId !== request.firstExecutionRunId) throw notFound('workflow execution not found for that FirstExecutionRunId');
      if (!run.isRunning) throw notFound('workflow execution already completed');
      terminateRun(engine, run, request.reason ?? '', request.details, request.identity ?? '');
      await engine.commit();
      return {};
    },

    DescribeWorkflowExecution(request) {
      const run = requestedRun(engine, request.namespace, request.execution, 'Execution');
      const task = run.workflowTask;
      return {
        executionConfig: {
          taskQueue: { name: run.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
          workflowExecutionTimeout: msToDuration(run.executionTimeoutMs),
          workflowRunTimeout: msToDuration(run.runTimeoutMs),
          defaultWorkflowTaskTimeout: msToDuration(run.workflowTaskTimeoutMs),
        },
        // Only describe sums the history's size (the run page shows it); lists leave it 0.
        workflowExecutionInfo: { ...executionInfo(engine, run), historySizeBytes: historySizeBytes(run) },
        pendingActivities: [...run.activities.values()].map(pendingActivityInfo),
        pendingChildren: [...run.children.values()].map(pendingChildInfo),
        pendingWorkflowTask: task
          ? {
              state: task.started ? 2 : 1,
              scheduledTime: msToTimestamp(task.scheduledTimeMs),
              originalScheduledTime: msToTimestamp(task.scheduledTimeMs),
              startedTime: task.started ? msToTimestamp(task.startedTimeMs) : undefined,
              attempt: task.attempt,
            }
          : undefined,
      };
    },

    async QueryWorkflow(request, context) {
      const namespace = requireField(request.namespace, 'Namespace');
      engine.requireNamespace(namespace);
      requireField(request.execution?.workflowId, 'Execution.WorkflowId');
      requireField(request.query?.queryType, 'Query.QueryType');
      const run = engine.findRun(namespace, request.execution);
      const condition = request.queryRejectCondition ?? 0;
      const rejected =
        (condition === enums.QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_OPEN && !run.isRunning) ||
        (condition === enums.QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_COMPLETED_CLEANLY &&
          !run.isRunning &&
          run.status !== S.WORKFLOW_EXECUTION_STATUS_COMPLETED);
      if (rejected) return { queryRejected: { status: run.status } };
      if (!run.isRunning && run.lastCompletedWorkflowTaskStartedEventId === 0) {
        throw failedPrecondition('workflow closed before its first workflow task completed; there is no state to query');
      }
      return await queryRun(engine, run, request.query, context.signal);
    },
  };
}
