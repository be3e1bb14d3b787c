/**
 * The workflow update entity: ADMITTED (held in memory) → SENT (its request rides a workflow task)
 * → ACCEPTED (WorkflowExecutionUpdateAccepted) → COMPLETED (WorkflowExecutionUpdateCompleted), or
 * rejected by the workflow's validator, which leaves no event. Accepted and completed updates are
 * rebuilt from history after a restart; admitted ones are not, as on the server (the caller retries).
 */
import type { Msg } from '../proto';

export type UpdatePhase = 'admitted' | 'sent' | 'accepted' | 'completed';

export interface UpdateState {
  updateId: string;
  /** temporal.api.update.v1.Request as the caller sent it. */
  request: Msg;
  phase: UpdatePhase;
  /** Scheduled event id of the workflow task that carried the request (phase 'sent'). */
  sentInTask: number;
  acceptedEventId: number;
  /** Success or failure; a rejection sets it without the update ever being accepted. */
  outcome?: Msg;
  /** The update ended without an outcome (its run closed first): what its callers get. */
  abortedWith?: Error;
  /** The run continued as a new run before the workflow saw the update: it lives on there. */
  movedTo?: { runId: string; update: UpdateState };
  /** Callers waiting on this update (process-local). */
  readonly listeners: Set<() => void>;
}

export function newUpdate(updateId: string, request: Msg): UpdateState {
  return { updateId, request, phase: 'admitted', sentInTask: 0, acceptedEventId: 0, listeners: new Set() };
}
