/**
 * The activity entity. History only records SCHEDULED and the closing pair (STARTED written at
 * close, then COMPLETED/FAILED/TIMED_OUT/CANCELED); attempts, heartbeats and retries between them
 * live here and are journaled as side state.
 */
import { Msg, durationToMs, timestampToMs } from '../proto';

export type ActivityPhase = 'scheduled' | 'started' | 'backoff';

export interface ActivityState {
  scheduledEventId: number;
  activityId: string;
  activityType: string;
  taskQueue: string;
  attributes: Msg;
  scheduleToCloseMs: number;
  scheduleToStartMs: number;
  startToCloseMs: number;
  heartbeatMs: number;
  retryPolicy: Msg;
  attempt: number;
  phase: ActivityPhase;
  scheduledTimeMs: number;
  currentAttemptScheduledTimeMs: number;
  startedTimeMs: number;
  startedIdentity: string;
  startedRequestId: string;
  lastHeartbeatTimeMs: number;
  heartbeatDetails?: Msg;
  lastFailure?: Msg;
  lastWorkerIdentity: string;
  /** When the last failed attempt ended and how long the retry waits (for describe). */
  lastAttemptCompleteTimeMs: number;
  currentRetryIntervalMs: number;
  cancelRequested: boolean;
  cancelRequestedEventId: number;
  /** The ActivityTaskStarted event once written (it may still be buffered). */
  startedEvent?: Msg;
}

export function activityFromScheduled(event: Msg, attributes: Msg): ActivityState {
  const timeMs = timestampToMs(event.eventTime);
  return {
    scheduledEventId: event.eventId,
    activityId: attributes.activityId,
    activityType: attributes.activityType?.name ?? '',
    taskQueue: attributes.taskQueue?.name ?? '',
    attributes,
    scheduleToCloseMs: durationToMs(attributes.scheduleToCloseTimeout),
    scheduleToStartMs: durationToMs(attributes.scheduleToStartTimeout),
    startToCloseMs: durationToMs(attributes.startToCloseTimeout),
    heartbeatMs: durationToMs(attributes.heartbeatTimeout),
    retryPolicy: attributes.retryPolicy ?? {},
    attempt: 1,
    phase: 'scheduled',
    scheduledTimeMs: timeMs,
    currentAttemptScheduledTimeMs: timeMs,
    startedTimeMs: 0,
    startedIdentity: '',
    startedRequestId: '',
    lastHeartbeatTimeMs: 0,
    lastWorkerIdentity: '',
    lastAttemptCompleteTimeMs: 0,
    currentRetryIntervalMs: 0,
    cancelRequested: false,
    cancelRequestedEventId: 0,
  };
}

/** Fields of ActivityState that history does not carry, for the journal. */
export type ActivitySideState = Pick<
  ActivityState,
  | 'attempt'
  | 'phase'
  | 'currentAttemptScheduledTimeMs'
  | 'startedTimeMs'
  | 'startedIdentity'
  | 'startedRequestId'
  | 'lastHeartbeatTimeMs'
  | 'heartbeatDetails'
  | 'lastFailure'
  | 'lastWorkerIdentity'
  | 'lastAttemptCompleteTimeMs'
  | 'currentRetryIntervalMs'
>;

export function activitySideState(activity: ActivityState): ActivitySideState {
  return {
    attempt: activity.attempt,
    phase: activity.phase,
    currentAttemptScheduledTimeMs: activity.currentAttemptScheduledTimeMs,
    startedTimeMs: activity.startedTimeMs,
    startedIdentity: activity.startedIdentity,
    startedRequestId: activity.startedRequestId,
    lastHeartbeatTimeMs: activity.lastHeartbeatTimeMs,
    heartbeatDetails: activity.heartbeatDetails,
    lastFailure: activity.lastFailure,
    lastWorkerIdentity: activity.lastWorkerIdentity,
    lastAttemptCompleteTimeMs: activity.lastAttemptCompleteTimeMs,
    currentRetryIntervalMs: activity.currentRetryIntervalMs,
  };
}
