/** Worker-facing RPCs: long polls, task completions, heartbeats, sticky queue control. */
import { status } from '@grpc/grpc-js';
import { Msg, enums, msToTimestamp } from '../proto';
import { RpcError, invalidArgument } from '../grpc/errors';
import type { Engine } from '../engine/engine';
import type { UnaryHandler, CallContext } from '../grpc/service';
import type { TaskQueue, PendingPoll } from '../engine/task-queue';
import { decodeTaskToken } from '../engine/tasks';
import { abandonStickyQueue, failWorkflowTask, requireStartedWorkflowTask, startWorkflowTask } from '../engine/workflow-task';
import { completeWorkflowTask } from '../engine/workflow-task-completion';
import { startQueryTask, answerQuery } from '../engine/query';
import {
  cancelActivityReported,
  completeActivity,
  failActivity,
  findActivityById,
  heartbeatActivity,
  requireStartedActivity,
  startActivityTask,
} from '../engine/activity';
import { requireField } from './validate';
import { WorkflowTaskFailedCause } from '../proto';

/** Waits for a task on `queue`; resolves with an empty response when the long poll times out. */
function longPoll<Task extends { isStale(): boolean }>(
  engine: Engine,
  queue: TaskQueue<Task>,
  identity: string,
  context: CallContext,
  start: (task: Task) => Msg | undefined,
): Promise<Msg> {
  return new Promise<Msg>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let stopListening: (() => void) | undefined;
    const poll: PendingPoll<Task> = {
      identity,
      done: false,
      deliver(task) {
        if (context.cancelled) poll.done = true;
        if (poll.done) return false;
        const response = start(task);
        if (!response) return false;
        poll.done = true;
        cleanup();
        resolve(response);
        return true;
      },
    };
    const cleanup = () => {
      if (timer) clearTimeout(timer);
      stopListening?.();
    };
    if (queue.poll(poll)) return;
    stopListening = context.onCancel(() => {
      if (poll.done) return;
      poll.done = true;
      cleanup();
      queue.removeFinishedPolls();
      reject(new RpcError(status.CANCELLED, 'poll canceled by the caller'));
    });
    timer = setTimeout(() => {
      if (poll.done) return;
      poll.done = true;
      cleanup();
      resolve({});
    }, engine.options.longPollTimeoutMs);
    timer.unref();
  });
}

