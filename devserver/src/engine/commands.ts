/**
 * Commands from RespondWorkflowTaskCompleted: validated as a batch first (an invalid command
 * fails the whole workflow task with the matching WorkflowTaskFailedCause, as the server does),
 * then turned into history events in order.
 */
import { CommandType as C, EventType as E, Msg, TaskQueueKind, WorkflowTaskFailedCause as Cause, durationToMs, msToDuration } from '../proto';
import type { Engine } from './engine';
import type { Run } from './run';
import { dispatchActivity, requestCancelActivity, startEagerActivity } from './activity';
import { cancelTimer, startTimer } from './timer';
import { closeRun } from './lifecycle';
import { continueAsNew } from './continue-as-new';
import { initiateChild } from './child-workflow';
import { initiateExternalCancel, initiateExternalSignal } from './external';
import { retryPolicyProblem, normalizeRetryPolicy } from './retry';
import { processUpdateMessage, updateMessageProblem } from './update';

export interface CommandProblem {
  cause: number;
  message: string;
}

const attributeKeys: Record<number, string> = {
  [C.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK]: 'scheduleActivityTaskCommandAttributes',
  [C.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK]: 'requestCancelActivityTaskCommandAttributes',
  [C.COMMAND_TYPE_START_TIMER]: 'startTimerCommandAttributes',
  [C.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION]: 'completeWorkflowExecutionCommandAttributes',
  [C.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION]: 'failWorkflowExecutionCommandAttributes',
  [C.COMMAND_TYPE_CANCEL_TIMER]: 'cancelTimerCommandAttributes',
  [C.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION]: 'cancelWorkflowExecutionCommandAttributes',
  [C.COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION]: 'requestCancelExternalWorkflowExecutionCommandAttributes',
  [C.COMMAND_TYPE_RECORD_MARKER]: 'recordMarkerCommandAttributes',
  [C.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION]: 'continueAsNewWorkflowExecutionCommandAttributes',
  [C.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION]: 'startChildWorkflowExecutionCommandAttributes',
  [C.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION]: 'signalExternalWorkflowExecutionCommandAttributes',
  [C.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES]: 'upsertWorkflowSearchAttributesCommandAttributes',
  [C.COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES]: 'modifyWorkflowPropertiesCommandAttributes',
  [C.COMMAND_TYPE_PROTOCOL_MESSAGE]: 'protocolMessageCommandAttributes',
};

const closing = new Set<number>([
  C.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
  C.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
  C.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION,
  C.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION,
]);

function attributesOfCommand(command: Msg): Msg | undefined {
  return command[attributeKeys[command.commandType]];
}

/** Fills in the activity timeouts the way the server does before writing ActivityTaskScheduled. */
export function normalizeActivityTimeouts(a: Msg, run: Run): { scheduleToClose: number; scheduleToStart: number; startToClose: number; heartbeat: number } | string {
  let scheduleToClose = durationToMs(a.scheduleToCloseTimeout);
  let scheduleToStart = durationToMs(a.scheduleToStartTimeout);
  let startToClose = durationToMs(a.startToCloseTimeout);
  let heartbeat = durationToMs(a.heartbeatTimeout);
  if ([scheduleToClose, scheduleToStart, startToClose, heartbeat].some((value) => value < 0)) {
    return 'activity timeouts cannot be negative';
  }
  const runLimit = run.runTimeoutMs > 0 ? run.runTimeoutMs : 0;
  if (scheduleToClose === 0 && startToClose === 0) {
    return 'A valid StartToClose or ScheduleToCloseTimeout is not set on ScheduleActivityTaskCommand.';
  }
  if (scheduleToClose === 0 && runLimit > 0) scheduleToClose = runLimit;
  if (runLimit > 0 && scheduleToClose > runLimit) scheduleToClose = runLimit;
  if (scheduleToClose > 0) {
    if (scheduleToStart === 0 || scheduleToStart > scheduleToClose) scheduleToStart = scheduleToClose;
    if (startToClose === 0 || startToClose > scheduleToClose) startToClose = scheduleToClose;
  }
  if (heartbeat > startToClose) heartbeat = startToClose;
  return { scheduleToClose, scheduleToStart, startToClose, heartbeat };
}

