/** Request validation shared by the handlers: every message names the missing or bad field. */
import { invalidArgument } from '../grpc/errors';
import { Msg, durationToMs } from '../proto';
import type { Engine } from '../engine/engine';
import type { Run } from '../engine/run';

export function requireField(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw invalidArgument(`${field} is not set on the request`);
  if (value.length > 1000) throw invalidArgument(`${field} is longer than 1000 characters`);
  return value;
}

export function nonNegativeMs(duration: Msg | undefined | null, field: string): number {
  const ms = durationToMs(duration);
  if (ms < 0) throw invalidArgument(`${field} cannot be negative`);
  return ms;
}

/** The run a request names by namespace and execution, once both are checked (`field` names the execution). */
export function requestedRun(engine: Engine, namespace: unknown, execution: Msg | undefined | null, field: string): Run {
  const name = requireField(namespace, 'Namespace');
  engine.requireNamespace(name);
  requireField(execution?.workflowId, `${field}.WorkflowId`);
  return engine.findRun(name, execution);
}
