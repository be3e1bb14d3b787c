/**
 * The activity cycle of a workflow driven by raw gRPC calls, without the SDK worker: poll the workflow
 * task, answer with ScheduleActivityTask (sticky, like the SDK), poll the activity task, complete it,
 * and again. Its time per activity is the server's share of a round trip (plus grpc-js client costs),
 * so the benchmark can tell server latency apart from the SDK worker's own processing.
 */
import { Client } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { randomUUID } from 'node:crypto';

const { CommandType, TaskQueueKind } = temporal.api.enums.v1;

/** Runs one workflow of `count` sequential activities; returns elapsed milliseconds. */
export async function rawSequentialActivities(client: Client, count: number): Promise<number> {
  const service = client.workflowService;
  const namespace = client.options.namespace;
  const taskQueue = `raw-bench-${randomUUID()}`;
  const stickyQueue = `${taskQueue}-sticky`;
  const identity = 'raw-protocol-bench';
  const stickyAttributes = {
    workerTaskQueue: { name: stickyQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_STICKY, normalName: taskQueue },
    scheduleToStartTimeout: msToTs(10_000),
  };
  const started = performance.now();
  await service.startWorkflowExecution({
    namespace,
    workflowId: taskQueue,
    workflowType: { name: 'rawSequentialActivities' },
    taskQueue: { name: taskQueue },
    requestId: randomUUID(),
    identity,
  });
  let workflowQueue = { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL };
  for (let index = 0; index <= count; index++) {
    const workflowTask = await service.pollWorkflowTaskQueue({ namespace, taskQueue: workflowQueue, identity });
    if (!workflowTask.taskToken?.length) throw new Error(`workflow task ${index} of ${taskQueue} did not arrive`);
    const command: temporal.api.command.v1.ICommand =
      index < count
        ? {
            commandType: CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
            scheduleActivityTaskCommandAttributes: {
              activityId: String(index + 1),
              activityType: { name: 'noop' },
              taskQueue: { name: taskQueue },
              startToCloseTimeout: msToTs(10_000),
            },
          }
        : { commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} };
    await service.respondWorkflowTaskCompleted({ namespace, taskToken: workflowTask.taskToken, commands: [command], identity, stickyAttributes });
    workflowQueue = { name: stickyQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_STICKY };
    if (index === count) break;
    const activityTask = await service.pollActivityTaskQueue({ namespace, taskQueue: { name: taskQueue }, identity });
    if (!activityTask.taskToken?.length) throw new Error(`activity ${index + 1} of ${taskQueue} did not arrive`);
    await service.respondActivityTaskCompleted({ namespace, taskToken: activityTask.taskToken, identity });
  }
  return performance.now() - started;
}