export function validateCommands(engine: Engine, run: Run, commands: Msg[], messages: Map<string, Msg>): CommandProblem | undefined {
  for (const message of messages.values()) {
    const problem = updateMessageProblem(run, message);
    if (problem) return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE, message: problem };
  }
  const activityIds = new Set(run.activityIdToScheduledEventId.keys());
  const timerIds = new Set(run.timers.keys());
  for (let index = 0; index < commands.length; index++) {
    const command = commands[index];
    const a = attributesOfCommand(command);
    const where = `command ${index + 1} (${C[command.commandType] ?? command.commandType})`;
    switch (command.commandType) {
      case C.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK: {
        const bad = (message: string) => ({ cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES, message: `${where}: ${message}` });
        if (!a) return bad('ScheduleActivityTaskCommandAttributes is not set');
        if (!a.activityId) return bad('ActivityId is not set');
        if (!a.activityType?.name) return bad('ActivityType is not set');
        if (activityIds.has(a.activityId)) {
          return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_SCHEDULE_ACTIVITY_DUPLICATE_ID, message: `${where}: activity ID "${a.activityId}" is already in use` };
        }
        const timeouts = normalizeActivityTimeouts(a, run);
        if (typeof timeouts === 'string') return bad(timeouts);
        const retryProblem = retryPolicyProblem(a.retryPolicy);
        if (retryProblem) return bad(retryProblem);
        activityIds.add(a.activityId);
        break;
      }
      case C.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK:
        if (!a || !run.activities.has(a.scheduledEventId)) {
          return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_ACTIVITY_ATTRIBUTES, message: `${where}: no pending activity with scheduled event ID ${a?.scheduledEventId}` };
        }
        break;
      case C.COMMAND_TYPE_START_TIMER:
        if (!a || !a.timerId) return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES, message: `${where}: TimerId is not set` };
        if (durationToMs(a.startToFireTimeout) <= 0) {
          return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES, message: `${where}: StartToFireTimeout must be positive` };
        }
        if (timerIds.has(a.timerId)) return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_START_TIMER_DUPLICATE_ID, message: `${where}: timer ID "${a.timerId}" is already in use` };
        timerIds.add(a.timerId);
        break;
      case C.COMMAND_TYPE_CANCEL_TIMER:
        if (!a || !timerIds.has(a.timerId)) return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_CANCEL_TIMER_ATTRIBUTES, message: `${where}: no pending timer "${a?.timerId}"` };
        timerIds.delete(a.timerId);
        break;
      case C.COMMAND_TYPE_RECORD_MARKER:
        if (!a || !a.markerName) return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_RECORD_MARKER_ATTRIBUTES, message: `${where}: MarkerName is not set` };
        break;
      case C.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION: {
        const bad = (message: string) => ({ cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_CHILD_EXECUTION_ATTRIBUTES, message: `${where}: ${message}` });
        if (!a) return bad('StartChildWorkflowExecutionCommandAttributes is not set');
        if (!a.workflowId) return bad('WorkflowId is not set');
        if (!a.workflowType?.name) return bad('WorkflowType is not set');
        if (a.namespace && !engine.namespaces.has(a.namespace)) return bad(`namespace "${a.namespace}" is not registered`);
        const retryProblem = retryPolicyProblem(a.retryPolicy);
        if (retryProblem) return bad(retryProblem);
        break;
      }
      case C.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION:
        if (!a || !a.execution?.workflowId || !a.signalName) {
          return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SIGNAL_WORKFLOW_EXECUTION_ATTRIBUTES, message: `${where}: Execution.WorkflowId and SignalName are required` };
        }
        break;
      case C.COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION:
        if (!a || !a.workflowId) {
          return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_ATTRIBUTES, message: `${where}: WorkflowId is not set` };
        }
        break;
      case C.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
        if (!a || !a.searchAttributes) return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES, message: `${where}: SearchAttributes is not set` };
        break;
      case C.COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES:
        if (!a || !a.upsertedMemo) return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_MODIFY_WORKFLOW_PROPERTIES_ATTRIBUTES, message: `${where}: UpsertedMemo is not set` };
        break;
      case C.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION:
        if (!a) return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_CONTINUE_AS_NEW_ATTRIBUTES, message: `${where}: attributes not set` };
        break;
      case C.COMMAND_TYPE_PROTOCOL_MESSAGE:
        if (!a?.messageId || !messages.has(a.messageId)) {
          return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE, message: `${where}: no message "${a?.messageId}" in the completion` };
        }
        break;
      case C.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION:
      case C.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION:
      case C.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION:
        break;
      default:
        return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND, message: `${where}: this command type is not supported by the devserver` };
    }
    if (closing.has(command.commandType) && index !== commands.length - 1) {
      return { cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND, message: `${where}: a workflow-closing command must be the last command` };
    }
  }
  return undefined;
}

