/**
 * Drives the worker side of the protocol by hand (no SDK worker) to pin down history semantics:
 * events arriving during a workflow task are buffered after it, and a close decided without them
 * is refused with UNHANDLED_COMMAND.
 */
import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { startDevServer, DevServer } from '../../src';

const { EventType, CommandType, WorkflowTaskFailedCause } = temporal.api.enums.v1;

let server: DevServer;
let connection: Connection;

beforeAll(async () => {
  server = await startDevServer({ port: 0, longPollTimeoutMs: 2000 });
  connection = await Connection.connect({ address: server.address });
});

afterAll(async () => {
  await connection.close();
  await server.stop();
});

const typesOf = (events: temporal.api.history.v1.IHistoryEvent[] | null | undefined) => (events ?? []).map((event) => EventType[event.eventType!]);

test('a signal during a workflow task is written after it, and a completion that ignores it is refused', async () => {
  const service = connection.workflowService;
  const taskQueue = `raw-${randomUUID()}`;
  const workflowId = `raw-${randomUUID()}`;
  await service.startWorkflowExecution({ namespace: 'default', workflowId, workflowType: { name: 'Raw' }, taskQueue: { name: taskQueue }, requestId: randomUUID() });

  const first = await service.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'raw-worker' });
  expect(typesOf(first.history?.events)).toEqual(['EVENT_TYPE_WORKFLOW_EXECUTION_STARTED', 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED', 'EVENT_TYPE_WORKFLOW_TASK_STARTED']);

  await service.signalWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId }, signalName: 'late', identity: 'raw-client' });
  // While the task is in flight the signal is buffered, not yet in history.
  const during = await service.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
  expect(typesOf(during.history?.events)).toHaveLength(3);

  // Refused as INVALID_ARGUMENT (so an SDK worker drops its cached run), and the task is failed.
  await expect(
    service.respondWorkflowTaskCompleted({
      namespace: 'default',
      taskToken: first.taskToken,
      identity: 'raw-worker',
      commands: [{ commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} }],
    }),
  ).rejects.toMatchObject({ code: 3 });

  const second = await service.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'raw-worker' });
  expect(typesOf(second.history?.events)).toEqual([
    'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
    'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED',
    'EVENT_TYPE_WORKFLOW_TASK_STARTED',
    'EVENT_TYPE_WORKFLOW_TASK_FAILED',
    'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED',
    'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED',
    'EVENT_TYPE_WORKFLOW_TASK_STARTED',
  ]);
  expect(second.history!.events![3].workflowTaskFailedEventAttributes?.cause).toBe(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND);
  expect(Number(second.previousStartedEventId)).toBe(0);
  expect(Number(second.startedEventId)).toBe(7);

  await service.respondWorkflowTaskCompleted({
    namespace: 'default',
    taskToken: second.taskToken,
    identity: 'raw-worker',
    commands: [{ commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} }],
  });
  const final = await service.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
  expect(typesOf(final.history?.events).slice(7)).toEqual(['EVENT_TYPE_WORKFLOW_TASK_COMPLETED', 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED']);
  const completed = final.history!.events![7].workflowTaskCompletedEventAttributes!;
  expect([Number(completed.scheduledEventId), Number(completed.startedEventId)]).toEqual([6, 7]);
});

test('an invalid command fails the workflow task with its cause and the RPC answers INVALID_ARGUMENT', async () => {
  const service = connection.workflowService;
  const taskQueue = `raw-${randomUUID()}`;
  const workflowId = `raw-${randomUUID()}`;
  await service.startWorkflowExecution({ namespace: 'default', workflowId, workflowType: { name: 'Raw' }, taskQueue: { name: taskQueue }, requestId: randomUUID() });
  const task = await service.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'raw-worker' });
  await expect(
    service.respondWorkflowTaskCompleted({
      namespace: 'default',
      taskToken: task.taskToken,
      commands: [{ commandType: CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK, scheduleActivityTaskCommandAttributes: { activityId: '1', activityType: { name: 'A' } } }],
    }),
  ).rejects.toMatchObject({ code: 3 });
  const history = await service.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
  const failed = history.history!.events![3];
  expect(EventType[failed.eventType!]).toBe('EVENT_TYPE_WORKFLOW_TASK_FAILED');
  expect(failed.workflowTaskFailedEventAttributes?.cause).toBe(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES);
  expect(failed.workflowTaskFailedEventAttributes?.failure?.message).toBe(
    'command 1 (COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK): A valid StartToClose or ScheduleToCloseTimeout is not set on ScheduleActivityTaskCommand.',
  );
  // The retry is a new workflow task with attempt 2.
  expect(EventType[history.history!.events![4].eventType!]).toBe('EVENT_TYPE_WORKFLOW_TASK_SCHEDULED');
  expect(history.history!.events![4].workflowTaskScheduledEventAttributes?.attempt).toBe(2);
});

test('a retried SignalWithStart (same request id) starts once and signals once', async () => {
  const service = connection.workflowService;
  const workflowId = `raw-${randomUUID()}`;
  const request = {
    namespace: 'default',
    workflowId,
    workflowType: { name: 'Raw' },
    taskQueue: { name: `raw-${randomUUID()}` },
    signalName: 'go',
    requestId: randomUUID(),
  };
  const first = await service.signalWithStartWorkflowExecution(request);
  const second = await service.signalWithStartWorkflowExecution(request);
  expect(second.runId).toBe(first.runId);
  const history = await service.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
  expect(typesOf(history.history?.events)).toEqual([
    'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
    'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED',
    'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED',
  ]);
  const third = await service.signalWithStartWorkflowExecution({ ...request, requestId: randomUUID() });
  expect(third.runId).toBe(first.runId);
  const after = await service.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
  expect(typesOf(after.history?.events).filter((type) => type === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED')).toHaveLength(2);
});
