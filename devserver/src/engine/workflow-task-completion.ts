/**
 * RespondWorkflowTaskCompleted: validates the workflow's commands (an invalid one fails the task),
 * writes WorkflowTaskCompleted and the commands' events, then schedules the next task if needed.
 */
import { CommandType, EventType as E, Msg, WorkflowTaskFailedCause, durationToMs } from '../proto';
import type { Engine } from './engine';
import type { Run } from './run';
import { processCommands, validateCommands } from './commands';
import { rejectUnansweredUpdates } from './update';
import { failWorkflowTask, flushAndReschedule, startWorkflowTask, stopWorkflowTaskClock } from './workflow-task';

export interface CompletionResult {
  /** Set when the commands were rejected and the task failed instead. */
  failureMessage?: string;
  /** Activity tasks started eagerly for the completing worker. */
  activityTasks?: Msg[];
  /** The next workflow task, started for the completing worker when it asked for it. */
  workflowTask?: Msg;
}

export function completeWorkflowTask(engine: Engine, run: Run, request: Msg): CompletionResult {
  const task = run.workflowTask!;
  const commands: Msg[] = request.commands ?? [];
  stopWorkflowTaskClock(engine, run);
  const messages = new Map<string, Msg>((request.messages ?? []).map((message: Msg) => [message.id, message]));
  const problem = validateCommands(engine, run, commands, messages);
  if (problem) {
    failWorkflowTask(engine, run, {
      cause: problem.cause,
      failure: { message: problem.message, applicationFailureInfo: { type: 'BadCommand', nonRetryable: true } },
      identity: request.identity,
    });
    return { failureMessage: problem.message };
  }
  const closes = commands.some((command) => isClosingCommand(command.commandType));
  if (closes && run.history.buffered.length > 0) {
    // New events arrived while the worker decided to close: it must see them first.
    const message = 'UnhandledCommand: new events arrived while the workflow task was running';
    failWorkflowTask(engine, run, {
      cause: WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
      failure: { message },
      identity: request.identity,
    });
    // Answered as an error, like the server: the worker then drops its cached state of the run.
    return { failureMessage: message };
  }
  const completed = engine.appendEvent(run, E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, {
    scheduledEventId: task.scheduledEventId,
    startedEventId: task.startedEventId,
    identity: request.identity ?? '',
    binaryChecksum: request.binaryChecksum ?? '',
    workerVersion: request.workerVersionStamp ?? undefined,
    sdkMetadata: request.sdkMetadata ?? undefined,
    meteringMetadata: request.meteringMetadata ?? undefined,
  });
  const sticky = request.stickyAttributes?.workerTaskQueue?.name;
  run.stickyQueue = sticky ?? '';
  run.stickyScheduleToStartMs = sticky ? Math.max(1000, durationToMs(request.stickyAttributes.scheduleToStartTimeout)) : 0;
  const activityTasks: Msg[] = [];
  processCommands(engine, run, commands, messages, completed.eventId, request.identity ?? '', activityTasks);
  rejectUnansweredUpdates(run, task.scheduledEventId);
  if (!run.isRunning) return { activityTasks };
  flushAndReschedule(engine, run, request.forceCreateNewWorkflowTask === true);
  return { activityTasks, workflowTask: returnNewTaskInline(engine, run, request) };
}

/**
 * A worker that caches the run (it sent sticky attributes) may ask for the next workflow task in
 * the completion response; it then gets it at once, with partial history as on the sticky queue.
 */
function returnNewTaskInline(engine: Engine, run: Run, request: Msg): Msg | undefined {
  const next = run.workflowTask;
  if (!request.returnNewWorkflowTask || !run.stickyQueue || !next || next.started || !next.sticky) return undefined;
  const scheduledEventId = next.scheduledEventId;
  return startWorkflowTask(
    engine,
    { kind: 'workflow', run, scheduledEventId, isStale: () => run.workflowTask?.scheduledEventId !== scheduledEventId || run.workflowTask.started },
    { identity: request.identity },
    run.stickyQueue,
  );
}

function isClosingCommand(commandType: number): boolean {
  return (
    commandType === CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION ||
    commandType === CommandType.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION ||
    commandType === CommandType.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION ||
    commandType === CommandType.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION
  );
}
