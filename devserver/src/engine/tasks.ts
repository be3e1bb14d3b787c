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

export function encodeTaskToken(token: TaskToken): Buffer {
  return Buffer.from(JSON.stringify(token), 'utf8');
}

export function decodeTaskToken(bytes: Uint8Array | undefined | null, field = 'taskToken'): TaskToken {
  if (!bytes || bytes.length === 0) throw invalidArgument(`${field} is not set`);
  try {
    const token = JSON.parse(Buffer.from(bytes).toString('utf8')) as TaskToken;
    if (typeof token.namespace !== 'string' || typeof token.workflowId !== 'string' || typeof token.runId !== 'string') {
      throw new Error('missing fields');
    }
    return token;
  } catch {
    throw invalidArgument(`${field} is malformed: it was not issued by this server`);
  }
}
