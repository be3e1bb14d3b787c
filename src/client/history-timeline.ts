/**
 * A run's event history as a timeline people read: the workflow's start and end, and every
 * activity with its attempts, durations, the failure that made it retry, its final failure and the
 * heartbeat details a timeout recorded; timers and signals in between. Pure: takes the History.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Failure = temporal.api.failure.v1.IFailure;
type Payloads = temporal.api.common.v1.IPayloads;

/** One activity as its events tell it. */
export interface ActivityLine {
  activityId: string;
  activityType: string;
  scheduledAt: Date;
  startedAt?: Date;
  closedAt?: Date;
  outcome: 'completed' | 'failed' | 'timed out' | 'cancelled' | 'running';
  /** The attempt that ended it (retries happen on the server: earlier attempts leave only lastFailure). */
  attempt?: number;
  /** Why the attempt before the last one failed. */
  lastFailure?: string;
  failure?: string;
  heartbeatDetails?: unknown;
}

export interface Timeline {
  workflowType: string;
  startedAt?: Date;
  closedAt?: Date;
  status: string;
  failure?: string;
  activities: ActivityLine[];
  /** Timers, signals, updates and other events worth a line, in order. */
  others: { at: Date; text: string }[];
}

function dateOf(event: HistoryEvent): Date {
  const t = event.eventTime;
  return new Date(Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6));
}

function decoded(payloads: Payloads | null | undefined): unknown {
  const list = payloads?.payloads ?? [];
  if (list.length === 0) return undefined;
  const values = list.map((p) => {
    try {
      return defaultPayloadConverter.fromPayload(p as never);
    } catch {
      return '(undecodable payload)';
    }
  });
  return values.length === 1 ? values[0] : values;
}

/** "ApplicationFailure WarehouseBusy: warehouse … is being loaded …" through the cause chain. */
export function failureText(failure: Failure | null | undefined): string | undefined {
  const parts: string[] = [];
  for (let f = failure; f; f = f.cause) {
    const type = f.applicationFailureInfo?.type ?? (f.timeoutFailureInfo ? `timeout ${timeoutName(f.timeoutFailureInfo.timeoutType)}` : undefined);
    parts.push(type ? `${type}: ${f.message ?? ''}` : (f.message ?? ''));
  }
  return parts.length > 0 ? parts.filter((p) => p !== '').join(' ← ') : undefined;
}

function timeoutName(type: number | null | undefined): string {
  return ['unspecified', 'start-to-close', 'schedule-to-start', 'schedule-to-close', 'heartbeat'][type ?? 0] ?? String(type);
}

function heartbeatOf(failure: Failure | null | undefined): unknown {
  for (let f = failure; f; f = f.cause) {
    const details = decoded(f.timeoutFailureInfo?.lastHeartbeatDetails);
    if (details !== undefined) return details;
  }
  return undefined;
}

