/**
 * Workflow update operations. A request is admitted in memory and the run requests a workflow task;
 * the task carries it to the worker as a protocol message; the worker answers with acceptance,
 * rejection and response messages in its completion. Only acceptance and completion are written to
 * history, so a rejected update leaves no trace of itself there.
 */
import { EventType as E, Msg, temporal, type MessageType, decodePlain } from '../proto';
import { notFound } from '../grpc/errors';
import type { Engine } from './engine';
import type { Run } from './run';
import { UpdateState, newUpdate } from './update-state';

const updateTypes = temporal.api.update.v1;
const TYPE_PREFIX = 'type.googleapis.com/';
const REQUEST_TYPE = `${TYPE_PREFIX}temporal.api.update.v1.Request`;

/** What a caller sees when its update was still unseen or unanswered when the workflow closed. */
const WORKFLOW_CLOSED_BEFORE_COMPLETION = 'Workflow Update failed because the Workflow completed before the Update completed.';

export function notifyUpdate(update: UpdateState): void {
  const listeners = [...update.listeners];
  update.listeners.clear();
  for (const listener of listeners) listener();
}

/** Admits a new update (the caller checked that its id is unknown) and asks for a workflow task to carry it. */
export function admitUpdate(engine: Engine, run: Run, request: Msg): UpdateState {
  const update = newUpdate(request.meta.updateId, request);
  run.updates.set(update.updateId, update);
  engine.requestWorkflowTask(run);
  return update;
}

/** Protocol messages for a workflow task being handed out: every update the workflow has not answered yet. */
export function updateMessagesForTask(run: Run, scheduledEventId: number, startedEventId: number): Msg[] {
  const messages: Msg[] = [];
  for (const update of run.updates.values()) {
    // 'sent' with another task: that task failed or timed out, so the request goes out again.
    if (update.phase !== 'admitted' && !(update.phase === 'sent' && update.sentInTask !== scheduledEventId)) continue;
    update.phase = 'sent';
    update.sentInTask = scheduledEventId;
    messages.push({
      id: `${update.updateId}/request`,
      protocolInstanceId: update.updateId,
      // Messages are processed after the task's events, as the server sequences them.
      eventId: startedEventId - 1,
      // google.protobuf.Any keeps its proto field name (type_url) in @temporalio/proto.
      body: { type_url: REQUEST_TYPE, value: updateTypes.Request.encode(update.request).finish() },
    });
  }
  return messages;
}

function decodeBody(message: Msg): { kind: 'acceptance' | 'rejection' | 'response'; body: Msg } | undefined {
  const typeUrl: string = message.body?.type_url ?? '';
  const name = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
  const value: Uint8Array = message.body?.value ?? new Uint8Array();
  switch (name) {
    case 'temporal.api.update.v1.Acceptance':
      return { kind: 'acceptance', body: decodePlain(updateTypes.Acceptance as unknown as MessageType, value) };
    case 'temporal.api.update.v1.Rejection':
      return { kind: 'rejection', body: decodePlain(updateTypes.Rejection as unknown as MessageType, value) };
    case 'temporal.api.update.v1.Response':
      return { kind: 'response', body: decodePlain(updateTypes.Response as unknown as MessageType, value) };
    default:
      return undefined;
  }
}

/** Why a worker's protocol message cannot be processed, or undefined if it can. */
export function updateMessageProblem(run: Run, message: Msg): string | undefined {
  const decoded = decodeBody(message);
  if (!decoded) return `message ${message.id}: unsupported protocol message body ${message.body?.type_url || '(none)'}`;
  const update = run.updates.get(message.protocolInstanceId ?? '');
  if (decoded.kind === 'response' && update?.phase === 'completed') return `message ${message.id}: update ${message.protocolInstanceId} is already completed`;
  if (!update && decoded.kind !== 'acceptance' && decoded.kind !== 'rejection') return `message ${message.id}: update ${message.protocolInstanceId} is not in flight`;
  return undefined;
}

/** Applies one worker message: acceptance and response write their events; a rejection answers the callers. */
export function processUpdateMessage(engine: Engine, run: Run, message: Msg): void {
  const decoded = decodeBody(message);
  if (!decoded) return;
  const updateId: string = message.protocolInstanceId;
  let update = run.updates.get(updateId);
  if (decoded.kind === 'acceptance') {
    // An acceptance names the request it accepts, so an update this process forgot is taken back from it.
    if (!update) {
      update = newUpdate(updateId, decoded.body.acceptedRequest ?? { meta: { updateId } });
      run.updates.set(updateId, update);
    }
    if (update.phase === 'accepted' || update.phase === 'completed') return;
    engine.appendEvent(run, E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, {
      protocolInstanceId: updateId,
      acceptedRequestMessageId: decoded.body.acceptedRequestMessageId,
      acceptedRequestSequencingEventId: decoded.body.acceptedRequestSequencingEventId,
      acceptedRequest: decoded.body.acceptedRequest ?? update.request,
    });
    notifyUpdate(update);
  } else if (decoded.kind === 'response') {
    if (!update || update.phase === 'completed') return;
    engine.appendEvent(run, E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED, {
      meta: decoded.body.meta ?? { updateId },
      acceptedEventId: update.acceptedEventId,
      outcome: decoded.body.outcome,
    });
    notifyUpdate(update);
  } else {
    if (!update || update.phase === 'accepted' || update.phase === 'completed') return;
    rejectUpdate(run, update, decoded.body.failure ?? { message: 'update rejected' });
  }
}

function rejectUpdate(run: Run, update: UpdateState, failure: Msg): void {
  run.updates.delete(update.updateId);
  update.outcome = { failure };
  notifyUpdate(update);
}

/**
 * After a completed workflow task: updates it carried that the worker did not answer are rejected
 * on the worker's behalf (an SDK without update support would otherwise get them forever).
 */
export function rejectUnansweredUpdates(run: Run, scheduledEventId: number): void {
  for (const update of [...run.updates.values()]) {
    if (update.phase === 'sent' && update.sentInTask === scheduledEventId) {
      rejectUpdate(run, update, {
        message: 'Workflow Update is rejected because it was not processed by the worker: the worker may not support updates.',
        applicationFailureInfo: { type: 'UnprocessedUpdate', nonRetryable: true },
      });
    }
  }
}

/**
 * The run closed: updates the workflow never accepted move to the run that continues it (continue-as-new,
 * retry) or fail with NOT_FOUND; accepted ones get a failure outcome, as the server answers them.
 */
export function closeUpdates(run: Run, next: Run | undefined): void {
  for (const update of [...run.updates.values()]) {
    if (update.phase === 'completed') continue;
    if (update.phase === 'accepted') {
      update.outcome = {
        failure: { message: WORKFLOW_CLOSED_BEFORE_COMPLETION, applicationFailureInfo: { type: 'AcceptedUpdateCompletedWorkflow', nonRetryable: true } },
      };
    } else if (next?.isRunning) {
      run.updates.delete(update.updateId);
      const moved = newUpdate(update.updateId, update.request);
      next.updates.set(moved.updateId, moved);
      update.movedTo = { runId: next.runId, update: moved };
    } else {
      run.updates.delete(update.updateId);
      update.abortedWith = notFound('workflow execution already completed');
    }
    notifyUpdate(update);
  }
}