/**
 * Writes the events for validated commands; an event the workflow must see requests another workflow
 * task. A protocol-message command processes the message it names at its place among the commands;
 * the messages no command named are processed after them, in the order they came.
 */
export function processCommands(engine: Engine, run: Run, commands: Msg[], messages: Map<string, Msg>, completedEventId: number, identity: string, eagerTasks?: Msg[]): void {
  const unprocessed = new Map(messages);
  for (const command of commands) {
    const a = attributesOfCommand(command) ?? {};
    switch (command.commandType) {
      case C.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK: {
        const timeouts = normalizeActivityTimeouts(a, run) as Exclude<ReturnType<typeof normalizeActivityTimeouts>, string>;
        const event = engine.appendEvent(run, E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, {
          activityId: a.activityId,
          activityType: a.activityType,
          taskQueue: { name: a.taskQueue?.name || run.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
          header: a.header,
          input: a.input,
          scheduleToCloseTimeout: msToDuration(timeouts.scheduleToClose),
          scheduleToStartTimeout: msToDuration(timeouts.scheduleToStart),
          startToCloseTimeout: msToDuration(timeouts.startToClose),
          heartbeatTimeout: msToDuration(timeouts.heartbeat),
          workflowTaskCompletedEventId: completedEventId,
          retryPolicy: normalizeRetryPolicy(a.retryPolicy),
          useWorkflowBuildId: a.useWorkflowBuildId,
          priority: a.priority,
        });
        const activity = run.activities.get(event.eventId)!;
        const sameQueue = activity.taskQueue === run.taskQueue;
        // Eager execution: the completing worker reserved a slot and gets the task in its response.
        const eager = a.requestEagerExecution === true && sameQueue && eagerTasks ? startEagerActivity(engine, run, activity, identity) : undefined;
        if (eager) eagerTasks!.push(eager);
        else dispatchActivity(engine, run, activity);
        break;
      }
      case C.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK:
        requestCancelActivity(engine, run, a.scheduledEventId, completedEventId);
        break;
      case C.COMMAND_TYPE_START_TIMER:
        startTimer(engine, run, a, completedEventId);
        break;
      case C.COMMAND_TYPE_CANCEL_TIMER:
        cancelTimer(engine, run, a.timerId, completedEventId, identity);
        break;
      case C.COMMAND_TYPE_RECORD_MARKER:
        engine.appendEvent(run, E.EVENT_TYPE_MARKER_RECORDED, {
          markerName: a.markerName,
          details: a.details,
          workflowTaskCompletedEventId: completedEventId,
          header: a.header,
          failure: a.failure,
        });
        break;
      case C.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
        engine.appendEvent(run, E.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, {
          workflowTaskCompletedEventId: completedEventId,
          searchAttributes: a.searchAttributes,
        });
        break;
      case C.COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES:
        engine.appendEvent(run, E.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED, {
          workflowTaskCompletedEventId: completedEventId,
          upsertedMemo: a.upsertedMemo,
        });
        break;
      case C.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION:
        initiateChild(engine, run, a, completedEventId);
        break;
      case C.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION:
        initiateExternalSignal(engine, run, a, completedEventId);
        break;
      case C.COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION:
        initiateExternalCancel(engine, run, a, completedEventId);
        break;
      case C.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION:
        closeRun(engine, run, E.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, { result: a.result, workflowTaskCompletedEventId: completedEventId });
        break;
      case C.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION:
        closeRun(engine, run, E.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, { failure: a.failure, workflowTaskCompletedEventId: completedEventId });
        break;
      case C.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION:
        closeRun(engine, run, E.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, { workflowTaskCompletedEventId: completedEventId, details: a.details });
        break;
      case C.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION:
        continueAsNew(engine, run, a, completedEventId);
        break;
      case C.COMMAND_TYPE_PROTOCOL_MESSAGE:
        unprocessed.delete(a.messageId);
        processUpdateMessage(engine, run, messages.get(a.messageId)!);
        break;
      default:
        break;
    }
  }
  for (const message of unprocessed.values()) processUpdateMessage(engine, run, message);
}
