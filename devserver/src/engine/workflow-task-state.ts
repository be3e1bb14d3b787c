/** The workflow task entity: at most one per run, SCHEDULED → STARTED → (completed | failed | timed out). */
import { Msg, TaskQueueKind, TimeoutType, WorkflowTaskFailedCause, durationToMs, timestampToMs } from '../proto';

export interface WorkflowTaskState {
  scheduledEventId: number;
  startedEventId: number;
  attempt: number;
  taskQueue: string;
  sticky: boolean;
  startToCloseMs: number;
  scheduledTimeMs: number;
  startedTimeMs: number;
  /** Set once STARTED. */
  started: boolean;
}

export function workflowTaskFromScheduled(event: Msg, attributes: Msg): WorkflowTaskState {
  return {
    scheduledEventId: event.eventId,
    startedEventId: 0,
    attempt: attributes.attempt || 1,
    taskQueue: attributes.taskQueue?.name ?? '',
    sticky: attributes.taskQueue?.kind === TaskQueueKind.TASK_QUEUE_KIND_STICKY,
    startToCloseMs: durationToMs(attributes.startToCloseTimeout),
    scheduledTimeMs: timestampToMs(event.eventTime),
    startedTimeMs: 0,
    started: false,
  };
}

export function markWorkflowTaskStarted(task: WorkflowTaskState, event: Msg): void {
  task.started = true;
  task.startedEventId = event.eventId;
  task.startedTimeMs = timestampToMs(event.eventTime);
}

/** The attempt number the next workflow task gets after this one failed or timed out. */
export function nextAttemptAfterFailure(task: WorkflowTaskState, attributes: Msg, timedOut: boolean): number {
  if (timedOut) return attributes.timeoutType === TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START ? task.attempt : task.attempt + 1;
  if (attributes.cause === WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND) return 1;
  return task.attempt + 1;
}
