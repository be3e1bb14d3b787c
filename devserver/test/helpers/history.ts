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
