/**
 * Errors the engine raises for the SDK: a gRPC status code, a message, and optionally one of
 * Temporal's `errordetails` messages packed into `grpc-status-details-bin` (google.rpc.Status),
 * which is how the SDK recognises WorkflowExecutionAlreadyStarted, NamespaceNotFound, etc.
 */
import { status } from '@grpc/grpc-js';
import { google, temporal, Msg } from '../proto';

const details = temporal.api.errordetails.v1;

type DetailType = keyof typeof details & string;

export class RpcError extends Error {
  constructor(
    readonly code: status,
    message: string,
    readonly detailType?: DetailType,
    readonly detail?: Msg,
  ) {
    super(message);
    this.name = 'RpcError';
  }

  /** The google.rpc.Status message sent as the `grpc-status-details-bin` trailer. */
  statusDetails(): Uint8Array {
    const anyDetails: Msg[] = [];
    if (this.detailType) {
      const type = details[this.detailType] as unknown as { encode(m: Msg): { finish(): Uint8Array } };
      anyDetails.push({
        type_url: `type.googleapis.com/temporal.api.errordetails.v1.${this.detailType}`,
        value: type.encode(this.detail ?? {}).finish(),
      });
    }
    return google.rpc.Status.encode({ code: this.code, message: this.message, details: anyDetails }).finish();
  }
}

export const invalidArgument = (message: string) => new RpcError(status.INVALID_ARGUMENT, message);
export const failedPrecondition = (message: string) => new RpcError(status.FAILED_PRECONDITION, message);
export const unimplemented = (message: string) => new RpcError(status.UNIMPLEMENTED, message);

export function notFound(message: string): RpcError {
  return new RpcError(status.NOT_FOUND, message, 'NotFoundFailure', {});
}

export function namespaceNotFound(namespace: string): RpcError {
  return new RpcError(status.NOT_FOUND, `Namespace ${namespace} is not found.`, 'NamespaceNotFoundFailure', { namespace });
}

export function namespaceAlreadyExists(namespace: string): RpcError {
  return new RpcError(status.ALREADY_EXISTS, `Namespace ${namespace} already exists.`, 'NamespaceAlreadyExistsFailure', {});
}

export function workflowAlreadyStarted(workflowId: string, runId: string, startRequestId: string): RpcError {
  return new RpcError(
    status.ALREADY_EXISTS,
    `Workflow execution is already running. WorkflowId: ${workflowId}, RunId: ${runId}.`,
    'WorkflowExecutionAlreadyStartedFailure',
    { startRequestId, runId },
  );
}

export function queryFailed(message: string, failure?: Msg): RpcError {
  return new RpcError(status.INVALID_ARGUMENT, message, 'QueryFailedFailure', failure ? { failure } : {});
}
