/**
 * One workflow run: its history and the mutable state derived from it. `apply` is the single
 * place where history events change entity state, so replaying a journaled history rebuilds the
 * run exactly. Side effects (dispatching tasks, arming deadlines) live in the engine modules.
 */
import { EventType as E, Msg, WorkflowExecutionStatus as S, durationToMs, timestampToMs } from '../proto';
import { ActivityState, activityFromScheduled } from './activity-state';
import { ChildWorkflowState, childFromInitiated } from './child-state';
import { History, attributesOf } from './history';
import { TimerState, timerFromStarted } from './timer-state';
import { UpdateState, newUpdate } from './update-state';
import { WorkflowTaskState, markWorkflowTaskStarted, nextAttemptAfterFailure, workflowTaskFromScheduled } from './workflow-task-state';
import type { ClockTimer } from './clock';

export interface ParentInfo {
  namespace: string;
  workflowId: string;
  runId: string;
  initiatedEventId: number;
}

export function runKeyOf(namespace: string, workflowId: string, runId: string): string {
  return `${namespace}\u0000${workflowId}\u0000${runId}`;
}

export class Run {
  readonly key: string;
  readonly history = new History();

  // From WorkflowExecutionStarted.
  workflowType = '';
  taskQueue = '';
  workflowTaskTimeoutMs = 10_000;
  runTimeoutMs = 0;
  executionTimeoutMs = 0;
  executionExpirationMs = 0;
  startTimeMs = 0;
  executionTimeMs = 0;
  firstExecutionRunId = '';
  parent?: ParentInfo;
  startedAttributes: Msg = {};
  memo: Msg = {};
  searchAttributes: Msg = {};

  status: number = S.WORKFLOW_EXECUTION_STATUS_RUNNING;
  closeTimeMs = 0;
  closeEvent?: Msg;

  workflowTask?: WorkflowTaskState;
  nextWorkflowTaskAttempt = 1;
  lastCompletedWorkflowTaskStartedEventId = 0;
  readonly activities = new Map<number, ActivityState>();
  readonly activityIdToScheduledEventId = new Map<string, number>();
  readonly timers = new Map<string, TimerState>();
  readonly children = new Map<number, ChildWorkflowState>();
  readonly externalSignals = new Map<number, Msg>();
  readonly externalCancels = new Map<number, Msg>();
  cancelRequested = false;
  /** Updates by id: in flight (admitted, sent, accepted) and completed ones, which answer duplicates. */
  readonly updates = new Map<string, UpdateState>();

  // Side state (journaled next to the events).
  startRequestId = '';
  readonly requestIds = new Set<string>();
  stickyQueue = '';
  stickyScheduleToStartMs = 0;

  // Process-local state.
  /** An entity asked for a workflow task that is not scheduled yet (see Engine.requestWorkflowTask). */
  workflowTaskRequested = false;
  readonly deadlines = new Map<string, ClockTimer>();
  readonly historyWaiters = new Set<() => void>();
  /** Events appended since the journal last saw this run. */
  journaledEventCount = 0;

  constructor(
    readonly namespace: string,
    readonly workflowId: string,
    readonly runId: string,
  ) {
    this.key = runKeyOf(namespace, workflowId, runId);
  }