export function taskHandlers(engine: Engine): Record<string, UnaryHandler> {
  return {
    async PollWorkflowTaskQueue(request, context) {
      const namespace = requireField(request.namespace, 'Namespace');
      engine.requireNamespace(namespace);
      const queueName = requireField(request.taskQueue?.name, 'TaskQueue.Name');
      const queue = engine.workflowQueue(namespace, queueName);
      const response = await longPoll(engine, queue, request.identity ?? '', context, (task) =>
        task.kind === 'query' ? startQueryTask(engine, task, queueName) : startWorkflowTask(engine, task, request, queueName),
      );
      if (response.taskToken) commitInBackground(engine);
      return response;
    },

    async PollActivityTaskQueue(request, context) {
      const namespace = requireField(request.namespace, 'Namespace');
      engine.requireNamespace(namespace);
      const queueName = requireField(request.taskQueue?.name, 'TaskQueue.Name');
      const queue = engine.activityQueue(namespace, queueName);
      const response = await longPoll(engine, queue, request.identity ?? '', context, (task) => startActivityTask(engine, task, request));
      // A started attempt survives a restart (its worker may still answer), so the start must be durable first.
      if (response.taskToken) await engine.commit();
      return response;
    },

    RespondWorkflowTaskCompleted(request) {
      const token = decodeTaskToken(request.taskToken);
      const run = requireStartedWorkflowTask(engine, token);
      const outcome = completeWorkflowTask(engine, run, request);
      return engine.afterCommit(() => {
        if (outcome.failureMessage) throw invalidArgument(outcome.failureMessage);
        return { activityTasks: outcome.activityTasks ?? [], workflowTask: outcome.workflowTask };
      });
    },

    RespondWorkflowTaskFailed(request) {
      const token = decodeTaskToken(request.taskToken);
      const run = requireStartedWorkflowTask(engine, token);
      failWorkflowTask(engine, run, {
        cause: request.cause || WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
        failure: request.failure,
        identity: request.identity,
      });
      return engine.afterCommit(() => ({}));
    },

    RespondQueryTaskCompleted(request) {
      const token = decodeTaskToken(request.taskToken);
      if (token.kind !== 'q') throw invalidArgument('TaskToken does not belong to a query task');
      answerQuery(engine, token, request);
      return {};
    },

    RespondActivityTaskCompleted(request) {
      const { run, activity } = requireStartedActivity(engine, decodeTaskToken(request.taskToken));
      completeActivity(engine, run, activity, request.result, request.identity ?? '');
      return engine.afterCommit(() => ({}));
    },

    RespondActivityTaskCompletedById(request) {
      const { run, activity } = activityById(engine, request);
      completeActivity(engine, run, activity, request.result, request.identity ?? '');
      return engine.afterCommit(() => ({}));
    },

    RespondActivityTaskFailed(request) {
      const { run, activity } = requireStartedActivity(engine, decodeTaskToken(request.taskToken));
      failActivity(engine, run, activity, request.failure, request.identity ?? '', request.lastHeartbeatDetails);
      return engine.afterCommit(() => ({}));
    },

    RespondActivityTaskFailedById(request) {
      const { run, activity } = activityById(engine, request);
      failActivity(engine, run, activity, request.failure, request.identity ?? '', request.lastHeartbeatDetails);
      return engine.afterCommit(() => ({}));
    },

    RespondActivityTaskCanceled(request) {
      const { run, activity } = requireStartedActivity(engine, decodeTaskToken(request.taskToken));
      cancelActivityReported(engine, run, activity, request.details, request.identity ?? '');
      return engine.afterCommit(() => ({}));
    },

    RespondActivityTaskCanceledById(request) {
      const { run, activity } = activityById(engine, request);
      cancelActivityReported(engine, run, activity, request.details, request.identity ?? '');
      return engine.afterCommit(() => ({}));
    },

    RecordActivityTaskHeartbeat(request) {
      const { run, activity } = requireStartedActivity(engine, decodeTaskToken(request.taskToken));
      const cancelRequested = heartbeatActivity(engine, run, activity, request.details);
      return engine.afterCommit(() => ({ cancelRequested, activityPaused: false, activityReset: false }));
    },

    RecordActivityTaskHeartbeatById(request) {
      const { run, activity } = activityById(engine, request);
      const cancelRequested = heartbeatActivity(engine, run, activity, request.details);
      return engine.afterCommit(() => ({ cancelRequested, activityPaused: false, activityReset: false }));
    },

    async ResetStickyTaskQueue(request) {
      const namespace = requireField(request.namespace, 'Namespace');
      engine.requireNamespace(namespace);
      requireField(request.execution?.workflowId, 'Execution.WorkflowId');
      const run = engine.findRun(namespace, request.execution);
      abandonStickyQueue(engine, run);
      await engine.commit();
      return {};
    },

    async ShutdownWorker(request) {
      const namespace = requireField(request.namespace, 'Namespace');
      engine.requireNamespace(namespace);
      const sticky: string = request.stickyTaskQueue ?? '';
      if (sticky) {
        // Workflows cached by that worker go back to their normal queues, with full history.
        for (const run of engine.runs.values()) {
          if (run.namespace === namespace && run.stickyQueue === sticky) abandonStickyQueue(engine, run);
        }
        engine.workflowQueues.delete(`${namespace}\u0000${sticky}`);
      }
      await engine.commit();
      return {};
    },

    DescribeTaskQueue(request) {
      const namespace = requireField(request.namespace, 'Namespace');
      engine.requireNamespace(namespace);
      const name = requireField(request.taskQueue?.name, 'TaskQueue.Name');
      const type = request.taskQueueType || enums.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW;
      const queue = type === enums.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY ? engine.activityQueues.get(`${namespace}\u0000${name}`) : engine.workflowQueues.get(`${namespace}\u0000${name}`);
      const pollers = queue
        ? [...queue.pollerLastSeen.entries()].map(([identity, lastMs]) => ({ identity, lastAccessTime: msToTimestamp(lastMs), ratePerSecond: 100000 }))
        : [];
      return { pollers, taskQueueStatus: { backlogCountHint: queue?.backlog ?? 0 } };
    },
  };
}

/**
 * Handing out a workflow task need not wait for the disk: a restart times out an in-flight
 * workflow task anyway, so a lost start only means the task is handed out again.
 */
function commitInBackground(engine: Engine): void {
  engine.commit().catch((error) => engine.log('error', `journal write failed: ${(error as Error).message}`));
}

function activityById(engine: Engine, request: Msg) {
  const namespace = requireField(request.namespace, 'Namespace');
  engine.requireNamespace(namespace);
  const workflowId = requireField(request.workflowId, 'WorkflowId');
  const activityId = requireField(request.activityId, 'ActivityId');
  return findActivityById(engine, namespace, workflowId, request.runId ?? '', activityId);
}
