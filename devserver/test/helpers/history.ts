/** Reading workflow histories as the real SDK client sees them, with event types as readable names. */
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED' (enum 1) -> 'WorkflowExecutionStarted'. */
export function eventTypeName(eventType: temporal.api.enums.v1.EventType | null | undefined): string {
  const raw = temporal.api.enums.v1.EventType[eventType ?? 0] ?? `Unknown(${eventType})`;
  return raw
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

export async function fetchEvents(client: Client, workflowId: string, runId?: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await client.workflowService.getWorkflowExecutionHistory({
      namespace: client.options.namespace,
      execution: { workflowId, runId },
      nextPageToken,
    });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return events;
}

export async function fetchEventTypes(client: Client, workflowId: string, runId?: string): Promise<string[]> {
  return (await fetchEvents(client, workflowId, runId)).map((event) => eventTypeName(event.eventType));
}

/** Event ids as plain numbers (protobuf gives Long). */
export function eventIds(events: HistoryEvent[]): number[] {
  return events.map((event) => Number(event.eventId));
}

/**
 * Structural problems of a history, as messages (empty when well formed): event ids must run 1..n,
 * and every workflow task started/completed/failed/timed-out event must point back at the events
 * that opened it.
 */
export function historyProblems(events: HistoryEvent[]): string[] {
  const problems: string[] = [];
  const typeById = new Map<number, string>();
  events.forEach((event, index) => {
    const id = Number(event.eventId);
    if (id !== index + 1) problems.push(`event #${index + 1} has id ${id}`);
    typeById.set(id, eventTypeName(event.eventType));
  });
  const expectType = (at: number, field: string, id: unknown, type: string) => {
    if (typeById.get(Number(id)) !== type) problems.push(`event ${at}: ${field} ${String(id)} is ${typeById.get(Number(id)) ?? 'missing'}, not ${type}`);
  };
  for (const event of events) {
    const at = Number(event.eventId);
    const started = event.workflowTaskStartedEventAttributes;
    if (started) expectType(at, 'scheduledEventId', started.scheduledEventId, 'WorkflowTaskScheduled');
    const closed = event.workflowTaskCompletedEventAttributes ?? event.workflowTaskFailedEventAttributes;
    if (closed) {
      expectType(at, 'scheduledEventId', closed.scheduledEventId, 'WorkflowTaskScheduled');
      expectType(at, 'startedEventId', closed.startedEventId, 'WorkflowTaskStarted');
    }
    const activityClosed = event.activityTaskCompletedEventAttributes ?? event.activityTaskFailedEventAttributes ?? event.activityTaskTimedOutEventAttributes;
    if (activityClosed) expectType(at, 'scheduledEventId', activityClosed.scheduledEventId, 'ActivityTaskScheduled');
  }
  return problems;
}