export function timelineOf(history: History): Timeline {
  const timeline: Timeline = { workflowType: '?', status: 'RUNNING', activities: [], others: [] };
  const byScheduledId = new Map<string, ActivityLine>();
  const timers = new Map<string, string>();
  const activity = (id: unknown): ActivityLine | undefined => byScheduledId.get(String(id));
  for (const event of history.events ?? []) {
    const at = dateOf(event);
    const id = String(event.eventId);
    if (event.workflowExecutionStartedEventAttributes) {
      timeline.workflowType = event.workflowExecutionStartedEventAttributes.workflowType?.name ?? '?';
      timeline.startedAt = at;
    } else if (event.activityTaskScheduledEventAttributes) {
      const a = event.activityTaskScheduledEventAttributes;
      const line: ActivityLine = { activityId: a.activityId ?? '?', activityType: a.activityType?.name ?? '?', scheduledAt: at, outcome: 'running' };
      byScheduledId.set(id, line);
      timeline.activities.push(line);
    } else if (event.activityTaskStartedEventAttributes) {
      const a = event.activityTaskStartedEventAttributes;
      const line = activity(a.scheduledEventId);
      if (line) {
        line.startedAt = at;
        line.attempt = a.attempt ?? 1;
        const last = failureText(a.lastFailure);
        if (last) line.lastFailure = last;
      }
    } else if (event.activityTaskCompletedEventAttributes) {
      const line = activity(event.activityTaskCompletedEventAttributes.scheduledEventId);
      if (line) Object.assign(line, { closedAt: at, outcome: 'completed' });
    } else if (event.activityTaskFailedEventAttributes) {
      const a = event.activityTaskFailedEventAttributes;
      const line = activity(a.scheduledEventId);
      if (line) Object.assign(line, { closedAt: at, outcome: 'failed', failure: failureText(a.failure) });
    } else if (event.activityTaskTimedOutEventAttributes) {
      const a = event.activityTaskTimedOutEventAttributes;
      const line = activity(a.scheduledEventId);
      if (line) {
        Object.assign(line, { closedAt: at, outcome: 'timed out', failure: failureText(a.failure) });
        const details = heartbeatOf(a.failure);
        if (details !== undefined) line.heartbeatDetails = details;
      }
    } else if (event.activityTaskCanceledEventAttributes) {
      const a = event.activityTaskCanceledEventAttributes;
      const line = activity(a.scheduledEventId);
      if (line) {
        Object.assign(line, { closedAt: at, outcome: 'cancelled' });
        const details = decoded(a.details);
        if (details !== undefined) line.heartbeatDetails = details;
      }
    } else if (event.timerStartedEventAttributes) {
      timers.set(id, event.timerStartedEventAttributes.timerId ?? '?');
    } else if (event.timerFiredEventAttributes) {
      timeline.others.push({ at, text: `timer ${event.timerFiredEventAttributes.timerId ?? '?'} fired` });
    } else if (event.workflowExecutionSignaledEventAttributes) {
      timeline.others.push({ at, text: `signal ${event.workflowExecutionSignaledEventAttributes.signalName ?? '?'}` });
    } else if (event.workflowExecutionCancelRequestedEventAttributes) {
      timeline.others.push({ at, text: 'cancellation requested' });
    } else if (event.workflowTaskFailedEventAttributes) {
      timeline.others.push({ at, text: `workflow task failed: ${failureText(event.workflowTaskFailedEventAttributes.failure) ?? '?'}` });
    } else if (event.workflowExecutionCompletedEventAttributes) {
      Object.assign(timeline, { closedAt: at, status: 'COMPLETED' });
    } else if (event.workflowExecutionFailedEventAttributes) {
      Object.assign(timeline, { closedAt: at, status: 'FAILED', failure: failureText(event.workflowExecutionFailedEventAttributes.failure) });
    } else if (event.workflowExecutionTimedOutEventAttributes) {
      Object.assign(timeline, { closedAt: at, status: 'TIMED_OUT' });
    } else if (event.workflowExecutionCanceledEventAttributes) {
      Object.assign(timeline, { closedAt: at, status: 'CANCELED' });
    } else if (event.workflowExecutionTerminatedEventAttributes) {
      Object.assign(timeline, { closedAt: at, status: 'TERMINATED', failure: event.workflowExecutionTerminatedEventAttributes.reason ?? undefined });
    } else if (event.workflowExecutionContinuedAsNewEventAttributes) {
      Object.assign(timeline, { closedAt: at, status: 'CONTINUED_AS_NEW' });
    }
  }
  return timeline;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** The timeline as lines: offsets from the run's start, one line per activity, details indented. */
export function renderTimeline(workflowId: string, runId: string, t: Timeline): string[] {
  const origin = t.startedAt?.getTime() ?? 0;
  const offset = (d: Date) => `+${seconds(d.getTime() - origin)}`.padStart(8);
  const width = Math.max(12, ...t.activities.map((a) => a.activityType.length));
  const lines = [
    `${t.workflowType} ${workflowId} run ${runId}: ${t.status}` +
      (t.closedAt && t.startedAt ? ` after ${seconds(t.closedAt.getTime() - origin)}` : '') +
      (t.startedAt ? ` (started ${t.startedAt.toISOString()})` : ''),
  ];
  const entries: { at: Date; lines: string[] }[] = t.activities.map((a) => {
    // Scheduled to closed: the server records an attempt's start only when the activity ends, so
    // the started event says which attempt ended it, not when it began.
    const total = a.closedAt ? a.closedAt.getTime() - a.scheduledAt.getTime() : undefined;
    const head =
      `${offset(a.scheduledAt)}  ${a.activityType.padEnd(width)}  ${a.outcome}` +
      (total !== undefined ? ` in ${seconds(total)}` : '') +
      (a.attempt !== undefined && a.attempt > 1 ? `, attempt ${a.attempt}` : '');
    const more: string[] = [];
    const pad = ' '.repeat(10);
    if (a.lastFailure) more.push(`${pad}attempt ${(a.attempt ?? 2) - 1} failed: ${a.lastFailure}`);
    if (a.failure) more.push(`${pad}failure: ${a.failure}`);
    if (a.heartbeatDetails !== undefined) more.push(`${pad}last heartbeat: ${JSON.stringify(a.heartbeatDetails)}`);
    return { at: a.scheduledAt, lines: [head, ...more] };
  });
  for (const o of t.others) entries.push({ at: o.at, lines: [`${offset(o.at)}  ${o.text}`] });
  entries.sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const e of entries) lines.push(...e.lines);
  if (t.closedAt) lines.push(`${offset(t.closedAt)}  workflow ${t.status.toLowerCase()}${t.failure ? `: ${t.failure}` : ''}`);
  return lines;
}