  get isRunning(): boolean {
    return this.status === S.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  get execution(): Msg {
    return { workflowId: this.workflowId, runId: this.runId };
  }

  /** True while a workflow task has been handed to a worker and not answered. */
  get workflowTaskInFlight(): boolean {
    return this.workflowTask?.started === true;
  }

  apply(event: Msg): void {
    const a = attributesOf(event);
    const timeMs = timestampToMs(event.eventTime);
    switch (event.eventType) {
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        this.startedAttributes = a;
        this.workflowType = a.workflowType?.name ?? '';
        this.taskQueue = a.taskQueue?.name ?? '';
        this.workflowTaskTimeoutMs = durationToMs(a.workflowTaskTimeout) || 10_000;
        this.runTimeoutMs = durationToMs(a.workflowRunTimeout);
        this.executionTimeoutMs = durationToMs(a.workflowExecutionTimeout);
        this.executionExpirationMs = timestampToMs(a.workflowExecutionExpirationTime);
        this.startTimeMs = timeMs;
        this.executionTimeMs = timeMs + durationToMs(a.firstWorkflowTaskBackoff);
        this.firstExecutionRunId = a.firstExecutionRunId || this.runId;
        this.memo = { ...(a.memo?.fields ?? {}) };
        this.searchAttributes = { ...(a.searchAttributes?.indexedFields ?? {}) };
        if (a.parentWorkflowExecution?.workflowId) {
          this.parent = {
            namespace: a.parentWorkflowNamespace,
            workflowId: a.parentWorkflowExecution.workflowId,
            runId: a.parentWorkflowExecution.runId,
            initiatedEventId: a.parentInitiatedEventId,
          };
        }
        break;
      case E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
        this.workflowTask = workflowTaskFromScheduled(event, a);
        break;
      case E.EVENT_TYPE_WORKFLOW_TASK_STARTED:
        if (this.workflowTask) markWorkflowTaskStarted(this.workflowTask, event);
        break;
      case E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        this.lastCompletedWorkflowTaskStartedEventId = a.startedEventId;
        this.workflowTask = undefined;
        this.nextWorkflowTaskAttempt = 1;
        break;
      case E.EVENT_TYPE_WORKFLOW_TASK_FAILED:
      case E.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
        if (this.workflowTask) {
          this.nextWorkflowTaskAttempt = nextAttemptAfterFailure(this.workflowTask, a, event.eventType === E.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT);
        }
        this.workflowTask = undefined;
        break;
      case E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
        const activity = activityFromScheduled(event, a);
        this.activities.set(activity.scheduledEventId, activity);
        this.activityIdToScheduledEventId.set(activity.activityId, activity.scheduledEventId);
        break;
      }
      case E.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
        const activity = this.activities.get(a.scheduledEventId);
        if (activity) activity.startedEvent = event;
        break;
      }
      case E.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED: {
        const activity = this.activities.get(a.scheduledEventId);
        if (activity) {
          activity.cancelRequested = true;
          activity.cancelRequestedEventId = event.eventId;
        }
        break;
      }
      case E.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
      case E.EVENT_TYPE_ACTIVITY_TASK_FAILED:
      case E.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
      case E.EVENT_TYPE_ACTIVITY_TASK_CANCELED: {
        const activity = this.activities.get(a.scheduledEventId);
        if (activity) {
          this.activities.delete(a.scheduledEventId);
          this.activityIdToScheduledEventId.delete(activity.activityId);
        }
        break;
      }
      case E.EVENT_TYPE_TIMER_STARTED:
        this.timers.set(a.timerId, timerFromStarted(event, a));
        break;
      case E.EVENT_TYPE_TIMER_FIRED:
      case E.EVENT_TYPE_TIMER_CANCELED:
        this.timers.delete(a.timerId);
        break;
      case E.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        this.children.set(event.eventId, childFromInitiated(event, a, this.namespace));
        break;
      case E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED: {
        const child = this.children.get(a.initiatedEventId);
        if (child) {
          child.runId = a.workflowExecution?.runId;
          child.startedEvent = event;
        }
        break;
      }
      case E.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED:
      case E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED:
      case E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED:
      case E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED:
      case E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT:
      case E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED:
        this.children.delete(a.initiatedEventId);
        break;
      case E.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
        this.externalSignals.set(event.eventId, a);
        break;
      case E.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED:
      case E.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED:
        this.externalSignals.delete(a.initiatedEventId);
        break;
      case E.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
        this.externalCancels.set(event.eventId, a);
        break;
      case E.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
      case E.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED:
        this.externalCancels.delete(a.initiatedEventId);
        break;
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
        this.cancelRequested = true;
        break;
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: {
        const updateId: string = a.protocolInstanceId;
        let update = this.updates.get(updateId);
        if (!update) {
          update = newUpdate(updateId, a.acceptedRequest ?? {});
          this.updates.set(updateId, update);
        }
        update.phase = 'accepted';
        update.acceptedEventId = event.eventId;
        break;
      }
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED: {
        const updateId: string = a.meta?.updateId ?? '';
        let update = this.updates.get(updateId);
        if (!update) {
          update = newUpdate(updateId, { meta: a.meta });
          this.updates.set(updateId, update);
        }
        update.phase = 'completed';
        update.outcome = a.outcome ?? {};
        break;
      }
      case E.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
        Object.assign(this.searchAttributes, a.searchAttributes?.indexedFields ?? {});
        break;
      case E.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED:
        Object.assign(this.memo, a.upsertedMemo?.fields ?? {});
        break;
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
        this.close(S.WORKFLOW_EXECUTION_STATUS_COMPLETED, event, timeMs);
        break;
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
        this.close(S.WORKFLOW_EXECUTION_STATUS_FAILED, event, timeMs);
        break;
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
        this.close(S.WORKFLOW_EXECUTION_STATUS_CANCELED, event, timeMs);
        break;
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
        this.close(S.WORKFLOW_EXECUTION_STATUS_TERMINATED, event, timeMs);
        break;
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
        this.close(S.WORKFLOW_EXECUTION_STATUS_TIMED_OUT, event, timeMs);
        break;
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
        this.close(S.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW, event, timeMs);
        break;
      default:
        break;
    }
  }

  private close(status: number, event: Msg, timeMs: number): void {
    this.status = status;
    this.closeTimeMs = timeMs;
    this.closeEvent = event;
    this.workflowTask = undefined;
  }
}
