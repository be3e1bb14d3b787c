/** A query waiting for a worker's answer: dispatched once the run has no workflow task pending. */
import type { Msg } from '../proto';
import type { Run } from './run';

export interface PendingQuery {
  id: string;
  run: Run;
  query: Msg;
  dispatched: boolean;
  /** Set once a worker took the task. */
  taken: boolean;
  resolve(result: Msg): void;
  reject(error: Error): void;
}
