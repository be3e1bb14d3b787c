/** The child workflow entity: INITIATED → STARTED → closed, or INITIATED → start failed. */
import { Msg } from '../proto';

export interface ChildWorkflowState {
  initiatedEventId: number;
  attributes: Msg;
  namespace: string;
  workflowId: string;
  workflowType: string;
  runId?: string;
  /** ChildWorkflowExecutionStarted once written (it may still be buffered). */
  startedEvent?: Msg;
}

export function childFromInitiated(event: Msg, attributes: Msg, parentNamespace: string): ChildWorkflowState {
  return {
    initiatedEventId: event.eventId,
    attributes,
    namespace: attributes.namespace || parentNamespace,
    workflowId: attributes.workflowId,
    workflowType: attributes.workflowType?.name ?? '',
  };
}
