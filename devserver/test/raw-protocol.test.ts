/**
 * Conformance at the protocol level, driven by raw WorkflowService calls instead of the SDK worker, for
 * races the SDK makes hard to provoke on purpose: a completion while a signal is buffered, and answers
 * with task tokens that went stale after a timeout.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { isGrpcServiceError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { randomUUID } from 'node:crypto';
import { fetchEventTypes } from './helpers/history';
import { uniqueId } from './helpers/ids';
import { ConformanceServer, openConformanceServer } from './helpers/server';
import { waitFor } from './helpers/wait';

const { CommandType, WorkflowTaskFailedCause, TimeoutType } = temporal.api.enums.v1;
const identity = 'raw-protocol-test';

let server: ConformanceServer;

beforeAll(async () => {
  server = await openConformanceServer();
});

afterAll(async () => {
  await server?.close();
});

async function startRaw(workflowId: string, taskQueue: string, extra: Partial<temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest> = {}): Promise<string> {
  const response = await server.client.workflowService.startWorkflowExecution({
    namespace: server.namespace,
    workflowId,
    workflowType: { name: 'rawWorkflow' },
    taskQueue: { name: taskQueue },
    requestId: randomUUID(),
    identity,
    ...extra,
  });
  return response.runId!;
}

async function pollWorkflowTask(taskQueue: string) {
  const task = await server.client.workflowService.pollWorkflowTaskQueue({ namespace: server.namespace, taskQueue: { name: taskQueue }, identity });
  expect(task.taskToken?.length).toBeGreaterThan(0);
  return task;
}

async function grpcCode(call: () => Promise<unknown>): Promise<number> {
  try {
    await call();
  } catch (error) {
    if (isGrpcServiceError(error)) return error.code;
    throw error;
  }
  return GrpcStatus.OK;
}

const completeCommand = {
  commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
  completeWorkflowExecutionCommandAttributes: { result: { payloads: [defaultPayloadConverter.toPayload('done')] } },
};

test('completing while a signal is buffered fails the task with UNHANDLED_COMMAND and the next task carries the signal', async () => {
  const taskQueue = uniqueId('raw-buffered');
  const workflowId = uniqueId('raw-buffered-wf');
  await startRaw(workflowId, taskQueue);
  const first = await pollWorkflowTask(taskQueue);
  // The signal arrives while the task is started: the server buffers it.
  await server.client.workflowService.signalWorkflowExecution({
    namespace: server.namespace,
    workflowExecution: { workflowId },
    signalName: 'late',
    input: { payloads: [defaultPayloadConverter.toPayload('late value')] },
    identity,
    requestId: randomUUID(),
  });
  await server.client.workflowService.respondWorkflowTaskCompleted({ namespace: server.namespace, taskToken: first.taskToken, commands: [completeCommand], identity }).catch(() => undefined);

  const description = await server.client.workflowService.describeWorkflowExecution({ namespace: server.namespace, execution: { workflowId } });
  expect(description.workflowExecutionInfo?.status).toBe(temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
  expect(await fetchEventTypes(server.client, workflowId)).toEqual([
    'WorkflowExecutionStarted',
    'WorkflowTaskScheduled',
    'WorkflowTaskStarted',
    'WorkflowTaskFailed',
    'WorkflowExecutionSignaled',
    'WorkflowTaskScheduled',
  ]);

  const second = await pollWorkflowTask(taskQueue);
  const events = second.history?.events ?? [];
  const failed = events.find((e) => e.workflowTaskFailedEventAttributes)!.workflowTaskFailedEventAttributes!;
  expect(failed.cause).toBe(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND);
  const signalled = events.find((e) => e.workflowExecutionSignaledEventAttributes)!.workflowExecutionSignaledEventAttributes!;
  expect(defaultPayloadConverter.fromPayload(signalled.input!.payloads![0])).toBe('late value');

  await server.client.workflowService.respondWorkflowTaskCompleted({ namespace: server.namespace, taskToken: second.taskToken, commands: [completeCommand], identity });
  const types = await fetchEventTypes(server.client, workflowId);
  expect(types.slice(-4)).toEqual(['WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted', 'WorkflowExecutionCompleted']);
});

test('a workflow task answered after its start-to-close timeout is refused as NOT_FOUND and retried', async () => {
  const taskQueue = uniqueId('raw-stale-task');
  const workflowId = uniqueId('raw-stale-task-wf');
  await startRaw(workflowId, taskQueue, { workflowTaskTimeout: msToTs(1000) });
  const first = await pollWorkflowTask(taskQueue);
  expect(first.attempt).toBe(1);
  await waitFor('workflow task timed out', async () => ((await fetchEventTypes(server.client, workflowId)).includes('WorkflowTaskTimedOut') ? true : undefined), 15_000, 100);

  const code = await grpcCode(() =>
    server.client.workflowService.respondWorkflowTaskCompleted({ namespace: server.namespace, taskToken: first.taskToken, commands: [completeCommand], identity }),
  );
  expect(code).toBe(GrpcStatus.NOT_FOUND);

  const second = await pollWorkflowTask(taskQueue);
  expect(second.attempt).toBe(2);
  const timedOut = (second.history?.events ?? []).find((e) => e.workflowTaskTimedOutEventAttributes)!.workflowTaskTimedOutEventAttributes!;
  expect(timedOut.timeoutType).toBe(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
  await server.client.workflowService.respondWorkflowTaskCompleted({ namespace: server.namespace, taskToken: second.taskToken, commands: [completeCommand], identity });
  const description = await server.client.workflowService.describeWorkflowExecution({ namespace: server.namespace, execution: { workflowId } });
  expect(description.workflowExecutionInfo?.status).toBe(temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
});

test('an activity answered after its start-to-close timeout is refused as NOT_FOUND', async () => {
  const taskQueue = uniqueId('raw-stale-activity');
  const workflowId = uniqueId('raw-stale-activity-wf');
  await startRaw(workflowId, taskQueue);
  const workflowTask = await pollWorkflowTask(taskQueue);
  await server.client.workflowService.respondWorkflowTaskCompleted({
    namespace: server.namespace,
    taskToken: workflowTask.taskToken,
    identity,
    commands: [
      {
        commandType: CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
        scheduleActivityTaskCommandAttributes: {
          activityId: 'a1',
          activityType: { name: 'slow' },
          taskQueue: { name: taskQueue },
          startToCloseTimeout: msToTs(500),
          retryPolicy: { maximumAttempts: 1 },
        },
      },
    ],
  });
  const activityTask = await server.client.workflowService.pollActivityTaskQueue({ namespace: server.namespace, taskQueue: { name: taskQueue }, identity });
  expect(activityTask.taskToken?.length).toBeGreaterThan(0);
  await waitFor('activity timed out', async () => ((await fetchEventTypes(server.client, workflowId)).includes('ActivityTaskTimedOut') ? true : undefined), 15_000, 100);
  const code = await grpcCode(() =>
    server.client.workflowService.respondActivityTaskCompleted({ namespace: server.namespace, taskToken: activityTask.taskToken, identity }),
  );
  expect(code).toBe(GrpcStatus.NOT_FOUND);
  const types = await fetchEventTypes(server.client, workflowId);
  expect(types.filter((t) => t.startsWith('Activity'))).toEqual(['ActivityTaskScheduled', 'ActivityTaskStarted', 'ActivityTaskTimedOut']);
  await server.client.workflow.getHandle(workflowId).terminate('raw activity test done');
});
