/** The task offers matching hands to pollers, and the opaque task tokens workers echo back. */
import { invalidArgument } from '../grpc/errors';
import type { Run } from './run';

export interface WorkflowTaskOffer {
  kind: 'workflow';
  run: Run;
  scheduledEventId: number;
  isStale(): boolean;
}

export interface QueryTaskOffer {
  kind: 'query';
  run: Run;
  queryId: string;
  isStale(): boolean;
}

export type WorkflowQueueTask = WorkflowTaskOffer | QueryTaskOffer;

export interface ActivityTaskOffer {
  run: Run;
  scheduledEventId: number;
  attempt: number;
  isStale(): boolean;
}

export interface TaskToken {
  /** 'w' workflow task, 'a' activity task, 'q' legacy query task. */
  kind: 'w' | 'a' | 'q';
  namespace: string;
  workflowId: string;
  runId: string;
  scheduledEventId: number;
  attempt: number;
  queryId?: string;
  activityId?: string;
}

/**
 * Tokens are JSON arrays of the fields in a fixed order: self-describing (a token issued before a
 * restart still resolves), and about half the cost of a JSON object to parse.
 */
export function encodeTaskToken(token: TaskToken): Buffer {
  const fields = [token.kind, token.namespace, token.workflowId, token.runId, token.scheduledEventId, token.attempt, token.queryId ?? token.activityId ?? ''];
  return Buffer.from(JSON.stringify(fields), 'utf8');
}

export function decodeTaskToken(bytes: Uint8Array | undefined | null, field = 'taskToken'): TaskToken {
  if (!bytes || bytes.length === 0) throw invalidArgument(`${field} is not set`);
  try {
    const text = Buffer.isBuffer(bytes) ? bytes.toString('utf8') : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
    const [kind, namespace, workflowId, runId, scheduledEventId, attempt, extra] = JSON.parse(text) as unknown[];
    if ((kind !== 'w' && kind !== 'a' && kind !== 'q') || typeof namespace !== 'string' || typeof workflowId !== 'string' || typeof runId !== 'string') {
      throw new Error('missing fields');
    }
    const token: TaskToken = { kind, namespace, workflowId, runId, scheduledEventId: Number(scheduledEventId), attempt: Number(attempt) };
    if (kind === 'q') token.queryId = String(extra);
    if (kind === 'a') token.activityId = String(extra);
    return token;
  } catch {
    throw invalidArgument(`${field} is malformed: it was not issued by this server`);
  }
}
